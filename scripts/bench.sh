#!/usr/bin/env bash
# Benchmarks, apart from the tests.
# `scripts/bench.sh online` measures the online paths (ONNX Runtime in-process, a naive model-in-the-web-server,
# the tensor API and the raw-record API through the gateway of the distributed mode on RabbitMQ), prints the
# Markdown report and writes it to docs/benchmarks.md. Extra arguments go to the bench (e.g. --duration 10,
# --gateway http://127.0.0.1:5000).
# `scripts/bench.sh batch` scores flights-3m.parquet (3 M rows) as one batch in the distributed mode and raw
# with ONNX Runtime in-process, and writes the report to docs/benchmarks-batch.md.
# `scripts/bench.sh reference` builds a reference from 100,000 flights as the registry does with a version's
# reference file, in one process, and writes the report to docs/benchmarks-reference.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

case "${1:-}" in
  online) output=docs/benchmarks.md ;;
  batch) output=docs/benchmarks-batch.md ;;
  reference) output=docs/benchmarks-reference.md ;;
  *) echo "usage: scripts/bench.sh online [--duration SECONDS] [--gateway URL [--key KEY]] | scripts/bench.sh batch | scripts/bench.sh reference" >&2; exit 2 ;;
esac

./scripts/fetch-demo-data.sh >/dev/null
./scripts/install-rabbitmq.sh >/dev/null
./scripts/retrainer.sh bootstrap >/dev/null
dotnet build bench/Bench -c Release -nologo -clp:ErrorsOnly -v:q >/dev/null
exec dotnet bench/Bench/bin/Release/net10.0/Bench.dll "$@" --output "$output"
