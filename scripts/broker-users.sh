#!/usr/bin/env bash
# The platform's RabbitMQ users (docs/security.md#broker-users): one per service, one for systems outside the
# platform, and an administrator for the management UI. Passwords are generated once and kept outside git.
#
#   scripts/broker-users.sh             make the passwords (kept when they exist) and the definitions file
#   scripts/broker-users.sh --apply     ... and import the definitions into a running broker (its management API)
#   scripts/broker-users.sh --compose   ... and write the passwords into .env for docker compose (other lines kept)
#
# What it writes, in BROKER_DIR (.data/broker, mode 0700):
#   credentials.env   (0600) BROKER_<ROLE>_USER / BROKER_<ROLE>_PASSWORD for every role below; kept between runs
#   definitions.json  RabbitMQ definitions: the users (salted SHA-256 password hashes, never the passwords), their
#                     permissions and topic permissions on RABBITMQ_VHOST, and the two public topic exchanges.
#                     docker-compose.yml's broker loads it at boot; --apply imports it (POST /api/definitions).
#
# Who may do what on the virtual host (the same regexes as deploy/k8s/broker-users.yaml; a test compares them):
#   <service> users   configure, write, read: everything but the external systems' queues (external.*, amq.gen-*).
#                     Not one service's resources only: MassTransit declares exchanges named after message types
#                     and queues named after endpoints and hosts, which every service shares (docs/security.md).
#   external          configure: its own queues only (external.*, or server-named amq.gen-*);
#                     write: platform.ingest, and its own queues (to bind them);
#                     read: its own queues, and platform.events (to bind them to it);
#                     topic permission on platform.ingest: routing keys prediction.requested and outcome.observed only.
#   admin             administrator tag, everything on the virtual host (the management UI).
#
# Settings (environment): BROKER_DIR (.data/broker), RABBITMQ_VHOST (/), BROKER_USER_PREFIX (platform-: the users
# are platform-gateway, …, platform-external, platform-admin). --apply logs in to the management API at
# RABBITMQ_HOST (127.0.0.1), RABBITMQ_MANAGEMENT_PORT (15672) as RABBITMQ_USER/RABBITMQ_PASSWORD (guest/guest),
# as scripts/requeue-errors.sh does. --compose writes COMPOSE_ENV_FILE (.env in the repository root).
# Needs only bash and coreutils (od, sha256sum, base64), and curl for --apply.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

apply="" compose=""
for argument in "$@"; do
  case "$argument" in
    --apply) apply=1 ;;
    --compose) compose=1 ;;
    *) echo "usage: $0 [--apply] [--compose]" >&2; exit 2 ;;
  esac
done

dir="${BROKER_DIR:-$root/.data/broker}"
vhost="${RABBITMQ_VHOST:-/}"
prefix="${BROKER_USER_PREFIX:-platform-}"
credentials="$dir/credentials.env"
definitions="$dir/definitions.json"

# The roles: the six services (the compose and Kubernetes service names), then the external systems and the admin.
services=(gateway featurebuilder inference feedbackcollector monitor retrainer)
roles=("${services[@]}" external admin)

# Regexes (RabbitMQ matches them against whole resource names with Erlang's re, which is PCRE).
own='external\..*|amq\.gen-.*'
service_pattern='^(?!external\.|amq\.gen-).*$'
external_configure="^($own)\$"
external_write="^(platform\.ingest|$own)\$"
external_read="^(platform\.events|$own)\$"
external_ingest_keys='^(prediction\.requested|outcome\.observed)$'

umask 077
mkdir -p "$dir"
chmod 700 "$dir"

# The credentials file's values by key (the script's own KEY=value lines).
declare -A saved
if [[ -f "$credentials" ]]; then
  while IFS='=' read -r key value; do
    if [[ "$key" == BROKER_* ]]; then saved[$key]="$value"; fi
  done < "$credentials"
