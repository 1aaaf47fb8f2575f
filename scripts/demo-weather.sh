#!/usr/bin/env bash
# The second demo, end to end (docs/demo-weather.md): Seattle's daily weather (vega-datasets seattle-weather.csv).
#   1. a first version of seattle-weather trained on 2012 by the platform's trainer (Retrainer train --card);
#   2. the platform (the embedded host on the local RabbitMQ, virtual host weather-demo, data in .data/weather-demo)
#      with the settings of demo/seattle-weather/platform.env; the version registered through the API;
#   3. 2013–2015 replayed day by day as another system would (a request before each day, its weather after it);
#   4. the report: live accuracy per quarter, alerts, versions (the replay tool), and the retraining jobs with their
#      decisions and numbers (GET /api/v1/models/seattle-weather/retrainings), in .data/weather-demo/report.md.
# Settings (environment): SPEED (stream seconds per wall second, 172800: two days a second), FROM (2013-01-01),
# TO (2016-01-01), PORT (5300), TREES (100). Needs curl and jq.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
speed="${SPEED:-172800}"
from="${FROM:-2013-01-01}"
to="${TO:-2016-01-01}"
port="${PORT:-5300}"
url="http://127.0.0.1:$port"
vhost=weather-demo
out="$root/.data/weather-demo"
card=demo/seattle-weather/model-card.json
data="$root/.data/vega-datasets/node_modules/vega-datasets/data/seattle-weather.csv"

./scripts/fetch-demo-data.sh >/dev/null
./scripts/install-rabbitmq.sh >/dev/null
rabbitmqctl -q add_vhost "$vhost" 2>/dev/null || true
rabbitmqctl -q set_permissions -p "$vhost" guest ".*" ".*" ".*"
dotnet build deploy/Embedded -c Release -nologo -clp:ErrorsOnly -v:q >/dev/null
dotnet build services/Retrainer -c Release -nologo -clp:ErrorsOnly -v:q >/dev/null
dotnet build tools/Replay -c Release -nologo -clp:ErrorsOnly -v:q >/dev/null
rm -rf "$out" && mkdir -p "$out"

echo "1. training version 1 on 2012" >&2
dotnet services/Retrainer/bin/Release/net10.0/Retrainer.dll train --card "$card" --data "$data" \
  --from 2012-01-01 --to 2013-01-01 --version 1 --trees "${TREES:-100}" --models "$out/trained" | tee "$out/training.txt" >&2

echo "2. the platform on RabbitMQ ($vhost), $url" >&2
# NAME=value lines (names may hold '-', which the shell's own variables cannot: env passes them as they are).
mapfile -t settings < <(grep -Ev '^[[:space:]]*(#|$)' demo/seattle-weather/platform.env)
bin="deploy/Embedded/bin/Release/net10.0"
env "${settings[@]}" Messaging__Transport=RabbitMq Messaging__RabbitMq__Host=127.0.0.1 Messaging__RabbitMq__VirtualHost="$vhost" \
  Storage__DataFolder="$out/store" Registry__ModelsFolder="$out/models" Batches__UploadFolder="$out/batches" \
  ASPNETCORE_ENVIRONMENT=Production \
  dotnet "$bin/Embedded.dll" --contentRoot "$root/$bin" --urls "$url" >"$out/platform.log" 2>&1 &
platform=$!
trap 'kill $platform 2>/dev/null || true; wait $platform 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf "$url/health/ready" >/dev/null && break
  kill -0 $platform 2>/dev/null || { echo "the platform stopped; see $out/platform.log" >&2; exit 1; }
  sleep 1
done
# The first start writes the platform's admin key there (mode 0600); a curl config on stdin keeps it off command lines.
auth="header = \"authorization: Bearer $(cat "$out/store/admin-key")\""
curl -sf -K - <<<"$auth" -o /dev/null -w "registered version 1: HTTP %{http_code}\n" -X POST "$url/api/v1/models/seattle-weather/versions" \
  -F card=@"$out/trained/seattle-weather/1/model-card.json" -F onnx=@"$out/trained/seattle-weather/1/model.onnx" >&2
# Served once FeatureBuilder, Inference and Monitor have the version.
for _ in $(seq 1 60); do
  curl -sf -K - <<<"$auth" "$url/api/v1/models/seattle-weather" >/dev/null && break
  sleep 1
done

echo "3. replaying $from – $to" >&2
command=(dotnet tools/Replay/bin/Release/net10.0/Replay.dll --card "$card" --data "$data" --model seattle-weather
  --amqp "amqp://guest:guest@127.0.0.1:5672/$vhost" --from "$from" --to "$to" --period quarter
  --training-from 2012-01-01 --training-to 2013-01-01 --speed "$speed" --lead 1h --outcome-lag 20h
  --outcome-hold 60s --drain 120s --quiet-period 20s --baseline "$out/trained/seattle-weather/1"
  --report "$out/replay.md" --json "$out/replay.json")
"${command[@]}" >/dev/null

echo "4. the report" >&2
{
  cat "$out/replay.md"
  printf '\n## Retraining jobs (GET /api/v1/models/seattle-weather/retrainings)\n\n'
  echo '| job | trigger | state | rows (training / hold-out) | champion | challenger | metric | decision | reason |'
  echo '| --- | --- | --- | --- | --- | --- | --- | --- | --- |'
  curl -sf -K - <<<"$auth" "$url/api/v1/models/seattle-weather/retrainings" | jq -r '.jobs // . | reverse | .[] |
    "| \(.jobId[0:8]) | \(.trigger) | \(.state) | \(if .data then "\(.data.trainingRows) / \(.data.holdoutRows)" else "–" end) | \(.championVersion // "–") | \(.challengerVersion // .evaluation.challenger.version // "–") | \(.evaluation.metric // "–") | \(.evaluation.decision // .skippedBecause // "–") | \(([.evaluation.reason, .error] | map(select(. != null)) | join("; ")) | gsub("\\|"; "/")) |"'
  printf '\n## Versions and aliases (GET /api/v1/models/seattle-weather/versions)\n\n'
  curl -sf -K - <<<"$auth" "$url/api/v1/models/seattle-weather/versions" | jq -r '"champion: \(.aliases.champion // "–"); versions: \([.versions[].version] | join(", "))"'
  printf '\n## Rollouts (GET /api/v1/models/seattle-weather/rollouts)\n\n'
  curl -sf -K - <<<"$auth" "$url/api/v1/models/seattle-weather/rollouts" | jq -r '.rollouts[] | "- version \(.challengerVersion) against \(.championVersion) (\(.strategy), started by \(.startedBy)): \(.state); last step: \(.history[-1].reason // "–")"'
  printf '\nCommand: SPEED=%s FROM=%s TO=%s scripts/demo-weather.sh\n' "$speed" "$from" "$to"
} >"$out/report.md"
cat "$out/report.md"
