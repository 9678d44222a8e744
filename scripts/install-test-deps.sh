#!/usr/bin/env bash
# Installs the Debian packages the tests use, when missing: Debian's Chromium
# (never a Playwright browser download), iproute2 for the simulated LAN, and
# python3-zeroconf (an independent mDNS implementation, used through Debian's
# own /usr/bin/python3, since another python3 on PATH may not see it), and
# coturn, the TURN server the LAN tier runs inside a namespace with a config
# of its own (e2e/lan/turn.spec.ts), never as a system service.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
/usr/bin/python3 -c 'import zeroconf' >/dev/null 2>&1 || need+=(python3-zeroconf)
command -v turnserver >/dev/null 2>&1 || [ -x /usr/bin/turnserver ] || need+=(coturn)

if [ ${#need[@]} -eq 0 ]; then
  echo "test dependencies: all present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "test dependencies missing: ${need[*]}; run as root: apt-get install -y ${need[*]}" >&2
    exit 1
  fi
else
  SUDO=
fi
echo "installing test dependencies: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
# Debian's coturn package enables and starts a system-wide TURN server on
# systemd machines: the tests start their own, so stop and disable that one.
if [[ " ${need[*]} " == *" coturn "* ]] && command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  $SUDO systemctl disable --now coturn >/dev/null 2>&1 || true
fi
