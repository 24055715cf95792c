# build: an untrusted build of the current directory.
#
#   cd project && sandbox --profile build -- sh -c 'meson setup build && ninja -C build'
#
# The host's /usr and the parts of /etc a compiler needs, read-only; the current directory
# writable and nothing else; fresh /tmp and HOME; no network; no host processes; an
# environment cleared but for PATH, LANG and TERM; gone when its parent goes. It runs as you
# (--as-user), so tar, install -o and whoami behave as outside; a build that must be root
# inside (packaging) adds --no-as-user after it.

--ro-bind /usr /usr
--symlink usr/bin /bin
--symlink usr/sbin /sbin
--symlink usr/lib /lib
--symlink usr/lib64 /lib64
--ro-bind-try /etc/alternatives /etc/alternatives
--ro-bind-try /etc/ld.so.cache /etc/ld.so.cache
--ro-bind-try /etc/ld.so.conf /etc/ld.so.conf
--ro-bind-try /etc/ld.so.conf.d /etc/ld.so.conf.d
--ro-bind-try /etc/localtime /etc/localtime
--ro-bind-try /etc/os-release /etc/os-release
--proc /proc
--tmpfs /tmp
# HOME before the directory, which may lie inside it.
--home tmpfs
--bind ${PWD} ${PWD}
--chdir ${PWD}

--clearenv
--keep-env PATH
--keep-env LANG
--keep-env TERM
--setenv HOME ${HOME}
--as-user

--network none
--seccomp-profile default
--die-with-parent
