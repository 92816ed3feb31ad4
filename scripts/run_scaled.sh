#!/usr/bin/env bash
# Starts the assistant scaled out on this machine's loopback: PostgreSQL (Rasa's tracker store, and the orders and
# tickets), Redis (Rasa's lock store), N Rasa instances each with its own action server, and the web service sending
# each buyer message to the next Rasa instance in turn. Waits until all answer and prints the addresses.
# Ctrl-C stops everything, PostgreSQL and Redis included. INSTANCES=1 make run-scaled runs one Rasa instance.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" TF_CPP_MIN_LOG_LEVEL=2 SQLALCHEMY_SILENCE_UBER_WARNING=1
# rasa_sdk has no --host flag; its Sanic app reads the bind address from SANIC_HOST.
export SANIC_HOST=127.0.0.1

INSTANCES=${INSTANCES:-2}
PG_PORT=${XIAODIAN_PG_PORT:-5433}        # not 5432: a system PostgreSQL may be there
REDIS_PORT=${XIAODIAN_REDIS_PORT:-6380}  # not 6379, for the same reason
WEB_PORT=${XIAODIAN_WEB_PORT:-8080}
FIRST_RASA_PORT=5005
# Rasa's Redis lock store without its race between instances (bot/rasa_locks.py; bench/README.md, scaled).
LOCK_STORE_TYPE=bot.rasa_locks.AtomicRedisLockStore
FIRST_ACTION_PORT=5055
SCALED=$PWD/var/scaled
PG_DIR=$SCALED/pg
PG_DATA=$PG_DIR/data
LOGS=.state/logs/scaled
mkdir -p "$LOGS" "$SCALED"

if ! [[ "$INSTANCES" =~ ^[1-9]$ ]]; then
  echo "ERROR: INSTANCES must be a number from 1 to 9 (got '$INSTANCES')" >&2
  exit 2
fi

# Debian's postgresql keeps initdb, postgres and pg_ctl in /usr/lib/postgresql/<version>/bin, off PATH.
if command -v pg_ctl >/dev/null 2>&1; then
  PG_BIN=$(dirname "$(readlink -f "$(command -v pg_ctl)")")
