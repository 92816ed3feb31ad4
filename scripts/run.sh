#!/usr/bin/env bash
# Starts the action server, the Rasa server and the web service (shop page, console) on 127.0.0.1, waits until the model answers, and prints
# how to talk to the assistant. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" TF_CPP_MIN_LOG_LEVEL=2 SQLALCHEMY_SILENCE_UBER_WARNING=1
# rasa_sdk has no --host flag; its Sanic app reads the bind address from SANIC_HOST.
export SANIC_HOST=127.0.0.1

RASA_PORT=5005
ACTION_PORT=5055
WEB_PORT=${XIAODIAN_WEB_PORT:-8080}
LOGS=.state/logs
mkdir -p "$LOGS" var

# The action server opens hand-off tickets on the web service with this token (new each start).
export XIAODIAN_ACTION_TOKEN=${XIAODIAN_ACTION_TOKEN:-$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))')}
export XIAODIAN_WEB_URL="http://127.0.0.1:$WEB_PORT" XIAODIAN_RASA_URL="http://127.0.0.1:$RASA_PORT"
# A demo shop has no real orders: every new buyer of the shop page gets the demo orders to ask about.
export XIAODIAN_DEMO_ORDERS=${XIAODIAN_DEMO_ORDERS:-1}

for port in $RASA_PORT $ACTION_PORT $WEB_PORT; do
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
    echo "ERROR: port $port on 127.0.0.1 is already in use (another 'make run'?). Stop it and try again." >&2
    exit 1
  fi
done

pids=()
stop() {
  trap - INT TERM EXIT
  if [ ${#pids[@]} -gt 0 ]; then
    echo; echo "==> Stopping the assistant"
    kill "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
}
trap stop EXIT
trap 'exit 130' INT TERM

echo "==> Starting the action server on 127.0.0.1:$ACTION_PORT (log: $LOGS/actions.log)"
.venv/bin/python -m rasa_sdk --actions actions --port $ACTION_PORT >"$LOGS/actions.log" 2>&1 &
pids+=($!)

echo "==> Starting the Rasa server on 127.0.0.1:$RASA_PORT (log: $LOGS/rasa.log); loading the model takes under a minute"
.venv/bin/rasa run --enable-api -i 127.0.0.1 -p $RASA_PORT -m models/xiaodian.tar.gz \
  --endpoints endpoints.yml --credentials credentials.yml >"$LOGS/rasa.log" 2>&1 &
pids+=($!)

echo "==> Starting the shop page and agents' console on 127.0.0.1:$WEB_PORT (log: $LOGS/web.log)"
.venv/bin/python -m bot.web --port "$WEB_PORT" >"$LOGS/web.log" 2>&1 &
pids+=($!)

started=$(date +%s)
ready() {
  curl -fs "http://127.0.0.1:$ACTION_PORT/health" >/dev/null 2>&1 &&
    curl -fs "http://127.0.0.1:$WEB_PORT/" >/dev/null 2>&1 &&
    curl -fs "http://127.0.0.1:$RASA_PORT/status" 2>/dev/null | grep -q '"model_id"'
}
until ready; do
  for pid in "${pids[@]}"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "ERROR: a server stopped while starting; the end of its log:" >&2
      tail -n 20 "$LOGS/rasa.log" "$LOGS/actions.log" "$LOGS/web.log" >&2
      exit 1
    fi
  done
  sleep 2
done

cat <<MSG
==> The assistant is ready ($(( $(date +%s) - started )) s to load).
    Shop page (buyers):      http://127.0.0.1:$WEB_PORT/
    Agents' console:         http://127.0.0.1:$WEB_PORT/console   (add an agent first: make agent NAME=xiaomei)
    Or in another terminal:  make chat
    or with curl:
      curl -s http://127.0.0.1:$RASA_PORT/webhooks/rest/webhook -H 'Content-Type: application/json' \\
        -d '{"sender": "buyer-1", "message": "今天下单什么时候发货"}'
    Press Ctrl-C to stop.
MSG
wait -n "${pids[@]}"
echo "ERROR: a server stopped; see $LOGS/" >&2
exit 1
