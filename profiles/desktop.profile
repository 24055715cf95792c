# desktop: an X11 or Wayland application, with sound and fonts.
#
#   sandbox --profile desktop xclock
#   sandbox --profile desktop --home firefox --network pasta firefox
#
# The host's /usr read-only, the display (Wayland where there is one, else X11 as a client that
# cannot read or drive other windows), the sound server and /dev/dri where present, the
# caller's fonts, themes and icons read-only, and nothing else of HOME: HOME is a fresh tmpfs,
# or with --home NAME a directory of the application's own, kept between runs. The app runs
# as the caller, in a clean environment, and the session bus reaches the desktop portals and
# nothing else. No network unless asked (--share-net, --network pasta). Launched apps outlive
# whatever launched them (--die-with-parent turns that off).

--clearenv
--keep-env PATH
--keep-env LANG
--keep-env LANGUAGE
--keep-env LC_ALL
--keep-env LC_CTYPE
--keep-env LC_MESSAGES
--keep-env LC_NUMERIC
--keep-env LC_TIME
--keep-env LC_COLLATE
--keep-env LC_MONETARY
--keep-env LC_PAPER
--keep-env LC_MEASUREMENT
--keep-env TZ
--keep-env TERM
--keep-env USER
--keep-env LOGNAME
--keep-env XDG_CURRENT_DESKTOP
--keep-env XDG_SESSION_TYPE
--setenv HOME ${HOME}
--as-user

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
--ro-bind-try /etc/machine-id /etc/machine-id
--ro-bind-try /etc/fonts /etc/fonts
--ro-bind-try /etc/xdg /etc/xdg
--ro-bind-try /etc/gtk-3.0 /etc/gtk-3.0
--ro-bind-try /etc/gtk-4.0 /etc/gtk-4.0
--ro-bind-try /etc/pulse /etc/pulse
# What an application that is given the network needs to use it.
--ro-bind-try /etc/resolv.conf /etc/resolv.conf
--ro-bind-try /etc/hosts /etc/hosts
--ro-bind-try /etc/nsswitch.conf /etc/nsswitch.conf
--ro-bind-try /etc/ssl /etc/ssl
--ro-bind-try /etc/ca-certificates /etc/ca-certificates
--proc /proc
--tmpfs /tmp
--dev-bind-try /dev/dri /dev/dri

--home tmpfs
--ro-bind-try ${HOME}/.fonts ${HOME}/.fonts
--ro-bind-try ${HOME}/.local/share/fonts ${HOME}/.local/share/fonts
--ro-bind-try ${HOME}/.config/fontconfig ${HOME}/.config/fontconfig
--ro-bind-try ${HOME}/.themes ${HOME}/.themes
--ro-bind-try ${HOME}/.local/share/themes ${HOME}/.local/share/themes
--ro-bind-try ${HOME}/.icons ${HOME}/.icons
--ro-bind-try ${HOME}/.local/share/icons ${HOME}/.local/share/icons
--ro-bind-try ${HOME}/.config/gtk-3.0 ${HOME}/.config/gtk-3.0
--ro-bind-try ${HOME}/.config/gtk-4.0 ${HOME}/.config/gtk-4.0
--chdir ${HOME}

--share-display
--share-sound
--dbus-talk org.freedesktop.portal.*
