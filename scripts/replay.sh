#!/usr/bin/env bash
# Replays the US flights of January–June 2001 through a running platform over RabbitMQ, as another system would:
# a prediction request on platform.ingest before each departure, the true delay as an outcome after it, at a
# speed-up; reports live AUC per month and every alert with its stream date (docs/replay.md). Builds the tool
# once and runs the Release build; arguments go to the tool, e.g.
#   scripts/replay.sh --sample 0.1 --speed 20000 --report .data/replay/report.md --json .data/replay/report.json
#   scripts/replay.sh --help
# Needs the platform on the broker first (scripts/run-distributed.sh, or the embedded host with
# Messaging__Transport=RabbitMq); --amqp names another broker or virtual host.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

./scripts/fetch-demo-data.sh >/dev/null
if ! build="$(dotnet build tools/Replay -c Release -nologo -clp:ErrorsOnly -v:q 2>&1)"; then
  echo "$build" >&2
  exit 1
fi
# Report files named relative to the repository root may be in a folder that does not exist yet.
args=("$@")
for ((i = 0; i < ${#args[@]} - 1; i++)); do
  case "${args[i]}" in
    --report|--json) mkdir -p "$(dirname "${args[i + 1]}")" ;;
  esac
done
exec dotnet tools/Replay/bin/Release/net10.0/Replay.dll "$@"
