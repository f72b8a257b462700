#!/usr/bin/env bash
# The README's main job: installs what is missing, builds, and runs slotd in the foreground on
# 127.0.0.1:7001 with conf/slotd.toml. Connect with: redis-cli -p 7001
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install_deps.sh
tools/build.sh
echo "slotd starting on 127.0.0.1:7001 — connect with: redis-cli -p 7001   (Ctrl-C stops it)"
exec build/slotd conf/slotd.toml "$@"
