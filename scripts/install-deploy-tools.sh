#!/usr/bin/env bash
# Installs the two tools tests/Deployment.Tests runs, from Debian: docker-compose (`docker-compose config`
# renders docker-compose.yml) and kubectl (`kubectl kustomize` renders deploy/k8s offline). Neither needs a
# Docker engine or a cluster for that.
# Idempotent: a tool already on PATH is left alone, and apt-get update runs only when something is missing.
set -euo pipefail

missing=()
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v kubectl >/dev/null 2>&1 || missing+=(kubectl)
if ((${#missing[@]} == 0)); then
  echo "docker-compose and kubectl present"
  exit 0
fi

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "installing ${missing[*]} from Debian"
"${sudo[@]}" apt-get update -qq

packages=()
for tool in "${missing[@]}"; do
  case "$tool" in
    docker-compose) packages+=(docker-compose) ;;
    # Debian 12 ships kubectl in the package kubernetes-client; take a package named kubectl where the
    # distribution has one.
    kubectl)
      if apt-cache show kubectl >/dev/null 2>&1; then packages+=(kubectl); else packages+=(kubernetes-client); fi ;;
  esac
done
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null

for tool in "${missing[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$tool is still missing after installing ${packages[*]}" >&2; exit 1; }
done
echo "installed ${packages[*]}"
