#!/usr/bin/env bash
# Fails when a source file under cluster/, server/ or tools/ passes 800 lines (../shared/STYLE.md 8.3.13).
# Usage: check_sizes.sh REPO_ROOT
set -u
root=${1:-.}
cd "$root" || exit 2
fail=0
count=0
while IFS= read -r f; do
  count=$((count + 1))
  n=$(wc -l < "$f")
  if [ "$n" -gt 800 ]; then echo "size: $f has $n lines (limit 800)"; fail=1; fi
done < <(find cluster server tools -name '*.h' -o -name '*.cc' 2>/dev/null)
[ $fail -eq 0 ] && echo "size: ok ($count files at most 800 lines)"
exit $fail
