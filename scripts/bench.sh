#!/usr/bin/env bash
# Benchmarks, apart from the tests.
# `scripts/bench.sh online` measures the online paths: (a) ONNX Runtime in-process, (b) a naive model-in-the-web-server,
# (c) the tensor API and (d) the raw-record API, first through the gateway of the distributed mode on RabbitMQ
# (scripts/run-distributed.sh) with its event path (requests on platform.ingest answered on platform.events, from the
# plain RabbitMQ client), then against the embedded default (deploy/Embedded, as scripts/run.sh starts it), each
# started by the bench on ports of its own (5400-5406, 5430) with a copy of the models. For every row: closed-loop
# throughput (wrk for HTTP) with the CPU time per prediction of every process (/proc/<pid>/stat) and the bytes
# allocated per request of the hot .NET processes (their /metrics), then open-loop latency at half that throughput
# (h2load for HTTP; spinning threads for (a)), then each generator's own floor against a target that does nothing.
# It prints the Markdown report and writes it to docs/benchmarks.md. Extra arguments go to the bench: --duration
# SECONDS (4), or --gateway URL [--key KEY] to measure a platform already running (its processes are found on this
# machine from the gateway's port; the key defaults to .data/store/admin-key and is on h2load's command line while it
# runs, so prefer a key with the predict scope alone). wrk and h2load come from Debian (scripts/install-bench-tools.sh).
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
if [ "$1" = online ]; then
  ./scripts/install-bench-tools.sh >/dev/null
  # The embedded rows run the built host, as scripts/run.sh does (scripts/run-distributed.sh builds the services itself).
  dotnet build deploy/Embedded -c Release -nologo -clp:ErrorsOnly -v:q >/dev/null
fi
dotnet build bench/Bench -c Release -nologo -clp:ErrorsOnly -v:q >/dev/null
exec dotnet bench/Bench/bin/Release/net10.0/Bench.dll "$@" --output "$output"
