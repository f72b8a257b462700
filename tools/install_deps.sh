#!/usr/bin/env bash
# Installs the Debian packages slotd needs to build and test, only those that are missing.
set -euo pipefail
packages=(g++ cmake make pkg-config ccache libuv1-dev libxxhash-dev libtomlplusplus-dev libgtest-dev
          libhiredis-dev liblzf-dev redis-server redis-tools redis-sentinel python3-redis
          python3-yaml)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi
