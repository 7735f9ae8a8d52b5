#!/usr/bin/env bash
# Runs the jest suite on the machine's own Node (the first `node` on PATH outside node_modules) and on Node 24 LTS
# when scripts/node-lts.sh has put it in .node-lts/, once per distinct version. Extra arguments go to jest.
# PATH is never changed: each Node is called by its path.
#
# With two Nodes the two runs go side by side, one jest worker each (the machines here have 2 cores; jest would
# otherwise use one worker per run anyway), and each run's output is printed whole when it ends, in order.
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

distinct=()
seen=""
for node in "${nodes[@]}"; do
  version=$("$node" --version)
  case " $seen " in *" $version "*) continue ;; esac
  seen="$seen $version"
  distinct+=("$node")
done

if [ ${#distinct[@]} -eq 1 ]; then
  echo "=== jest on Node $("${distinct[0]}" --version) (${distinct[0]})"
  exec "${distinct[0]}" node_modules/jest/bin/jest.js --ci "$@"
fi

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
pids=()
for i in "${!distinct[@]}"; do
  node=${distinct[$i]}
  # Coverage once is enough.
  extra=(); [ "$i" -gt 0 ] && extra=(--coverage=false)
  ( echo "=== jest on Node $("$node" --version) ($node)"
    JEST_JUNIT_OUTPUT_NAME="junit-$("$node" --version).xml" "$node" node_modules/jest/bin/jest.js --ci --maxWorkers=1 "${extra[@]}" "$@" ) > "$logs/$i.log" 2>&1 &
  pids+=($!)
done
status=0
for i in "${!pids[@]}"; do
  if ! wait "${pids[$i]}"; then status=1; fi
  cat "$logs/$i.log"
done
exit $status
