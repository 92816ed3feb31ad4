"""One running assistant per test session: Rasa, the action server and the web service, from bot.stack.

Loading the model takes under a minute, so every test in this folder shares one stack, started by the
same launcher as `make run`, on free ports, with a fixed clock and a copy of the shop's data (so a test
may edit the policy and see the answer change without retraining).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Iterator, Optional

import pytest
import requests

from bot.identity import sign_identity
from bot.message_metadata import MessageMetadata
from bot.orders.seed import seed_demo_orders
from bot.orders.store import OrderStore
from bot.shop import load_shop
from bot.stack.launcher import Stack, StackConfig
from bot.stack.processes import StartError
from bot.web.buyer_client import BuyerClient
from bot.web.rasa_client import WEBHOOK_PATH
from tests.moments import FIXED_NOW

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "xiaodian.tar.gz"
AGENT, AGENT_PASSWORD = "xiaomei", "session-password-1"
#: The web service's signing secret for this session: a test that plays a returning shop-page buyer (one
#: whose widget already holds an id and token) signs that token with it, as the service would have.
STARTUP_TIMEOUT_S = 600
RESULTS = ROOT / "results"


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.assistant)


class Assistant:
    """A client of the running assistant.

    ``send`` plays the web service's part towards Rasa (the signed channel, the buyer's signed identity,
    a ``/`` payload sent as an offered button) to test the bot itself; ``buyer`` gives a client of the
    web service's buyer API, the way a shop-page buyer really comes in.
    """

    def __init__(self, stack: Stack, shop_dir: Path, orders_url: str = "", agents_file: Optional[Path] = None):
        self.stack = stack
        self.agents_file = agents_file
        self.rasa_url = stack.rasa_url
        self.web_url = stack.web_url
        self.shop_dir = shop_dir
        self.orders_url = orders_url
        self.http = requests.Session()

    def _metadata(self, metadata: Optional[dict], text: str) -> dict:
        metadata = dict(metadata or {})
        buyer = metadata.pop("buyer_id", None)
        identity = sign_identity(self.stack.secrets.identity, buyer) if buyer else ""
        return MessageMetadata(identity, metadata.get("product"), button=text.startswith("/")).as_dict()

    def send(self, sender: str, text: str, metadata: Optional[dict] = None) -> list:
        """Posts a buyer message (as the shop page's web service would) to Rasa's channel; the replies."""
        body = {"sender": sender, "message": text, "metadata": self._metadata(metadata, text)}
        response = self.http.post(f"{self.rasa_url}{WEBHOOK_PATH}", json=body, headers=self.stack.rasa_headers(),
                                  timeout=60)
        assert response.status_code == 200, response.text
        return response.json()

    def texts(self, sender: str, text: str, metadata: Optional[dict] = None) -> list[str]:
        """The text lines of the replies to one message."""
        return [reply["text"] for reply in self.send(sender, text, metadata) if "text" in reply]

    def parse(self, text: str) -> dict:
        """The NLU result for a message, as /model/parse gives it."""
        response = self.http.post(f"{self.rasa_url}/model/parse", json={"text": text},
                                  headers=self.stack.rasa_headers(), timeout=60)
        assert response.status_code == 200, response.text
        return response.json()

    def tracker(self, sender: str) -> dict:
        """The conversation's tracker (slots, events)."""
        response = self.http.get(f"{self.rasa_url}/conversations/{sender}/tracker",
                                 headers=self.stack.rasa_headers(), timeout=60)
        assert response.status_code == 200, response.text
        return response.json()

    def buyer(self, product: Optional[str] = None) -> BuyerClient:
        """A new buyer of the shop page, talking to the web service (with the demo orders)."""
        return BuyerClient(self.web_url, product=product)


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
    # One agent for the console, made with the same command a shop owner uses.
    agents_file = work / "agents.yml"
    subprocess.run([sys.executable, "-m", "bot.web.agents", "add", AGENT, "--display-name", "小美",
                    "--password-stdin", "--file", str(agents_file)],
                   input=AGENT_PASSWORD + "\n", text=True, check=True, cwd=ROOT,
                   env=dict(os.environ, PYTHONPATH=str(ROOT)), capture_output=True)
    config = StackConfig(
        # Conversations in SQLite as with make run: the service report reads them (tracker store URL from the launcher).
        stores="local", fixed_ports=False, state_dir=work / "var", log_dir=work / "logs",
        env={
            "XIAODIAN_NOW": FIXED_NOW,
            "XIAODIAN_SHOP_DIR": str(shop_dir),
            "DATABASE_URL": orders_url,
            "XIAODIAN_AGENTS_FILE": str(agents_file),
            "XIAODIAN_WEB_SECRET": "session-secret-0123456789abcdef0123456789",
            # Every new shop-page buyer gets the demo orders, as with make run.
            "XIAODIAN_DEMO_ORDERS": "1",
            # Tests send many messages from one address and one buyer; the limits are tested on their own.
            "XIAODIAN_LIMIT_ADDRESS_MESSAGES": "100000/minute",
            "XIAODIAN_LIMIT_BUYER_MESSAGES": "100000/minute",
            "XIAODIAN_LIMIT_NEW_BUYERS": "100000/minute",
        },
    )
    with Stack(config) as stack:
        try:
            stack.wait_ready(timeout_s=STARTUP_TIMEOUT_S)
        except StartError as error:
            pytest.fail(f"the assistant did not start: {error}")
        yield Assistant(stack, shop_dir, orders_url, agents_file)
        action_log = stack.service("actions-1").log
    errors = [line for line in action_log.read_text(errors="replace").splitlines() if "Traceback" in line]
    assert not errors, f"the action server logged tracebacks; see {action_log}"


@pytest.fixture
def shop(assistant):
    """The shop data exactly as the running action server reads it (the session's copy)."""
    return load_shop(assistant.shop_dir)


_session_started = time.time()


def pytest_terminal_summary(terminalreporter):
    """Prints the NLU evaluations written by test_nlu_evaluation.py in this run, the sets side by side."""
    from bot.trainer.nlu_report import side_by_side

    reports = [json.loads(path.read_text(encoding="utf-8")) for path in sorted((RESULTS / "nlu").glob("*.json"))
               if path.stat().st_mtime >= _session_started and "per_intent" in path.read_text(encoding="utf-8")]
    if not reports:
        return
    reports.sort(key=lambda r: r["set"] != "test_nlu")
    terminalreporter.section("NLU evaluation: " + " | ".join(r["set"] for r in reports))
    first = reports[0]
    terminalreporter.write_line(f"fallback threshold {first['threshold']:.2f}, ambiguity {first['ambiguity_threshold']:.2f}; "
                                "asked back counts as a miss; curve: results/nlu/threshold_curve.png")
    for line in side_by_side(reports):
        terminalreporter.write_line(line)
