#!/usr/bin/env bash
# The web UI's browser tests drive Debian's Chromium with playwright-core (a browser
# downloaded from elsewhere cannot be fetched on these machines). Installs the package
# when it is missing; does nothing when it is there or TESSERA_CHROMIUM names another one.
set -euo pipefail
browser="${TESSERA_CHROMIUM:-/usr/bin/chromium}"
[ -x "$browser" ] && exit 0
echo "Chromium not found at $browser: installing Debian's chromium package for the browser tests…" >&2
sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
[ -x "$browser" ] || { echo "Chromium is still missing at $browser" >&2; exit 1; }
