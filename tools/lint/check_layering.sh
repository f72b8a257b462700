#!/usr/bin/env bash
# Fails when cluster/ reaches into the world (../shared/DESIGN.md: the protocol library is pure) or when
# tools/ includes server/. Usage: check_layering.sh REPO_ROOT
set -u
root=${1:-.}
cd "$root" || exit 2
fail=0
files=$(find cluster -name '*.h' -o -name '*.cc' 2>/dev/null)
for f in $files; do
  if grep -nE '#include *[<"](uv\.h|sys/socket\.h|fstream|thread|mutex|random)[>"]' "$f"; then
    echo "layering: $f includes a world-facing header"; fail=1
  fi
  if grep -nE '(::now\(|[^_a-zA-Z]time\(|getenv\(|[^_a-zA-Z]rand\()' "$f"; then
    echo "layering: $f reads a clock, the environment or rand()"; fail=1
  fi
  if grep -nE '#include *"server/' "$f"; then
    echo "layering: $f includes server/"; fail=1
  fi
done
for f in $(find tools -name '*.h' -o -name '*.cc' 2>/dev/null); do
  if grep -nE '#include *"server/' "$f"; then
    echo "layering: $f (tools/) includes server/"; fail=1
  fi
done
[ $fail -eq 0 ] && echo "layering: ok ($(echo "$files" | wc -w) files under cluster/)"
exit $fail
