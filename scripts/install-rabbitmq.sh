#!/usr/bin/env bash
# Installs RabbitMQ from Debian (with the management plugin, which provides rabbitmqadmin, and the shovel
# plugin, which scripts/requeue-errors.sh uses) and starts a
# local node, rabbit@localhost, listening on 127.0.0.1:5672 (AMQP) and :15672 (management).
# Idempotent: it installs only what is missing and starts the node only when it is not running.
set -euo pipefail
# RABBITMQ_EXTERNAL=1: a broker is provided by someone else (the GitHub Actions workflow's service container,
# with the management and shovel plugins): install and start nothing, only wait until it answers on 5672.
if [ "${RABBITMQ_EXTERNAL:-}" = 1 ]; then
  for _ in $(seq 1 60); do
    if (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null; then
      echo "rabbitmq is provided (RABBITMQ_EXTERNAL=1)"
      exit 0
    fi
    sleep 1
  done
  echo "RABBITMQ_EXTERNAL=1 but nothing answers on 127.0.0.1:5672" >&2
  exit 1
fi
export RABBITMQ_NODENAME=rabbit@localhost
if ! command -v rabbitmq-server >/dev/null 2>&1; then
  echo "installing rabbitmq-server from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq rabbitmq-server >/dev/null
  # The package may try to start a node under its own name; stop it so ours is the only one.
  service rabbitmq-server stop >/dev/null 2>&1 || true
fi
# The shovel plugin moves error-queue messages back (scripts/requeue-errors.sh).
plugins='[rabbitmq_management,rabbitmq_shovel,rabbitmq_shovel_management].'
if rabbitmqctl -q status >/dev/null 2>&1; then
  rabbitmq-plugins -q is_enabled rabbitmq_shovel >/dev/null 2>&1 || rabbitmq-plugins -q enable rabbitmq_shovel rabbitmq_shovel_management >/dev/null
  echo "rabbitmq is running"
  exit 0
fi
echo "starting rabbitmq ($RABBITMQ_NODENAME)"
mkdir -p /etc/rabbitmq
grep -qs rabbitmq_shovel /etc/rabbitmq/enabled_plugins || echo "$plugins" > /etc/rabbitmq/enabled_plugins
rabbitmq-server -detached >/dev/null 2>&1 || (nohup rabbitmq-server >/tmp/rabbitmq-server.log 2>&1 &)
for _ in $(seq 1 60); do
  if rabbitmqctl -q await_startup >/dev/null 2>&1; then
    echo "rabbitmq started"
    exit 0
  fi
  sleep 1
done
echo "rabbitmq did not start within 60 s" >&2
exit 1
