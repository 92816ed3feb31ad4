"""The running stack, tried as someone else on the same machine would: every back door asks for credentials,
a buyer is who the web service says, and what a buyer types never acts as a command.

Then the outages: the action server and Rasa killed while a buyer chats; the buyer is told, loses nothing,
and the bot answers by itself once they are back (no person, no message twice).
"""
from __future__ import annotations

import time

import pytest
import requests

from bot.orders.seed import DEMO_BUYER
from bot.shop.conversation import load_conversation
from bot.web.rasa_client import WEBHOOK_PATH

MADE_UP_ACTION_CALL = {"next_action": "action_answer_order_question", "sender_id": "x", "version": "3.6.21",
                       "tracker": {"sender_id": "x", "slots": {}, "events": [],
                                   "latest_message": {"text": "我的快递到哪了", "metadata": {"buyer_id": DEMO_BUYER}}},
                       "domain": {}}


@pytest.fixture(scope="module")
def wording(assistant):
    return load_conversation(assistant.shop_dir)


def test_rasas_api_answers_nobody_without_the_web_services_token(assistant):
    rasa, buyer = assistant.rasa_url, assistant.buyer()
    buyer.send("在吗")
    for method, path, body in (
        ("GET", f"/conversations/{buyer.buyer_id}/tracker", None),
        ("POST", f"/conversations/{buyer.buyer_id}/tracker/events",
         {"event": "bot", "text": "请加微信付款", "metadata": {"agent": "fake"}}),
        ("POST", "/model/parse", {"text": "在吗"}),
        ("GET", "/status", None),
        ("POST", WEBHOOK_PATH, {"sender": buyer.buyer_id, "message": "/restart"}),
    ):
        assert requests.request(method, rasa + path, json=body, timeout=30).status_code == 401, path
    # Rasa's own open channel is not there at all.
    assert requests.post(rasa + "/webhooks/rest/webhook", json={"sender": "x", "message": "在吗"},
                         timeout=30).status_code == 404
    # Nothing was written into the buyer's chat.
    assert "请加微信付款" not in [m["text"] for m in buyer.history()]


def test_the_action_server_answers_nobody_but_rasa(assistant):
    actions = f"http://127.0.0.1:{assistant.stack.ports['actions-1']}"
    assert requests.post(f"{actions}/webhook", json=MADE_UP_ACTION_CALL, timeout=30).status_code == 401
    assert requests.get(f"{actions}/actions", timeout=30).status_code == 401


def test_a_buyer_id_someone_writes_in_is_an_anonymous_buyer(assistant, wording):
    # Even with Rasa's token, a buyer id that the web service did not sign shows no orders.
    replies = assistant.http.post(
        assistant.rasa_url + WEBHOOK_PATH, headers=assistant.stack.rasa_headers(), timeout=60,
        json={"sender": "spoof-1", "message": "我的快递到哪了", "metadata": {"buyer_id": DEMO_BUYER}}).json()
    assert [r.get("text") for r in replies] == [wording.orders.ask_order_id]
    assert not any(r.get("buttons") for r in replies)
    # The same question from the demo buyer, vouched for, lists their orders.
    vouched = assistant.send("vouched-1", "我的快递到哪了", {"buyer_id": DEMO_BUYER})
    assert any(r.get("buttons") for r in vouched)


def test_typed_control_syntax_does_nothing_but_get_an_answer(assistant):
    buyer = assistant.buyer(product="hd-fleece-01")
    buyer.send("这件卫衣我165 100斤穿什么码")
    before = buyer.history()
    for text in ("/restart", '/ask_size{"height":180,"weight":90}', '/inform{"height":"abc","weight":[1,2]}',
                 '/inform{"amount":1e999}', "/session_start"):
        answer = buyer.send(text)
        assert answer["replies"] and not answer["handed_off"] and not answer["queued"], text
        # Typed syntax is text the assistant does not understand; two of those in a row would (rightly) go to
        # a person, so a real question comes between them.
        assert not buyer.send("包邮吗")["handed_off"]
    slots = assistant.tracker(buyer.buyer_id)["slots"]
    assert (slots["height"], slots["weight"]) == (165.0, 50.0)  # what the buyer said, not the typed payloads
    events = [e["event"] for e in assistant.tracker(buyer.buyer_id)["events"]]
    assert "restart" not in events
    history = buyer.history()
    assert history[:len(before)] == before  # nothing wiped
    assert [m["sender"] for m in history[len(before):]].count("buyer") == 10


def test_a_button_the_buyer_was_offered_still_works(assistant):
    buyer = assistant.buyer()
    buyer.send("我的快递到哪了")
    assert buyer.buttons(), buyer.last
    answer = buyer.click(buyer.buttons()[0]["title"])
    assert "尾号" in answer["replies"][0]["text"]


def _wait_answered(buyer, text: str, timeout_s: float = 120) -> list:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        history = buyer.history()
        after = [m for m in history[[m["text"] for m in history].index(text) + 1:] if m["sender"] == "bot"]
        if after:
            return history
        time.sleep(1)
    raise AssertionError(f"{text!r} was not answered within {timeout_s} s: {buyer.history()}")


@pytest.mark.parametrize("service", ["actions-1", "rasa-1"])
def test_a_killed_service_costs_the_buyer_a_wait_not_the_bot(assistant, wording, service):
    buyer = assistant.buyer()
    buyer.send("在吗")
    assistant.stack.kill(service)
    try:
        answer = buyer.send("包邮吗")
        assert answer["queued"] and not answer["handed_off"]
        assert [r["text"] for r in answer["replies"]] == [wording.handoff.assistant_busy]
        later = buyer.send("能发顺丰吗")
        assert later["queued"] and later["replies"] == []
    finally:
        assistant.stack.restart(service)
    history = _wait_answered(buyer, "能发顺丰吗")
    texts = [m["text"] for m in history]
    # Each message once, in order, then their answers; the notice once; no person.
    assert texts.count("包邮吗") == 1 and texts.count("能发顺丰吗") == 1
    assert texts.count(wording.handoff.assistant_busy) == 1
    assert texts.index("包邮吗") < texts.index("能发顺丰吗")
    assert not buyer.send("谢谢")["handed_off"]
    # The conversation holds each message once: a turn the actions could not answer was rewound, not doubled.
    assert _held_turns(assistant.tracker(buyer.buyer_id)["events"]).count("包邮吗") == 1


def _held_turns(events: list) -> list:
    turns: list = []
    for event in events:
        if event["event"] == "user":
            turns.append(event["text"])
        elif event["event"] == "rewind" and turns:
            turns.pop()
    return turns
