#!/usr/bin/env bash
# Makes sure Debian's redis-server and PostgreSQL are installed for `make run-scaled` and the `scaled` benchmark
# (Redis: Rasa's lock store; PostgreSQL: the tracker store and the orders/tickets store). Does nothing when found.
# Neither is started here: the launcher (bot.stack, make run-scaled) and the benchmark start their own, on their own
# ports and data directories.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's postgresql puts initdb and pg_ctl in /usr/lib/postgresql/<version>/bin, not on PATH.
have_postgres() {
  command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1 && return 0
  compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null
}
have_redis() { command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ]; }

missing=()
have_redis || missing+=(redis-server)
have_postgres || missing+=(postgresql)
[ ${#missing[@]} -eq 0 ] && exit 0

source scripts/apt_install.sh
apt_install "for the scaled set-up" "${missing[@]}" && exit 0

cat >&2 <<MSG
ERROR: the scaled set-up needs ${missing[*]}, which is not installed, and it cannot be installed from here
(no apt-get, or not root and no sudo). Install it, then run the command again:
  - on Debian/Ubuntu:  sudo apt-get install redis-server postgresql
  - elsewhere: Redis >= 6 (redis-server on PATH) and PostgreSQL >= 13 (initdb and pg_ctl on PATH)
MSG
exit 1
