#!/bin/sh
# fetch-axe.sh vendors axe-core, which the browser tests inject into pages to
# check accessibility. It installs it with npm into a temporary directory and
# copies the minified file here with its version in AXE_VERSION. The file is
# committed (the tests must not depend on the network); run this to upgrade.
#
#   sh e2e/testdata/fetch-axe.sh [VERSION]
set -eu
version=${1:-4}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm init -y >/dev/null
npm install --no-audit --no-fund --ignore-scripts --save-exact "axe-core@$version" >/dev/null
cp node_modules/axe-core/axe.min.js "$here/axe.min.js"
echo "axe-core $(node -p "require('./node_modules/axe-core/package.json').version") axe.min.js (MPL-2.0)" >"$here/AXE_VERSION"
cat "$here/AXE_VERSION"
