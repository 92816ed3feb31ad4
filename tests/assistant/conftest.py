"""One running assistant per test session: the trained model behind `rasa run`, plus the action server.

Loading the model takes one to two minutes, so every test in this folder shares one pair of servers,
started exactly as `make run` starts them, on free ports, with a fixed clock and a copy of the shop's
data (so a test may edit the policy and see the answer change without retraining).
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Iterator, Optional

import pytest
import requests

from bot.orders.seed import seed_demo_orders
from bot.orders.store import OrderStore
from bot.shop import load_shop

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "xiaodian.tar.gz"
# A Monday, 40 minutes before the demo shop's 16:00 cut-off.
FIXED_NOW = "2026-11-23T15:20:00+08:00"
AGENT, AGENT_PASSWORD = "xiaomei", "session-password-1"
#: The web service's signing secret for this session: a test that plays a returning shop-page buyer (one
#: whose widget already holds an id and token) signs that token with it, as the service would have.
WEB_SECRET = "session-secret"
STARTUP_TIMEOUT_S = 600
RESULTS = ROOT / "results"


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.assistant)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Assistant:
    """A client of the running assistant, speaking to it as the shop page and scripts do."""

    def __init__(self, rasa_url: str, shop_dir: Path, orders_url: str = ""):
        self.rasa_url = rasa_url
        self.shop_dir = shop_dir
        self.orders_url = orders_url
        self.http = requests.Session()

    def send(self, sender: str, text: str, metadata: Optional[dict] = None) -> list:
        """Posts a buyer message (with the shop page's metadata, if any) to the REST webhook; the replies."""
        body = {"sender": sender, "message": text, **({"metadata": metadata} if metadata else {})}
        response = self.http.post(f"{self.rasa_url}/webhooks/rest/webhook", json=body, timeout=60)
        assert response.status_code == 200, response.text
        return response.json()

    def texts(self, sender: str, text: str, metadata: Optional[dict] = None) -> list[str]:
        """The text lines of the replies to one message."""
        return [reply["text"] for reply in self.send(sender, text, metadata) if "text" in reply]

    def parse(self, text: str) -> dict:
        """The NLU result for a message, as /model/parse gives it."""
        response = self.http.post(f"{self.rasa_url}/model/parse", json={"text": text}, timeout=60)
        assert response.status_code == 200, response.text
        return response.json()

    def tracker(self, sender: str) -> dict:
        """The conversation's tracker (slots, events)."""
        response = self.http.get(f"{self.rasa_url}/conversations/{sender}/tracker", timeout=60)
        assert response.status_code == 200, response.text
        return response.json()


def _wait_until_ready(url: str, action_url: str, processes: list, logs: list[Path]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                tails = "\n".join(f"--- {log}\n" + log.read_text()[-3000:] for log in logs)
                pytest.fail(f"a server of the assistant exited while starting:\n{tails}")
        try:
            status = requests.get(f"{url}/status", timeout=5)
            actions_up = requests.get(f"{action_url}/health", timeout=5).ok
            if actions_up and status.ok and status.json().get("model_id"):
                return
        except requests.RequestException:
            pass
        time.sleep(2)
    pytest.fail(f"the assistant did not answer within {STARTUP_TIMEOUT_S} s")


@pytest.fixture(scope="session")
def assistant(tmp_path_factory) -> Iterator[Assistant]:
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` (or `make test`, which trains first)")
    work = tmp_path_factory.mktemp("assistant")
    shop_dir = work / "shop"
    shutil.copytree(ROOT / "data" / "shop", shop_dir)
    # The demo buyer's orders, timed from the fixed clock, in a store of this session's own.
    orders_url = f"sqlite:///{work / 'orders.sqlite'}"
    store = OrderStore(orders_url)
    seed_demo_orders(store, datetime.fromisoformat(FIXED_NOW), shop=load_shop(shop_dir))
    store.close()
    rasa_port, action_port, web_port = _free_port(), _free_port(), _free_port()
    # One agent for the console, made with the same command a shop owner uses.
    agents_file = work / "agents.yml"
    subprocess.run([sys.executable, "-m", "bot.web.agents", "add", AGENT, "--display-name", "小美",
                    "--password-stdin", "--file", str(agents_file)],
                   input=AGENT_PASSWORD + "\n", text=True, check=True, cwd=ROOT,
                   env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True)
    endpoints = work / "endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n')
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT),
        SANIC_HOST="127.0.0.1",
        TF_CPP_MIN_LOG_LEVEL="2",
        XIAODIAN_NOW=FIXED_NOW,
        XIAODIAN_SHOP_DIR=str(shop_dir),
        DATABASE_URL=orders_url,
        XIAODIAN_ACTION_TOKEN="session-token",
        XIAODIAN_WEB_URL=f"http://127.0.0.1:{web_port}",
        XIAODIAN_RASA_URL=f"http://127.0.0.1:{rasa_port}",
        XIAODIAN_AGENTS_FILE=str(agents_file),
        XIAODIAN_WEB_SECRET=WEB_SECRET,
    )
    bin_dir = Path(sys.executable).parent
    action_log, rasa_log, web_log = work / "actions.log", work / "rasa.log", work / "web.log"
    with open(action_log, "wb") as action_out, open(rasa_log, "wb") as rasa_out, open(web_log, "wb") as web_out:
        actions = subprocess.Popen(
            [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(action_port)],
            cwd=ROOT, env=env, stdout=action_out, stderr=subprocess.STDOUT,
        )
        rasa = subprocess.Popen(
            [str(bin_dir / "rasa"), "run", "--enable-api", "-i", "127.0.0.1", "-p", str(rasa_port),
             "-m", str(MODEL), "--endpoints", str(endpoints), "--credentials", str(ROOT / "credentials.yml")],
            cwd=ROOT, env=env, stdout=rasa_out, stderr=subprocess.STDOUT,
        )
        web = subprocess.Popen(
            [sys.executable, "-m", "bot.web", "--port", str(web_port)],
            cwd=ROOT, env=env, stdout=web_out, stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{rasa_port}"
        try:
            _wait_until_ready(url, f"http://127.0.0.1:{action_port}", [actions, rasa, web], [rasa_log, action_log, web_log])
            assistant = Assistant(url, shop_dir, orders_url)
            assistant.web_url = f"http://127.0.0.1:{web_port}"
            yield assistant
        finally:
            for process in (rasa, actions, web):
                process.terminate()
            for process in (rasa, actions, web):
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
            errors = [line for line in action_log.read_text(errors="replace").splitlines() if "Traceback" in line]
            assert not errors, f"the action server logged tracebacks; see {action_log}"


_session_started = time.time()


def pytest_terminal_summary(terminalreporter):
    """Prints the NLU evaluation written by test_nlu_evaluation.py in this run."""
    report = RESULTS / "nlu" / "report.json"
    if not report.exists() or report.stat().st_mtime < _session_started:
        return
    data = json.loads(report.read_text())
    write = terminalreporter.write_line
    terminalreporter.section("NLU evaluation on tests/nlu/test_nlu.yml")
    write(f"examples: {data['examples']}   accuracy: {data['accuracy']:.3f}   macro-F1: {data['macro_f1']:.3f}"
          f"   (fallback counted as a miss; classifier top intent alone: {data['top_intent_accuracy']:.3f})")
    sweep = "  ".join(f"{t}: {v['accuracy']:.3f}/{v['fallback_rate']:.2f}" for t, v in data["threshold_sweep"].items())
    write(f"fallback threshold -> accuracy/ask-back rate: {sweep}")
    write(f"{'intent':<20} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}")
    for intent, row in sorted(data["per_intent"].items(), key=lambda kv: kv[1]["f1-score"]):
        write(f"{intent:<20} {row['precision']:>9.2f} {row['recall']:>7.2f} {row['f1-score']:>6.2f} {row['support']:>8}")
