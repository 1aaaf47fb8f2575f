#!/usr/bin/env bash
# The one run command (README): the embedded default, every service in one process on the in-memory bus,
# no servers to install. Fetches the demo data, builds, and starts on http://127.0.0.1:5000 (override with
# URLS), with gRPC (the Open Inference Protocol, cleartext HTTP/2) on http://127.0.0.1:5001 (override with
# GRPC_URL). The first start trains the bootstrap model (about 20 s) and caches it under .data/models.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

./scripts/fetch-demo-data.sh
dotnet build deploy/Embedded -c Release -nologo -clp:ErrorsOnly -v:q

bin="deploy/Embedded/bin/Release/net10.0"
exec dotnet "$bin/Embedded.dll" --contentRoot "$root/$bin" --urls "${URLS:-http://127.0.0.1:5000}" \
  --Grpc:Url "${GRPC_URL:-http://127.0.0.1:5001}" "$@"
