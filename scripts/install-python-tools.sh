#!/usr/bin/env bash
# Installs what the Python examples and their tests need, once: Debian's python3 with scikit-learn, pandas and onnx
# (docs/your-own-model.md trains a scikit-learn model and writes it as ONNX). Does nothing when an interpreter has
# them already: $PYTHON when set, else Debian's /usr/bin/python3, else python3 on the PATH (the tests look in that order).
set -euo pipefail

has_tools() { [ -n "$1" ] && "$1" -c 'import sklearn, pandas, onnx' >/dev/null 2>&1; }

for python in "${PYTHON:-}" /usr/bin/python3 "$(command -v python3 || true)"; do
  if has_tools "$python"; then
    echo "python: $python ($("$python" --version 2>&1)) with scikit-learn, pandas and onnx"
    exit 0
  fi
done

if ! grep -qi '^ID=debian' /etc/os-release 2>/dev/null; then
  echo "No python3 with scikit-learn, pandas and onnx, and this is not Debian: install them (pip install scikit-learn pandas onnx) and set PYTHON." >&2
  exit 1
fi

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "installing python3 with scikit-learn, pandas and onnx from Debian"
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-sklearn python3-pandas python3-onnx >/dev/null
has_tools /usr/bin/python3 || { echo "/usr/bin/python3 still lacks scikit-learn, pandas or onnx after installing them" >&2; exit 1; }
echo "python: /usr/bin/python3 ($(/usr/bin/python3 --version 2>&1)) with scikit-learn, pandas and onnx"
