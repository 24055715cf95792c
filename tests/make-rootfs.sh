#!/bin/sh
# Builds a minimal root filesystem from Debian's busybox-static: busybox, one link per applet,
# the usual top-level directories and an /etc/passwd naming root.
# usage: make-rootfs.sh DIR
set -eu
dir=${1:?usage: make-rootfs.sh DIR}
busybox=$(command -v busybox || true)
[ -n "$busybox" ] && file_is_static=$( (ldd "$busybox" 2>&1 || true) | grep -c 'not a dynamic' || true)
if [ -z "$busybox" ] || [ "${file_is_static:-0}" = 0 ]; then
  echo "make-rootfs.sh: a static busybox is needed (Debian package busybox-static)" >&2
  exit 1
fi
rm -rf "$dir"
mkdir -p "$dir/bin" "$dir/etc" "$dir/proc" "$dir/dev" "$dir/tmp" "$dir/root" "$dir/sys" "$dir/usr" "$dir/home"
chmod 1777 "$dir/tmp"
cp "$busybox" "$dir/bin/busybox"
for applet in $("$busybox" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$dir/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' > "$dir/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$dir/etc/group"
chmod -R a+rX "$dir"
