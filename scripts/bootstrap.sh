#!/usr/bin/env bash
# Create .venv with Python 3.10 and install exactly the locked dependencies (uv.lock).
# Safe to run again: it only installs what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

UV_VERSION="0.13.9"
export UV_PYTHON_DOWNLOADS=never   # never fetch interpreters at run time; use what is installed

is_python310() {
  "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1
}

# Candidates in order of preference; the first that really runs Python 3.10 wins
# (a pyenv shim named python3.10 may exist and still refuse to run).
find_python310() {
  local candidates=()
  [ -n "${HUURHULP_PYTHON:-}" ] && candidates+=("$HUURHULP_PYTHON")
  command -v python3.10 >/dev/null 2>&1 && candidates+=("$(command -v python3.10)")
  if command -v pyenv >/dev/null 2>&1; then
    while IFS= read -r found; do candidates+=("$found"); done \
      < <(ls -d "$(pyenv root)"/versions/3.10*/bin/python3.10 2>/dev/null | sort -rV)
  fi
  candidates+=("$HOME"/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10)
  local uv_found
  if uv_found=$("$UV" python find 3.10 2>/dev/null); then candidates+=("$uv_found"); fi
  for candidate in "${candidates[@]}"; do
    if [ -x "$candidate" ] && is_python310 "$candidate"; then echo "$candidate"; return 0; fi
  done
  return 1
}

find_uv() {
  if command -v uv >/dev/null 2>&1 && [ "$(uv --version | cut -d' ' -f2)" = "$UV_VERSION" ]; then
    command -v uv; return 0
  fi
  if [ ! -x .tools/bin/uv ] || [ "$(.tools/bin/uv --version | cut -d' ' -f2)" != "$UV_VERSION" ]; then
    echo "installing uv $UV_VERSION into .tools/ ..." >&2
    python3 -m venv .tools >&2
    .tools/bin/pip install --quiet "uv==$UV_VERSION" >&2
  fi
  echo "$PWD/.tools/bin/uv"
}

UV=$(find_uv)
if ! PYTHON=$(find_python310); then
  cat >&2 <<'MSG'
Python 3.10 was not found (Rasa Open Source 3.6 supports Python 3.8-3.10 only).
Install it with one of:
  uv python install 3.10        (then run this again)
  pyenv install 3.10
  sudo apt-get install python3.10 python3.10-venv
or point HUURHULP_PYTHON at a python3.10 executable.
MSG
  exit 1
fi

"$UV" sync --locked --extra dev --python "$PYTHON" --quiet
echo "environment ready: .venv ($("$PWD"/.venv/bin/python --version))"

# Node tools for the browser tests (axe-core), exactly as locked in package-lock.json.
# `npm ci` runs only when node_modules is missing or package-lock.json changed since.
LOCK_STAMP=node_modules/.huurhulp-package-lock.sha256
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -d node_modules ] || [ "$(cat "$LOCK_STAMP" 2>/dev/null)" != "$lock_hash" ]; then
  if command -v npm >/dev/null 2>&1; then
    npm ci --no-audit --no-fund --loglevel=error
    echo "$lock_hash" > "$LOCK_STAMP"
  else
    echo "npm not found: the accessibility checks need it (apt-get install nodejs npm)." >&2
  fi
fi
