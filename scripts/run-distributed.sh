#!/usr/bin/env bash
# The distributed mode on a machine without Docker: every service its own process, RabbitMQ between them,
# two Inference replicas behind the gateway, the same public API as the embedded mode on
# http://127.0.0.1:${GATEWAY_PORT:-5000} and gRPC (cleartext HTTP/2) on 127.0.0.1:${GATEWAY_GRPC_PORT:-5001}. Installs and starts RabbitMQ from Debian when needed
# (scripts/install-rabbitmq.sh) and gives each service its own broker user (scripts/broker-users.sh --apply: the
# passwords are in $DATA_DIR/broker/credentials.env, with the external systems' user). Logs go to
# $DATA_DIR/logs/<service>.log; Ctrl+C stops every process.
#
# Settings (environment): GATEWAY_PORT (5000), GATEWAY_GRPC_PORT (5001), SERVICE_BASE_PORT (5101: the services listen
# on 5101..5106, the Inference replicas' gRPC on 5111 and 5112),
# DATA_DIR (.data: models, stores, logs, broker passwords), RABBITMQ_VHOST (/), OTEL_EXPORTER_OTLP_ENDPOINT
# (traces to Jaeger or any OTLP collector when set); scripts/broker-users.sh reads its own (the broker's admin login).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

gateway_port="${GATEWAY_PORT:-5000}"
gateway_grpc_port="${GATEWAY_GRPC_PORT:-5001}"
base_port="${SERVICE_BASE_PORT:-5101}"
data_dir="$(mkdir -p "${DATA_DIR:-$root/.data}" && cd "${DATA_DIR:-$root/.data}" && pwd)"
logs="$data_dir/logs"
mkdir -p "$logs"

./scripts/fetch-demo-data.sh
./scripts/install-rabbitmq.sh
BROKER_DIR="$data_dir/broker" ./scripts/broker-users.sh --apply
# BROKER_<SERVICE>_USER and _PASSWORD, made by the line above (hex passwords, nothing to quote).
# shellcheck source=/dev/null
source "$data_dir/broker/credentials.env"
# The six services (deploy/Distributed.slnf), in one build.
dotnet build deploy/Distributed.slnf -c Release -nologo -clp:ErrorsOnly -v:q

export Messaging__Transport=RabbitMq
export Messaging__RabbitMq__Host=127.0.0.1
export Messaging__RabbitMq__VirtualHost="${RABBITMQ_VHOST:-/}"
export Registry__ModelsFolder="$data_dir/models"
export Storage__DataFolder="$data_dir/store"
export DEMO_DATA_DIR="${DEMO_DATA_DIR:-$root/.data/vega-datasets}"
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Production}"

pids=()
stop_all() {
  trap - EXIT INT TERM
  if ((${#pids[@]})); then kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; fi
}
trap stop_all EXIT INT TERM

# start <log name> <service> <port> [VAR=value ...]: runs the service's built dll from its output folder
# (its content root, where its appsettings.json is), logged in to the broker as the service's own user (exported,
# so the password is on no command line).
start() {
  local name="$1" service="$2" port="$3"
  shift 3
  local bin="$root/services/$service/bin/Release/net10.0" role="BROKER_${service^^}"
  local username="${role}_USER" password="${role}_PASSWORD"
  (cd "$bin" && export Messaging__RabbitMq__Username="${!username}" Messaging__RabbitMq__Password="${!password}" &&
    exec env OTEL_SERVICE_NAME="$name" "$@" dotnet "$service.dll" --urls "http://127.0.0.1:$port") >"$logs/$name.log" 2>&1 &
  pids+=($!)
  echo "  $name: http://127.0.0.1:$port (log: $logs/$name.log)"
}

echo "starting the services"
start retrainer Retrainer $((base_port + 5))
# Online predictions go from FeatureBuilder to both replicas' gRPC ports directly, round robin.
start featurebuilder FeatureBuilder "$base_port" \
  FeatureBuilder__InferenceAddress="static:///127.0.0.1:$((base_port + 10)),127.0.0.1:$((base_port + 11))"
start inference-1 Inference $((base_port + 1)) Grpc__Url="http://127.0.0.1:$((base_port + 10))"
start inference-2 Inference $((base_port + 2)) Grpc__Url="http://127.0.0.1:$((base_port + 11))"
start feedbackcollector FeedbackCollector $((base_port + 3))
start monitor Monitor $((base_port + 4))
start gateway Gateway "$gateway_port" \
  Grpc__Url="http://127.0.0.1:$gateway_grpc_port" \
  ReverseProxy__Clusters__featurebuilder__Destinations__primary__Address="http://127.0.0.1:$base_port" \
  ReverseProxy__Clusters__inference__Destinations__replica1__Address="http://127.0.0.1:$((base_port + 1))" \
  ReverseProxy__Clusters__inference__Destinations__replica2__Address="http://127.0.0.1:$((base_port + 2))" \
  ReverseProxy__Clusters__inference-grpc__Destinations__replica1__Address="http://127.0.0.1:$((base_port + 10))" \
  ReverseProxy__Clusters__inference-grpc__Destinations__replica2__Address="http://127.0.0.1:$((base_port + 11))" \
  ReverseProxy__Clusters__feedbackcollector__Destinations__primary__Address="http://127.0.0.1:$((base_port + 3))" \
  ReverseProxy__Clusters__monitor__Destinations__primary__Address="http://127.0.0.1:$((base_port + 4))" \
  ReverseProxy__Clusters__retrainer__Destinations__primary__Address="http://127.0.0.1:$((base_port + 5))"

# Ready when a prediction goes through the gateway with the run's admin key, which the Retrainer writes to
# $DATA_DIR/store/admin-key at its first start (docs/security.md); the first start also trains the bootstrap model (~20 s).
gateway="http://127.0.0.1:$gateway_port"
key_file="$data_dir/store/admin-key"
record='{"date":"2001-02-03T07:45:00","origin":"ORD","destination":"LAX","distance":1744}'
ready=""
for _ in $(seq 1 180); do
  for pid in "${pids[@]}"; do
    if ! kill -0 "$pid" 2>/dev/null; then echo "a service stopped during start-up; see $logs" >&2; exit 1; fi
  done
  # The key goes to curl on its standard input (a config line), so it is on no command line.
  if [[ -s "$key_file" ]] && printf 'header = "Authorization: Bearer %s"\n' "$(<"$key_file")" |
    curl -fsS -o /dev/null -K - -X POST "$gateway/api/v1/models/flight-delay/predict" -H 'content-type: application/json' -d "$record" 2>/dev/null; then
    echo "ready: $gateway (try: curl -X POST $gateway/api/v1/models/flight-delay/predict -H \"Authorization: Bearer \$(cat $key_file)\" -H 'content-type: application/json' -d '$record')"
    ready=1
    break
  fi
  sleep 1
done

[[ -n "$ready" ]] || echo "no prediction through $gateway after 180 s; still running, see $logs" >&2

# Runs until Ctrl+C, or until one service stops (then all stop).
wait -n "${pids[@]}" || true
echo "a service stopped; stopping the others (logs in $logs)" >&2
exit 1
