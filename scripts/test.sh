#!/usr/bin/env bash
# The one test command (README, CI): installs what the tests need (the demo data from npm; RabbitMQ, the deploy tools,
# Chromium and python3 with scikit-learn from Debian; the Node gRPC client from npm), builds with warnings as errors, runs every test project, and
# prints one summary line.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

./scripts/fetch-demo-data.sh
./scripts/install-rabbitmq.sh
./scripts/install-deploy-tools.sh
./scripts/install-chromium.sh
./scripts/install-python-tools.sh
./scripts/install-node-tools.sh

dotnet build Microservices.sln -c Release -warnaserror -nologo -clp:ErrorsOnly

log="$(mktemp)"
results="$(mktemp -d)"
status=0
dotnet test Microservices.sln -c Release --no-build -nologo --logger trx --results-directory "$results" "$@" 2>&1 | tee "$log" || status=$?

# dotnet test prints one "Passed!/Failed! - Failed: x, Passed: y, Skipped: z, Total: n" line per test project.
grep -E '(Passed|Failed)! +- +Failed: ' "$log" | sed -E 's/.*Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+).*/\1 \2 \3/' |
  awk '{ failed += $1; passed += $2; skipped += $3 } END { printf "%d passed, %d failed, %d skipped\n", passed, failed, skipped }'
# Why tests were skipped (e.g. the MongoDB store tests without MONGODB_URI), once per reason with a count.
cat "$results"/*.trx 2>/dev/null |
  awk '/outcome="NotExecuted"/ { skipped = 1 } skipped && /<Message>/ { sub(/.*<Message>/, ""); sub(/<\/Message>.*/, ""); print; skipped = 0 }' |
  sort | uniq -c | sed -E 's/^ *([0-9]+) (.*)/skipped \1: \2/'
# Which tests failed and why (the message only, at most 20 lines each), so the end of the output names them.
cat "$results"/*.trx 2>/dev/null |
  awk '/<UnitTestResult / && /outcome="Failed"/ { match($0, /testName="[^"]*"/); print "FAILED " substr($0, RSTART + 10, RLENGTH - 11); failed = 1; lines = 0 }
       failed && /<Message>/ { inside = 1; sub(/.*<Message>/, "") }
       inside { done = sub(/<\/Message>.*/, ""); if (lines++ < 20) print "  " $0; if (done) { inside = 0; failed = 0 } }'
rm -rf "$log" "$results"
exit "$status"