else
  PG_BIN=$(find /usr/lib/postgresql/*/bin -maxdepth 0 2>/dev/null | sort -V | tail -n 1)
fi
if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ] || ! command -v redis-server >/dev/null 2>&1; then
  echo "ERROR: PostgreSQL (initdb, pg_ctl) and redis-server are needed: run  make setup-scaled" >&2
  exit 1
fi

# PostgreSQL refuses to run as root: as root, its commands run as the postgres user (as the order-store tests do).
AS_PG=()
PG_OWNER=$(id -un)
if [ "$(id -u)" = "0" ]; then
  for candidate in postgres nobody; do
    if id "$candidate" >/dev/null 2>&1; then PG_OWNER=$candidate; break; fi
  done
  if [ "$PG_OWNER" = "root" ] || ! command -v runuser >/dev/null 2>&1; then
    echo "ERROR: running as root, and no 'postgres' user or runuser to start PostgreSQL with" >&2
    exit 1
  fi
  AS_PG=(runuser -u "$PG_OWNER" --)
fi

rasa_ports=() action_ports=()
for ((i = 0; i < INSTANCES; i++)); do
  rasa_ports+=($((FIRST_RASA_PORT + i)))
  action_ports+=($((FIRST_ACTION_PORT + i)))
done
for port in $PG_PORT $REDIS_PORT "${rasa_ports[@]}" "${action_ports[@]}" $WEB_PORT; do
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
    echo "ERROR: port $port on 127.0.0.1 is already in use (another 'make run' or 'make run-scaled'?)." \
      "Stop it and try again." >&2
    exit 1
  fi
done

# The superuser's password, made once; Rasa reads it from the environment (${XIAODIAN_PG_PASSWORD} in its
# endpoints file), the other services from DATABASE_URL.
if [ ! -s "$SCALED/pg_password" ]; then
  (umask 077; .venv/bin/python -c 'import secrets; print(secrets.token_hex(16))' >"$SCALED/pg_password")
fi
export XIAODIAN_PG_PASSWORD=$(cat "$SCALED/pg_password")
PG_USER=xiaodian
if [ ! -f "$PG_DATA/PG_VERSION" ]; then
  echo "==> Creating a PostgreSQL cluster in $PG_DIR (first time only)"
  rm -rf "$PG_DIR" && mkdir -p "$PG_DIR" && chown "$PG_OWNER" "$PG_DIR" && chmod 700 "$PG_DIR"
  # initdb reads the password as $PG_OWNER: a copy it may read, removed right after.
  (umask 077; cp "$SCALED/pg_password" "$PG_DIR/pwfile") && chown "$PG_OWNER" "$PG_DIR/pwfile"
  "${AS_PG[@]}" "$PG_BIN/initdb" -D "$PG_DATA" -U "$PG_USER" --pwfile="$PG_DIR/pwfile" -E UTF8 --no-locale \
    --auth-host=scram-sha-256 --auth-local=peer >"$LOGS/initdb.log" 2>&1 \
    || { rm -f "$PG_DIR/pwfile"; echo "ERROR: initdb failed; see $LOGS/initdb.log" >&2; exit 1; }
  rm -f "$PG_DIR/pwfile"
fi

pg_pid="" redis_pid="" app_pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "==> Stopping the assistant, Redis and PostgreSQL"
  if [ ${#app_pids[@]} -gt 0 ]; then
    kill "${app_pids[@]}" 2>/dev/null || true
    wait "${app_pids[@]}" 2>/dev/null || true
  fi
  # The stores last, once nothing writes to them.
  if [ -n "$redis_pid" ]; then
    kill "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
  fi
  if [ -n "$pg_pid" ]; then
    "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || kill "$pg_pid" 2>/dev/null || true
    wait "$pg_pid" 2>/dev/null || true
  fi
}
trap stop EXIT
trap 'exit 130' INT TERM

# This shell opens the log files, so PostgreSQL's can be in .state/logs even when it runs as $PG_OWNER.
echo "==> Starting PostgreSQL on 127.0.0.1:$PG_PORT (data: $PG_DATA, log: $LOGS/postgres.log)"
"${AS_PG[@]}" "$PG_BIN/postgres" -D "$PG_DATA" -p "$PG_PORT" -c listen_addresses=127.0.0.1 \
  -c unix_socket_directories= >"$LOGS/postgres.log" 2>&1 &
pg_pid=$!
echo "==> Starting Redis on 127.0.0.1:$REDIS_PORT, in memory only (log: $LOGS/redis.log)"
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no --dir "$SCALED" \
  >"$LOGS/redis.log" 2>&1 &
redis_pid=$!

for _ in $(seq 60); do
  "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" && break
  kill -0 "$pg_pid" 2>/dev/null || { echo "ERROR: PostgreSQL stopped; see $LOGS/postgres.log" >&2; exit 1; }
  sleep 0.5
done
export PGPASSWORD=$XIAODIAN_PG_PASSWORD
psql_admin() { "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
# Two databases: Rasa's event log (grows with every message, kept and pruned on its own schedule) apart from the
# shop's records (orders, tickets), as they would be on separate servers in production.
for db in rasa shop; do
  if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" != "1" ]; then
    psql_admin -c "CREATE DATABASE $db"
  fi
done
export DATABASE_URL="postgresql://$PG_USER:$XIAODIAN_PG_PASSWORD@127.0.0.1:$PG_PORT/shop"
.venv/bin/python -m bot.orders.seed

for _ in $(seq 20); do
  [ "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ] && break
  kill -0 "$redis_pid" 2>/dev/null || { echo "ERROR: Redis stopped; see $LOGS/redis.log" >&2; exit 1; }
  sleep 0.5
done

# The action servers open hand-off tickets on the web service with this token (new each start).
export XIAODIAN_ACTION_TOKEN=${XIAODIAN_ACTION_TOKEN:-$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))')}
export XIAODIAN_WEB_URL="http://127.0.0.1:$WEB_PORT"
# A demo shop has no real orders: every new buyer of the shop page gets the demo orders to ask about.
export XIAODIAN_DEMO_ORDERS=${XIAODIAN_DEMO_ORDERS:-1}
rasa_urls=()
for ((i = 0; i < INSTANCES; i++)); do
  rasa_port=${rasa_ports[$i]} action_port=${action_ports[$i]}
  rasa_urls+=("http://127.0.0.1:$rasa_port")
  endpoints=$SCALED/endpoints-$rasa_port.yml
  cat >"$endpoints" <<YAML
# Written by scripts/run_scaled.sh for the Rasa instance on 127.0.0.1:$rasa_port (rewritten at each start).
action_endpoint:
  url: "http://127.0.0.1:$action_port/webhook"
tracker_store:
  type: SQL
  dialect: "postgresql"
  url: "127.0.0.1"
  port: $PG_PORT
  db: "rasa"
  username: "$PG_USER"
  password: \${XIAODIAN_PG_PASSWORD}  # unquoted: Rasa 3.6 substitutes environment variables only there
lock_store:
  type: "$LOCK_STORE_TYPE"
  url: "127.0.0.1"
  port: $REDIS_PORT
  db: 1
YAML
  echo "==> Starting action server $((i + 1)) on 127.0.0.1:$action_port (log: $LOGS/actions-$action_port.log)"
  .venv/bin/python -m rasa_sdk --actions actions --port "$action_port" >"$LOGS/actions-$action_port.log" 2>&1 &
  app_pids+=($!)
  echo "==> Starting Rasa instance $((i + 1)) on 127.0.0.1:$rasa_port (endpoints: $endpoints, log: $LOGS/rasa-$rasa_port.log)"
  .venv/bin/rasa run --enable-api -i 127.0.0.1 -p "$rasa_port" -m models/xiaodian.tar.gz \
    --endpoints "$endpoints" --credentials credentials.yml >"$LOGS/rasa-$rasa_port.log" 2>&1 &
  app_pids+=($!)
done

export XIAODIAN_RASA_URL=$(IFS=,; echo "${rasa_urls[*]}")
echo "==> Starting the web service on 127.0.0.1:$WEB_PORT, round-robin over $XIAODIAN_RASA_URL (log: $LOGS/web.log)"
.venv/bin/python -m bot.web --port "$WEB_PORT" >"$LOGS/web.log" 2>&1 &
app_pids+=($!)

started=$(date +%s)
ready() {
  curl -fs "http://127.0.0.1:$WEB_PORT/" >/dev/null 2>&1 || return 1
  for ((i = 0; i < INSTANCES; i++)); do
    curl -fs "http://127.0.0.1:${action_ports[$i]}/health" >/dev/null 2>&1 || return 1
    curl -fs "http://127.0.0.1:${rasa_ports[$i]}/status" 2>/dev/null | grep -q '"model_id"' || return 1
  done
}
echo "==> Loading the model in $INSTANCES Rasa instance(s) (under a minute)"
until ready; do
  for pid in "${app_pids[@]}" "$pg_pid" "$redis_pid"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "ERROR: a server stopped while starting; the end of its logs:" >&2
      tail -n 20 "$LOGS"/*.log >&2
      exit 1
    fi
  done
  sleep 2
done

cat <<MSG
==> The scaled assistant is ready ($(( $(date +%s) - started )) s to load): $INSTANCES Rasa instance(s) behind the web service.
    Shop page (buyers):      http://127.0.0.1:$WEB_PORT/
    Agents' console:         http://127.0.0.1:$WEB_PORT/console   (add an agent first: make agent NAME=xiaomei)
    Or in another terminal:  make chat   (talks to the first Rasa instance directly)
    Rasa instances:          ${rasa_urls[*]} (each with its action server: ${action_ports[*]})
    Tracker store:           PostgreSQL 127.0.0.1:$PG_PORT database rasa (user $PG_USER, password in $SCALED/pg_password)
    Orders and tickets:      PostgreSQL 127.0.0.1:$PG_PORT database shop
    Lock store:              Redis 127.0.0.1:$REDIS_PORT db 1
    Press Ctrl-C to stop (PostgreSQL and Redis too).
MSG
wait -n "${app_pids[@]}" "$pg_pid" "$redis_pid"
echo "ERROR: a server stopped; see $LOGS/" >&2
exit 1
