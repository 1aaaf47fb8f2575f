#!/usr/bin/env bash
# Moves the messages of a queue's error queue (<queue>_error) back to the queue, after the cause was fixed:
#   scripts/requeue-errors.sh <queue> [virtual host]
#   e.g. scripts/requeue-errors.sh feature-builder-ingest-predictions
# A RabbitMQ dynamic shovel moves exactly the messages present when it starts (bodies, properties and
# headers unchanged; the reason headers stay for the record), acknowledging each only after the queue has it,
# then deletes itself: nothing is lost if anything stops half-way. Talks to the management API with
# rabbitmqadmin: RABBITMQ_HOST (127.0.0.1), RABBITMQ_MANAGEMENT_PORT (15672), RABBITMQ_USER/RABBITMQ_PASSWORD
# (guest/guest). Needs the rabbitmq_shovel plugin (scripts/install-rabbitmq.sh enables it).
set -euo pipefail

queue="${1:?usage: scripts/requeue-errors.sh <queue> [virtual host]}"
vhost="${2:-/}"
admin=(rabbitmqadmin -H "${RABBITMQ_HOST:-127.0.0.1}" -P "${RABBITMQ_MANAGEMENT_PORT:-15672}"
  -u "${RABBITMQ_USER:-guest}" -p "${RABBITMQ_PASSWORD:-guest}" -V "$vhost")

queues="$("${admin[@]}" -f tsv -q list queues name)"
for required in "${queue}_error" "$queue"; do
  grep -qx -- "$required" <<<"$queues" || { echo "there is no queue $required in virtual host $vhost" >&2; exit 1; }
done

# The shovel connects to this virtual host on the broker's own node.
encoded_vhost="$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$vhost")"
name="requeue-${queue}-$(date +%s)"
"${admin[@]}" declare parameter component=shovel name="$name" value="{
  \"src-protocol\": \"amqp091\", \"src-uri\": \"amqp:///$encoded_vhost\", \"src-queue\": \"${queue}_error\",
  \"src-delete-after\": \"queue-length\", \"ack-mode\": \"on-confirm\",
  \"dest-protocol\": \"amqp091\", \"dest-uri\": \"amqp:///$encoded_vhost\", \"dest-queue\": \"$queue\"}" >/dev/null

# The shovel deletes itself once it has moved the messages it found.
for _ in $(seq 1 120); do
  if ! "${admin[@]}" -f tsv -q list parameters component name 2>/dev/null | grep -q "$name"; then
    echo "moved the messages of ${queue}_error back to $queue"
    exit 0
  fi
  sleep 0.5
done
echo "the shovel $name has not finished after 60 s; see the management UI (Admin > Shovel Status)" >&2
exit 1
