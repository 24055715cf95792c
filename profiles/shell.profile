# shell: a shell in a root folder, a container made from a busybox or a distribution's tree.
# The root comes first, on the command line:
#
#   sandbox --bind ./busybox / --profile shell sh
#
# A new /proc and /tmp over that root, the environment of a fresh login as root, and the
# usual start in /. The sandbox's own namespaces and /dev are the native defaults.

--proc /proc
--tmpfs /tmp
--clearenv
--keep-env TERM
--setenv PATH /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
--setenv HOME /root
--setenv PS1 'sandbox# '
--chdir /
--die-with-parent
