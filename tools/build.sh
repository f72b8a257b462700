#!/usr/bin/env bash
# Configures and builds slotd in ./build (Release with debug info). Extra args go to cmake configure.
set -euo pipefail
cd "$(dirname "$0")/.."
werror=OFF
[ "${CI:-}" = "true" ] && werror=ON
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSLOTD_WERROR=$werror "$@" >/dev/null
cmake --build build -j"$(nproc)"
