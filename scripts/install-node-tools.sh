#!/usr/bin/env bash
# Installs the gRPC client the tests use that is not the platform's own: Node's @grpc/grpc-js and @grpc/proto-loader
# (tests/GrpcNodeClient, versions locked by its package-lock.json) from the npm registry, with Debian's node and npm
# when they are missing. Does nothing when they are installed already.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
client="$root/tests/GrpcNodeClient"

installed() {
  [ -f "$client/node_modules/@grpc/grpc-js/package.json" ] && [ -f "$client/node_modules/@grpc/proto-loader/package.json" ]
}

if installed && command -v node >/dev/null 2>&1; then
  echo "node gRPC client: $client ($(node --version))"
  exit 0
fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "installing node and npm from Debian"
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi

npm ci --prefix "$client" --no-audit --no-fund --ignore-scripts
installed || { echo "npm ci finished but @grpc/grpc-js or @grpc/proto-loader is missing in $client/node_modules" >&2; exit 1; }
echo "node gRPC client: $client ($(node --version))"
