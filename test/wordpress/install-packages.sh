#!/usr/bin/env bash
# Installs, when missing, what the WordPress suite runs on: Debian's WordPress, its Twenty
# Twenty-Three theme and PHP's command line with MySQL support. Nothing is started: the suite serves
# WordPress with `php -S` over the MariaDB already running on the machine.
#
# The wordpress package depends on "apache2 | httpd" and "libapache2-mod-php | php". When Apache is
# not already there, naming micro-httpd (a 50 kB server that only inetd or a systemd socket would
# start), php and the versioned php-cgi (php8.2-cgi: apt takes php8.2's first alternative,
# Apache's module, unless the CGI one is named itself) satisfies both without pulling Apache in.
set -euo pipefail

wanted=(wordpress wordpress-theme-twentytwentythree php-cli php-mysql)

installed() { dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null | grep -qx installed; }

missing=()
for package in "${wanted[@]}"; do installed "$package" || missing+=("$package"); done
[ ${#missing[@]} -eq 0 ] && exit 0

if [[ " ${missing[*]} " == *" wordpress "* ]]; then
  installed apache2 || missing+=(micro-httpd)
  if ! installed libapache2-mod-php; then
    cgi=$(apt-cache depends php-cgi 2>/dev/null | awk '$1 == "Depends:" { print $2; exit }')
    missing+=(php "${cgi:-php-cgi}")
  fi
fi

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-packages: not root and no sudo; install ${missing[*]} by hand" >&2; exit 1; }
  as_root=(sudo -n)
fi

echo "install-packages: apt-get install ${missing[*]}"
install() {
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends -o Dpkg::Use-Pty=0 "${missing[@]}"
}
# apt-get update only when the package lists are too old to know the packages (or their versions went away)
install || { "${as_root[@]}" apt-get update -q && install; }
