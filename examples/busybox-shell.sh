#!/bin/sh
# A container made from a root folder: busybox's shell with its own /proc, /tmp, hostname,
# processes, network and users (uid 0 inside is you outside).
#
#   examples/busybox-shell.sh [ROOT [COMMAND [ARGS...]]]
#
# ROOT (default ./busybox) is made from Debian's busybox-static when it does not exist yet.
# COMMAND defaults to an interactive sh.
set -eu
SANDBOX=${SANDBOX:-sandbox}
root=${1:-./busybox}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- sh

if [ ! -e "$root" ]; then
  busybox=$(command -v busybox) || { echo "$0: install busybox-static first" >&2; exit 1; }
  mkdir -p "$root/bin" "$root/etc" "$root/proc" "$root/tmp" "$root/root"
  cp "$busybox" "$root/bin/busybox"
  for applet in $("$root/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
  echo 'root:x:0:' > "$root/etc/group"
fi

exec "$SANDBOX" --bind "$root" / --profile shell "$@"
