"""Two Rasa instances behind the web service, as `make run-scaled` deploys them: one conversation's turns
land on both instances in turn and still read as one conversation, in the shared PostgreSQL tracker store.

Starts its own stack (a new PostgreSQL cluster, Redis, two Rasa servers with their action servers, the
web service; bench/scaled.py's ScaledStack), once for this module.
"""
from __future__ import annotations

from typing import Dict, Iterator, List

import pytest
import requests

from bench import scaled
from bench.scaled import ScaledStack, Sent, conversation_problems, read_events
from bot.handoff.store import TicketStore


@pytest.fixture(scope="module")
def stack() -> Iterator[ScaledStack]:
    why = scaled.missing()
    if why:
        pytest.fail(f"{why}: run `{scaled.INSTALL_HINT}` (make test runs make setup-scaled first)")
    with ScaledStack(instances=2) as running:
        running.wait_ready(timeout_s=600)
        yield running


class Buyer:
    """One shop-page buyer talking through the web service's buyer endpoint."""

    def __init__(self, web_url: str, product: str) -> None:
        self.url = f"{web_url}/api/buyer/messages"
        self.product = product
        self.identity: Dict[str, str] = {}
        self.sent: List[str] = []

    def say(self, text: str) -> dict:
        response = requests.post(self.url, json={**self.identity, "text": text, "product": self.product},
                                 timeout=60)
        assert response.status_code == 200, response.text
        payload = response.json()
        self.identity = {"buyer_id": payload["buyer_id"], "token": payload["token"]}
        self.sent.append(text)
        return payload

    @staticmethod
    def text_of(payload: dict) -> str:
        return "\n".join(reply.get("text", "") for reply in payload["replies"])


def test_both_instances_serve_the_model(stack):
    urls = [f"http://127.0.0.1:{stack.ports[f'rasa-{n}']}" for n in (1, 2)]
    for url in urls:
        assert requests.get(f"{url}/status", timeout=10).json()["model_file"]


def test_a_form_filled_across_two_instances_remembers_every_turn(stack):
    buyer = Buyer(stack.web_url, "hd-fleece-01")
    asked = buyer.text_of(buyer.say("这件卫衣穿什么码"))
    assert "身高" in asked and "体重" in asked
    # The height goes to one instance, the weight to the other: the advice needs both.
    assert "体重" in buyer.text_of(buyer.say("165"))
    advice = buyer.text_of(buyer.say("100斤"))
    assert "S码" in advice and "卫衣" in advice
    # The measurements stay for the rest of the chat, whichever instance answers next.
    assert "码" in buyer.text_of(buyer.say("那裤子呢"))

    events = read_events(stack.tracker_db_url)[buyer.identity["buyer_id"]]
    groups = [[Sent(text, True)] for text in buyer.sent]
    assert conversation_problems(groups, events) == []


def test_a_hand_off_ticket_lands_in_the_shared_shop_database(stack):
    buyer = Buyer(stack.web_url, "hd-fleece-01")
    buyer.say("在吗")
    payload = buyer.say("转人工")
    assert payload["replies"]
    tickets = TicketStore(stack.shop_db_url).for_buyer(buyer.identity["buyer_id"])
    assert [ticket.status for ticket in tickets] == ["open"]
