#!/usr/bin/env bash
# Install Debian's Chromium (and Korean fonts for readable screenshots) when missing.
# Never downloads a browser build of its own: the tests drive /usr/bin/chromium through Playwright.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -i "noto sans cjk" >/dev/null || need+=(fonts-noto-cjk)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null; then
  echo "missing ${need[*]}: install them with your package manager (Debian: apt-get install ${need[*]})" >&2
  exit 0
fi
echo "installing ${need[*]} from Debian's packages..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq "${need[@]}" >&2
