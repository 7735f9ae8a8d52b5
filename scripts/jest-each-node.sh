#!/usr/bin/env bash
# Runs the jest suite on the machine's own Node (the first `node` on PATH outside node_modules) and on Node 24 LTS
# when scripts/node-lts.sh has put it in .node-lts/, once per distinct version. Extra arguments go to jest.
# PATH is never changed: each Node is called by its path.
set -euo pipefail
cd "$(dirname "$0")/.."

nodes=()
IFS=: read -r -a path_dirs <<< "$PATH"
for dir in "${path_dirs[@]}"; do
  case "$dir" in *node_modules*) continue ;; esac
  if [ -x "$dir/node" ]; then nodes+=("$dir/node"); break; fi
done
for lts in .node-lts/node_modules/node-*/bin/node; do
  [ -x "$lts" ] && nodes+=("$PWD/$lts")
done

seen=""
first=1
for node in "${nodes[@]}"; do
  version=$("$node" --version)
  case " $seen " in *" $version "*) continue ;; esac
  seen="$seen $version"
  echo "=== jest on Node $version ($node)"
  if [ $first = 1 ]; then
    "$node" node_modules/jest/bin/jest.js --ci "$@"
    first=0
  else
    # Coverage once is enough.
    "$node" node_modules/jest/bin/jest.js --ci --coverage=false "$@"
  fi
done
