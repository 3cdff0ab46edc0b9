#!/usr/bin/env bash
# Installs Debian's Chromium when it is missing (browser tests drive it through playwright-core;
# a test tool's own browser download does not work offline). Needs root and the Debian mirror.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then echo "chromium is missing and this is not root: apt-get install chromium" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q chromium >/dev/null
/usr/bin/chromium --version 2>/dev/null | grep -i chromium
