#!/usr/bin/env bash
# The replica tests put Debian's nginx in front of several gateways, as docs/deploy.md
# describes (and the benchmark uses it as its upstream). Installs nginx-light when no nginx
# is there; does nothing otherwise.
set -euo pipefail
[ -x /usr/sbin/nginx ] && exit 0
echo "nginx not found at /usr/sbin/nginx: installing Debian's nginx-light package for the replica tests…" >&2
sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nginx-light >/dev/null
[ -x /usr/sbin/nginx ] || { echo "nginx is still missing at /usr/sbin/nginx" >&2; exit 1; }