fi
# Random bytes as hex: 24 for a password, 4 for a salt.
random_hex() { head -c "$1" /dev/urandom | od -An -v -tx1 | tr -d ' \n'; }
# Hex to the bytes themselves, on standard output.
unhex() {
  local escaped="" index
  for ((index = 0; index < ${#1}; index += 2)); do escaped+="\\x${1:index:2}"; done
  printf '%b' "$escaped"
}
# RabbitMQ's rabbit_password_hashing_sha256 of $1 with the salt $2 (hex): base64(salt ++ sha256(salt ++ password)).
hash_password() {
  local digest
  digest="$({ unhex "$2"; printf '%s' "$1"; } | sha256sum)"
  { unhex "$2"; unhex "${digest%% *}"; } | base64
}
json() { local text="${1//\\/\\\\}"; printf '"%s"' "${text//\"/\\\"}"; }

# The passwords: the ones already in the credentials file, new ones for roles without.
declare -A user password
for role in "${roles[@]}"; do
  key="BROKER_${role^^}"
  user[$role]="$prefix$role"
  password[$role]="${saved[${key}_PASSWORD]:-}"
  [[ -n "${password[$role]}" ]] || password[$role]="$(random_hex 24)"
done
{
  echo "# RabbitMQ users of the platform, made by scripts/broker-users.sh. Secret: keep it out of git."
  for role in "${roles[@]}"; do
    key="BROKER_${role^^}"
    echo "${key}_USER=${user[$role]}"
    echo "${key}_PASSWORD=${password[$role]}"
  done
} > "$credentials.tmp"
chmod 600 "$credentials.tmp"
mv "$credentials.tmp" "$credentials"

# permission USER CONFIGURE WRITE READ
permission() {
  printf '{"user":%s,"vhost":%s,"configure":%s,"write":%s,"read":%s}' "$(json "$1")" "$(json "$vhost")" "$(json "$2")" "$(json "$3")" "$(json "$4")"
}
exchange() {
  printf '{"name":%s,"vhost":%s,"type":"topic","durable":true,"auto_delete":false,"internal":false,"arguments":{}}' "$(json "$1")" "$(json "$vhost")"
}
{
  printf '{\n"users":[\n'
  separator=""
  salts="$(random_hex $((4 * ${#roles[@]})))"
  for index in "${!roles[@]}"; do
    role="${roles[$index]}"
    tags='[]'
    [[ "$role" != admin ]] || tags='["administrator"]'
    printf '%s{"name":%s,"password_hash":"%s","hashing_algorithm":"rabbit_password_hashing_sha256","tags":%s}' \
      "$separator" "$(json "${user[$role]}")" "$(hash_password "${password[$role]}" "${salts:index*8:8}")" "$tags"
    separator=$',\n'
  done
  printf '\n],\n"vhosts":[{"name":%s}],\n"permissions":[\n' "$(json "$vhost")"
  for role in "${services[@]}"; do
    printf '%s,\n' "$(permission "${user[$role]}" "$service_pattern" "$service_pattern" "$service_pattern")"
  done
  printf '%s,\n' "$(permission "${user[external]}" "$external_configure" "$external_write" "$external_read")"
  printf '%s\n],\n' "$(permission "${user[admin]}" '.*' '.*' '.*')"
  printf '"topic_permissions":[\n{"user":%s,"vhost":%s,"exchange":"platform.ingest","write":%s,"read":"^$"}\n],\n' \
    "$(json "${user[external]}")" "$(json "$vhost")" "$(json "$external_ingest_keys")"
  printf '"exchanges":[\n%s,\n%s\n]\n}\n' "$(exchange platform.ingest)" "$(exchange platform.events)"
} > "$definitions.tmp"
# Hashes only: the broker's own user reads it in a container (the folder keeps others on this machine out).
chmod 644 "$definitions.tmp"
mv "$definitions.tmp" "$definitions"
echo "broker users: ${roles[*]/#/$prefix} on virtual host $vhost (passwords: $credentials)"

if [[ -n "$apply" ]]; then
  management="http://${RABBITMQ_HOST:-127.0.0.1}:${RABBITMQ_MANAGEMENT_PORT:-15672}/api/definitions"
  # curl reads the admin's login from its standard input, so it is not on a command line others can list.
  if ! printf 'user = "%s:%s"\n' "${RABBITMQ_USER:-guest}" "${RABBITMQ_PASSWORD:-guest}" |
      curl -fsS -o /dev/null -K - -X POST -H 'content-type: application/json' --data-binary "@$definitions" "$management"; then
    echo "could not import $definitions through $management" >&2
    exit 1
  fi
  echo "imported into the broker at $management"
fi

if [[ -n "$compose" ]]; then
  env_file="${COMPOSE_ENV_FILE:-$root/.env}"
  {
    [[ ! -f "$env_file" ]] || grep -v '^BROKER_[A-Z]*_\(USER\|PASSWORD\)=' "$env_file" || true
    grep '^BROKER_' "$credentials"
  } > "$env_file.tmp"
  chmod 600 "$env_file.tmp"
  mv "$env_file.tmp" "$env_file"
  echo "docker compose settings: $env_file"
fi
