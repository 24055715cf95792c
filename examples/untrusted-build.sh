#!/bin/sh
# An untrusted build of the current directory: it may write there and nowhere else, reads the
# host's /usr but not your home, has no network and sees none of your processes.
#
#   cd project && examples/untrusted-build.sh [COMMAND [ARGS...]]
#
# COMMAND defaults to a meson build in ./build; make, cargo --offline or ./configure work the
# same way.
set -eu
SANDBOX=${SANDBOX:-sandbox}
[ $# -gt 0 ] || set -- sh -c 'meson setup build && ninja -C build'
exec "$SANDBOX" --profile build -- "$@"
