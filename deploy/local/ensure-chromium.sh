#!/usr/bin/env bash
# Installs Debian's chromium and chromium-driver for the browser tests, when they are missing.
# Idempotent and quiet: prints nothing when both are there already. Needs root (apt-get).
set -euo pipefail

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-chromium: chromium or chromedriver missing and not root; run: sudo $0" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "ensure-chromium: installing chromium and chromium-driver"
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
/usr/bin/chromium --version
