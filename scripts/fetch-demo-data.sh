#!/usr/bin/env bash
# Fetches the demo data (US flights Jan-Jun 2001, from the npm package vega-datasets@3.2.1)
# into .data/ (ignored by git). Safe to run any number of times: it does nothing when present.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="$root/.data/vega-datasets"
marker="$target/node_modules/vega-datasets/data/flights-3m.parquet"
if [ -f "$marker" ]; then
  echo "demo data present: $marker"
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "installing npm from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq npm >/dev/null
fi
mkdir -p "$target"
[ -f "$target/package.json" ] || echo '{"name":"demo-data","private":true}' > "$target/package.json"
npm install --prefix "$target" --no-audit --no-fund --ignore-scripts vega-datasets@3.2.1
[ -f "$marker" ] || { echo "vega-datasets installed but $marker is missing" >&2; exit 1; }
echo "demo data fetched: $marker"
