#!/usr/bin/env bash
# Installs the HTTP load generators `scripts/bench.sh online` drives (docs/benchmarks.md): wrk (the closed loop,
# throughput and CPU per hop) and h2load from nghttp2-client (the open loop, latency at a fixed rate).
# Idempotent: installs only what is missing, from Debian, with one apt-get update first.
set -euo pipefail

missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v h2load >/dev/null 2>&1 || missing+=(nghttp2-client)
if ((${#missing[@]} == 0)); then
  echo "bench tools present: $(command -v wrk), $(command -v h2load)"
  exit 0
fi

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "installing ${missing[*]} from Debian"
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
command -v wrk >/dev/null 2>&1 && command -v h2load >/dev/null 2>&1 || { echo "wrk or h2load is still missing after installing ${missing[*]}" >&2; exit 1; }
echo "bench tools installed: $(command -v wrk), $(command -v h2load)"
