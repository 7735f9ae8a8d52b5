#!/usr/bin/env bash
# The README's quickstart, run as a user would (npm run test:consumer; the last step of `npm run build`):
#   1. npm pack this repository (needs a compiled lib/ and .jsii: run after compile);
#   2. in an empty temporary folder, run the README's set-up commands, with the tarball in place of the
#      published `cdk8s-ai-gateway`;
#   3. write the README's cdk8s.yaml, tsconfig.json and main.ts;
#   4. `npx cdk8s synth` (cdk8s-cli, as the README says);
#   5. validate dist/*.k8s.yaml strictly with tools/validator.ts.
# Needs only the npm registry; npm's cache is reused (--prefer-offline), so a warm run installs nothing new.
# KEEP_CONSUMER_DIR=1 keeps the folder for inspection.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if [ ! -f .jsii ] || [ ! -f lib/index.js ]; then
  echo "consumer-test: compile first (npm run compile): no .jsii or lib/index.js" >&2
  exit 1
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/cdk8s-ai-gateway-consumer.XXXXXX")"
if [ "${KEEP_CONSUMER_DIR:-}" = 1 ]; then echo "consumer-test: keeping $work"; else trap 'rm -rf "$work"' EXIT; fi
helper=(node_modules/.bin/ts-node -P test/tsconfig.json --transpile-only scripts/consumer-test.ts)

echo "=== npm pack"
tarball="$work/$(npm pack --ignore-scripts --silent --pack-destination "$work" | tail -n 1)"
[ -f "$tarball" ] || { echo "consumer-test: npm pack wrote no tarball" >&2; exit 1; }

export npm_config_prefer_offline=true npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
mapfile -t commands < <("${helper[@]}" commands)

cd "$work"
for command in "${commands[@]}"; do
  # The published package is the tarball we just packed; everything else exactly as the README says.
  command="${command//npm install cdk8s-ai-gateway /npm install $tarball }"
  echo "=== $command"
  eval "$command"
done
app="$PWD"

cd "$root" && "${helper[@]}" files "$app" && cd "$app"
echo "=== npx cdk8s synth (in $app)"
npx cdk8s synth

cd "$root"
echo "=== validate"
"${helper[@]}" validate "$app"
echo "consumer-test: the README's quickstart works with $(basename "$tarball")"
