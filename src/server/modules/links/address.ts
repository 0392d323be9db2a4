import ipaddr from 'ipaddr.js';

/**
 * Whether the crawler may connect to this IP address: only public unicast space. Everything
 * ipaddr.js puts in a special range is refused (loopback, RFC 1918, link-local, CGNAT 100.64/10,
 * unspecified, multicast, broadcast, documentation, unique-local fc00::/7, NAT64, 6to4, Teredo…),
 * and IPv6 must also be global unicast (2000::/3), which rules out the deprecated IPv4-compatible
 * ::a.b.c.d form. IPv4-mapped IPv6 (::ffff:127.0.0.1) is judged as the IPv4 it carries.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const ip = ipaddr.process(address);
  if (ip.range() !== 'unicast') return false;
  return ip.kind() === 'ipv4' || (ip as ipaddr.IPv6).match(ipaddr.IPv6.parse('2000::'), 3);
}
