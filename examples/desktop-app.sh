#!/bin/sh
# A desktop application, confined: its windows on your display, its sound, your fonts and
# themes, and nothing else of your home; no network unless you add it.
#
#   examples/desktop-app.sh [SANDBOX OPTIONS...] APP [ARGS...]
#   examples/desktop-app.sh xclock
#   examples/desktop-app.sh --home browser --network pasta firefox
#
# --home NAME keeps the application's HOME between runs (in ~/.local/share/sandbox/home/NAME).
set -eu
SANDBOX=${SANDBOX:-sandbox}
exec "$SANDBOX" --profile desktop "$@"
