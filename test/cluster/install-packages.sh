#!/usr/bin/env bash
# Installs, when missing, what the cluster suite runs on: Debian's HAProxy (the load balancer) and
# PgBouncer (transaction pooling in front of the local PostgreSQL). Nothing is started here: the suite
# starts both in the foreground with its own configuration files and stops them at the end.
set -euo pipefail

wanted=(haproxy pgbouncer)
installed() { dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null | grep -qx installed; }

missing=()
for package in "${wanted[@]}"; do installed "$package" || missing+=("$package"); done
[ ${#missing[@]} -eq 0 ] && exit 0

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-packages: not root and no sudo; install ${missing[*]} by hand" >&2; exit 1; }
  as_root=(sudo -n)
fi

echo "install-packages: apt-get install ${missing[*]}"
install() {
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends -o Dpkg::Use-Pty=0 "${missing[@]}"
}
install || { "${as_root[@]}" apt-get update -q && install; }
