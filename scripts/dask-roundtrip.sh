#!/usr/bin/env bash
# The distributed round trip on an mlx home: export a model version's XGBoost
# inputs, train a booster on them with xgboost.dask (scripts/dask-train.py, on
# Debian's /usr/bin/python3), import it as a new version of that model, promote
# it, and predict the stored last session with it. Needs Debian's python3-dask,
# python3-distributed, python3-xgboost and python3-pandas:
# `bash scripts/setup.sh --with-dask` installs them.
#
# stdout: `mlx predict --json` (the prediction records the new version
# appended); stderr: each step. Every step's files stay in HOME/dask-roundtrip/.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bash scripts/dask-roundtrip.sh [--model NAME[/VERSION]] [--rounds N] [--workers N]
                                     [--as-of D] HOME

  HOME                   an mlx home with a model trained with XGBoost (mlx train)
  --model NAME[/VERSION] the version to stand in for (default: the promoted version of "default")
  --rounds N             boosting rounds (default: as many trees as that version kept)
  --workers N            Dask worker processes on this machine (default: 2)
  --as-of D              predict this past session (mlx predict --as-of) instead of the last stored one

Steps (their outputs in HOME/dask-roundtrip/):
  mlx models show NAME VERSION --json                       > like.json
  mlx export features --format csv --model NAME/VERSION     → features.csv
  /usr/bin/python3 scripts/dask-train.py features.csv xgb.json [N] --like like.json
  mlx models import --xgb xgb.json --like NAME/VERSION --promote --json > import.json
  mlx predict --model NAME --no-fetch --json [--as-of D]   → stdout
EOF
}

root="$(cd "$(dirname "$0")/.." && pwd)"
# Debian's python, not a pyenv or venv one that lacks its packages; MLX_PYTHON overrides.
python="${MLX_PYTHON:-/usr/bin/python3}"
model=default
train_args=()
workers=""
predict_args=(--no-fetch)
home=""
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --model) model="${2:?--model needs NAME or NAME/VERSION}"; shift 2 ;;
    --rounds) train_args+=("${2:?--rounds needs a number}"); shift 2 ;;
    --workers) workers="${2:?--workers needs a number}"; shift 2 ;;
    --as-of) predict_args+=(--as-of "${2:?--as-of needs a date}"); shift 2 ;;
    -*) echo "dask-roundtrip: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) [ -z "$home" ] || { usage >&2; exit 2; }; home="$1"; shift ;;
  esac
done
[ -n "$home" ] || { usage >&2; exit 2; }
[ -d "$home" ] || { echo "dask-roundtrip: no mlx home at $home" >&2; exit 2; }
home="$(cd "$home" && pwd)"

if ! "$python" -c 'import dask.distributed, pandas, xgboost.dask' 2>/dev/null; then
  echo "dask-roundtrip: $python cannot import dask.distributed, pandas and xgboost:" \
    "run bash scripts/setup.sh --with-dask (Debian's python3-dask, python3-distributed," \
    "python3-xgboost, python3-pandas)" >&2
  exit 1
fi

# This clone's mlx, whichever one is on the PATH.
mlx() { node "$root/bin/mlx.js" --home "$home" "$@"; }
step() { echo "dask-roundtrip: $*" >&2; }
# json_field FILE KEY prints one top-level field of a JSON document.
json_field() { "$python" -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$@"; }

name="${model%%/*}"
version=""
[ "$model" = "$name" ] || version="${model#*/}"
# Asked first, so that a home without that version is left as it was.
shown="$(mlx models show "$name" ${version:+"$version"} --json)"
work="$home/dask-roundtrip"
mkdir -p "$work"
printf '%s\n' "$shown" >"$work/like.json"
like="$name/$(json_field "$work/like.json" version)"
step "standing in for $like"

# Debian has no pyarrow for its python: CSV is what dask.dataframe reads there.
mlx export features --format csv --model "$like" --out "$work" --json >"$work/export.json"

"$python" "$root/scripts/dask-train.py" "$work/features.csv" "$work/xgb.json" \
  ${train_args[@]+"${train_args[@]}"} --like "$work/like.json" ${workers:+--workers "$workers"} \
  >"$work/dask-train.json"

mlx models import --xgb "$work/xgb.json" --like "$like" --promote --json >"$work/import.json"
imported="$name/$(json_field "$work/import.json" version)"
step "imported and promoted $imported (mlx models promote $name ${like#*/} goes back)"

# The stored sessions, as they are: refreshing data is the next scheduled predict's work.
mlx predict --model "$name" "${predict_args[@]}" --json
