#!/usr/bin/env bash
# The Retrainer's command line (train, bootstrap, evaluate), run from the repository root so that it uses
# the same .data/ folder as scripts/run.sh. Example: scripts/retrainer.sh train --from 2001-03-01 --to 2001-04-01 --version 2
# Any model from its card and a data file: scripts/retrainer.sh train --card demo/seattle-weather/model-card.json \
#   --data .data/vega-datasets/node_modules/vega-datasets/data/seattle-weather.csv --from 2012-01-01 --to 2013-01-01
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

case "${1:-}" in
  train|bootstrap|evaluate) ;;
  *) echo "usage: scripts/retrainer.sh train|bootstrap|evaluate [--from DATE] [--to DATE] [--version V] [--models DIR] [--data FILE] [--max-rows N] [--trees N]" >&2
     echo "       scripts/retrainer.sh train --card CARD --data FILE [--from DATE] [--to DATE] [--time-field F] [--version V] [--models DIR] [--trees N] [--leaves N] [--min-rows-per-leaf N]" >&2; exit 2 ;;
esac

./scripts/fetch-demo-data.sh >/dev/null
dotnet build services/Retrainer -c Release -nologo -clp:ErrorsOnly -v:q >/dev/null
exec dotnet services/Retrainer/bin/Release/net10.0/Retrainer.dll "$@"
