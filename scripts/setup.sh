#!/usr/bin/env bash
# Set up mlx on a fresh Debian/Ubuntu machine: libxgboost from the OS (and, with
# --with-browser or its older name --with-chromium, Chromium for the tear-sheet
# tests; with --with-dask, Debian's Dask, distributed, XGBoost and pandas for /usr/bin/python3, which
# scripts/dask-roundtrip.sh and its test use), then the npm packages,
# which also builds mlx, then `mlx` on the PATH through `npm link` (--no-link
# skips it). Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

chromium=no
dask=no
link=yes
for arg in "$@"; do
  case "$arg" in
    --with-browser | --with-chromium) chromium=yes ;;
    --with-dask) dask=yes ;;
    --no-link) link=no ;;
    *) echo "setup: unknown option $arg (known: --with-browser, --with-chromium, --with-dask, --no-link)" >&2; exit 2 ;;
  esac
done

need=()
# ldconfig lives in /sbin, which is not on a normal user's PATH on Debian.
"$(command -v ldconfig || echo /sbin/ldconfig)" -p | grep -q 'libxgboost\.so' || need+=(libxgboost-dev)
if [ "$chromium" = yes ] && ! command -v chromium >/dev/null; then need+=(chromium); fi
if [ "$dask" = yes ]; then
  # Debian's own python, whatever python3 is first on the PATH (pyenv, a venv).
  has_module() { [ -x /usr/bin/python3 ] && /usr/bin/python3 -c "import $1" 2>/dev/null; }
  has_module dask.dataframe || need+=(python3-dask)
  has_module dask.distributed || need+=(python3-distributed)
  has_module xgboost || need+=(python3-xgboost)
  has_module pandas || need+=(python3-pandas)
fi
if [ ${#need[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq
    as_root apt-get install -y -qq --no-install-recommends "${need[@]}"
  else
    echo "setup: install ${need[*]} with your package manager (macOS: brew install xgboost)" >&2
  fi
fi

npm ci --no-audit --no-fund

if [ "$link" = yes ]; then
  # A link in npm's global bin folder to this clone's bin/mlx.js (what `npm install -g .`
  # makes too). Scripts are not run: npm ci has built mlx already, as you, not as root.
  bin="$(npm prefix -g)/bin"
  if [ -w "$bin" ] || { [ ! -e "$bin" ] && [ -w "$(dirname "$bin")" ]; }; then
    npm link --ignore-scripts --no-audit --no-fund >/dev/null
  else
    as_root npm link --ignore-scripts --no-audit --no-fund >/dev/null
  fi
  case ":$PATH:" in
    *":$bin:"*) echo "setup: mlx is on your PATH ($bin/mlx → $(pwd)/bin/mlx.js)" ;;
    *) echo "setup: mlx is in $bin, which is not on your PATH: add it, or run npx mlx from here" >&2 ;;
  esac
fi
