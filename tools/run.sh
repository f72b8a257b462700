#!/usr/bin/env bash
# The README's main job: installs what is missing, builds, and starts a local cluster of six slotd nodes
# (three masters, one replica each) on 127.0.0.1:7001-7006 from conf/cluster/*.toml, joined with
# `slotctl create --replicas 1`. Connect with: redis-cli -c -p 7001. Stop with: tools/cluster.sh stop
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install_deps.sh
tools/build.sh
exec tools/cluster.sh start "$@"
