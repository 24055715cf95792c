#!/bin/sh
# A desktop application, confined: its windows on your display (Wayland where there is one,
# else X11 as a client that cannot read or type into other windows), its sound, your fonts
# and themes, and nothing else of your home; it runs as you, in a clean environment, with a
# session bus that reaches the desktop portals and nothing else; no network unless you add it.
#
#   examples/desktop-app.sh                  a small GTK window, to see it work (python3-gi)
#   examples/desktop-app.sh xclock
#   examples/desktop-app.sh --home browser --network pasta firefox
#   examples/desktop-app.sh --dbus-talk org.freedesktop.Notifications notify-send hi
#
# --home NAME keeps the application's HOME between runs (in ~/.local/share/sandbox/home/NAME).
set -eu
SANDBOX=${SANDBOX:-sandbox}
if [ $# -eq 0 ]; then
  # Says "window shown" once the window is on the display; closing it ends it.
  set -- /usr/bin/python3 -c '
import gi
gi.require_version("Gtk", "3.0")
from gi.repository import Gtk
window = Gtk.Window(title="sandboxed")
window.set_default_size(240, 120)
window.add(Gtk.Label(label="Hello from inside the sandbox"))
window.connect("destroy", Gtk.main_quit)
def shown(widget, event):
    print("window shown", flush=True)
    window.disconnect(handler)
handler = window.connect("map-event", shown)
window.show_all()
Gtk.main()
'
fi
exec "$SANDBOX" --profile desktop "$@"
