"""Two Rasa instances behind the web service, started by `make run-scaled`'s own launcher (bot.stack with
shared stores): one conversation's turns land on both instances in turn and still read as one
conversation, in the shared PostgreSQL tracker store.

Starts its own stack (a new PostgreSQL cluster, Redis, two Rasa servers with their action servers, the
web service), once for this module, in a temporary directory.
"""
from __future__ import annotations

from typing import Iterator

import pytest
import requests

from bench.processes import BenchStack
from bench.integrity import Sent, conversation_problems, read_events
from bot.handoff.store import TicketStore
from bot.stack import stores
from bot.web.buyer_client import BuyerClient


@pytest.fixture(scope="module")
def stack() -> Iterator[BenchStack]:
    why = stores.missing()
    if why:
        pytest.fail(f"{why}: run `{stores.INSTALL_HINT}` (make test runs make setup-scaled first)")
    with BenchStack(stores="shared", instances=2) as running:
        running.wait_ready(timeout_s=600)
        yield running


def test_both_instances_serve_the_model(stack):
    for url in stack.rasa_urls:
        assert requests.get(f"{url}/status", headers=stack.rasa_headers(), timeout=10).json()["model_file"]
        # Nobody else reads a conversation: the API wants the web service's credentials.
        assert requests.get(f"{url}/status", timeout=10).status_code == 401


def test_a_form_filled_across_two_instances_remembers_every_turn(stack):
    buyer = BuyerClient(stack.web_url, product="hd-fleece-01")
    sent = ["这件卫衣穿什么码", "165", "100斤", "那裤子呢"]
    asked = "\n".join(buyer.texts(sent[0]))
    assert "身高" in asked and "体重" in asked
    # The height goes to one instance, the weight to the other: the advice needs both.
    assert "体重" in "\n".join(buyer.texts(sent[1]))
    advice = "\n".join(buyer.texts(sent[2]))
    assert "S码" in advice and "卫衣" in advice
    # The measurements stay for the rest of the chat, whichever instance answers next.
    assert "码" in "\n".join(buyer.texts(sent[3]))

    events = read_events(stack.tracker_db_url, stack.postgres.password())[buyer.buyer_id]
    groups = [[Sent(text, True)] for text in sent]
    assert conversation_problems(groups, events) == []


def test_a_hand_off_ticket_lands_in_the_shared_shop_database(stack, monkeypatch):
    buyer = BuyerClient(stack.web_url, product="hd-fleece-01")
    buyer.send("在吗")
    assert buyer.send("转人工")["replies"]
    monkeypatch.setenv("PGPASSWORD", stack.postgres.password())  # libpq's way; never in the URL
    tickets = TicketStore(stack.shop_db_url).for_buyer(buyer.buyer_id)
    assert [ticket.status for ticket in tickets] == ["open"]
