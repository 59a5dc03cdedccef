#!/usr/bin/env bash
# Set up mlx on a fresh Debian/Ubuntu machine: libxgboost from the OS (and, with
# --with-chromium, Chromium for the HTML report test), then the npm packages,
# which also builds mlx. Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

need=()
ldconfig -p | grep -q 'libxgboost\.so' || need+=(libxgboost-dev)
if [ "${1:-}" = --with-chromium ] && ! command -v chromium >/dev/null; then need+=(chromium); fi
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
