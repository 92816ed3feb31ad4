#!/usr/bin/env bash
# Trains models/xiaodian.tar.gz when its inputs changed since the last training; otherwise says so and exits.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" TF_CPP_MIN_LOG_LEVEL=2 SQLALCHEMY_SILENCE_UBER_WARNING=1

MODEL=models/xiaodian.tar.gz
STAMP=models/xiaodian.fingerprint
want=$(.venv/bin/python scripts/model_fingerprint.py)

if [ -f "$MODEL" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
  echo "==> Model is up to date ($MODEL)"
  exit 0
fi

echo "==> Training the model (data, config or domain changed; about 3-5 minutes on 2 cores)"
start=$(date +%s)
rm -f "$STAMP"
# The log is kept for `make bench`, which reports the last training time from it.
mkdir -p .state/logs
.venv/bin/rasa train --data data/nlu data/stories --config config.yml --domain domain.yml \
  --out models --fixed-model-name xiaodian --force 2>&1 | tee .state/logs/train.log
echo "$want" > "$STAMP"
echo "==> Trained in $(( $(date +%s) - start )) s: $MODEL ($(du -h "$MODEL" | cut -f1))" | tee -a .state/logs/train.log
