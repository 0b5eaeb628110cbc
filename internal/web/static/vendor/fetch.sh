#!/bin/sh
# fetch.sh vendors the browser libraries the pages use: htmx (v2) and Apache
# ECharts. It installs them with npm into a temporary directory, copies the
# minified dist files here and records their versions in VERSIONS. The files
# are committed; run this only to upgrade, then review the diff.
#
#   sh internal/web/static/vendor/fetch.sh [HTMX_VERSION] [ECHARTS_VERSION]
set -eu

htmx_version=${1:-2}
echarts_version=${2:-6}

here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cd "$tmp"
npm init -y >/dev/null
npm install --no-audit --no-fund --ignore-scripts --save-exact \
	"htmx.org@$htmx_version" "echarts@$echarts_version" >/dev/null

cp node_modules/htmx.org/dist/htmx.min.js "$here/htmx.min.js"
cp node_modules/echarts/dist/echarts.min.js "$here/echarts.min.js"

version() { node -p "require('./node_modules/$1/package.json').version"; }
{
	echo "# Vendored by fetch.sh from the npm registry; do not edit the files by hand."
	echo "htmx.org $(version htmx.org) dist/htmx.min.js -> htmx.min.js"
	echo "echarts $(version echarts) dist/echarts.min.js -> echarts.min.js"
} >"$here/VERSIONS"

cat "$here/VERSIONS"
