"""Rasa or its action server away: the buyer is told, nothing is lost or answered twice, and the bot takes
the chat back by itself when it returns; a person only when asked for, or after the policy's wait."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from aiohttp.test_utils import TestServer

from bot.shop import load_shop
from bot.shop.conversation import load_conversation
from bot.web import keys
from bot.web.chat_log import ANSWERED, QUEUED, SENDING
from tests.bot.web.conftest import FakeRasa, buyer_says, history_of, new_buyer, open_widget, sign_in

WORDING = load_conversation().handoff
LIMIT = timedelta(minutes=load_shop().policy.handoff.outage_wait_minutes)


async def _eventually(check, timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "not within the time allowed"
        await asyncio.sleep(0.05)


async def _start_rasa_at(url: str) -> tuple:
    rasa = FakeRasa()
    server = TestServer(rasa.app(), port=urlsplit(url).port)
    await server.start_server()
    rasa.url = url
    return rasa, server


async def _queue(client) -> list:
    agent = await sign_in(client, "alice")
    return (await (await client.get("/api/tickets", headers=agent)).json())["tickets"]


async def test_rasa_down_keeps_the_messages_and_answers_them_when_it_is_back(make_client, rasa_down_url):
    client = await make_client(rasa_down_url)
    buyer = await new_buyer(client)
    widget = await open_widget(client, buyer)
    first = await buyer_says(client, "羽绒服什么时候发货", buyer)
    second = await buyer_says(client, "包邮吗", buyer)
    # Told once, plainly; no person; both messages kept in order.
    assert first["replies"] == [{"text": WORDING.assistant_busy, "buttons": []}] and first["queued"] is True
    assert second["replies"] == [] and second["queued"] is True
    assert first["handed_off"] is False and await _queue(client) == []

    rasa, server = await _start_rasa_at(rasa_down_url)
    try:
        pushed = [await widget.receive_json(timeout=5), await widget.receive_json(timeout=5)]
        assert [p["replies"][0]["text"] for p in pushed] == ["收到：羽绒服什么时候发货", "收到：包邮吗"]
        assert [body["message"] for body in rasa.received] == ["羽绒服什么时候发货", "包邮吗"]
        history = await history_of(client, buyer)
        assert [(m["sender"], m["text"]) for m in history["messages"]] == [
            ("buyer", "羽绒服什么时候发货"), ("system", WORDING.assistant_busy), ("buyer", "包邮吗"),
            ("bot", "收到：羽绒服什么时候发货"), ("bot", "收到：包邮吗"),
        ]
        # Back to normal: the next message is answered at once.
        assert (await buyer_says(client, "谢谢", buyer))["replies"][0]["text"] == "收到：谢谢"
    finally:
        await widget.close()
        await server.close()


async def test_action_server_down_rewinds_the_turn_so_the_message_counts_once(client, fake_rasa):
    fake_rasa.silent = True
    buyer = await new_buyer(client)
    answer = await buyer_says(client, "这件起球吗", buyer)
    assert answer["replies"] == [{"text": WORDING.assistant_busy, "buttons": []}] and answer["queued"]
    await asyncio.sleep(0.3)  # a few recovery rounds while the action server stays away
    fake_rasa.silent = False
    chat_log = client.app[keys.chat_log_key]
    await _eventually(lambda: chat_log.count(QUEUED) == 0)
    # However many tries it took, the conversation holds the message once, answered.
    assert fake_rasa.user_turns(buyer["buyer_id"]) == ["这件起球吗"]
    texts = [m["text"] for m in (await history_of(client, buyer))["messages"]]
    assert texts == ["这件起球吗", WORDING.assistant_busy, "收到：这件起球吗"]


async def test_a_message_rasa_took_before_failing_is_not_sent_twice(client, fake_rasa):
    # Rasa answered 500 after taking the message (or the web service died waiting): the answer is in the
    # tracker, and recovery takes it from there instead of sending the message again.
    fake_rasa.failing = True
    buyer = await new_buyer(client)
    await buyer_says(client, "今天能发吗", buyer)
    events = fake_rasa.events[buyer["buyer_id"]]
    events.append({"event": "bot", "text": "收到：今天能发吗", "data": {}})
    fake_rasa.failing = False
    await _eventually(lambda: client.app[keys.chat_log_key].count(QUEUED) == 0)
    assert [b["message"] for b in fake_rasa.received] == ["今天能发吗"]
    assert [m["text"] for m in (await history_of(client, buyer))["messages"]][-1] == "收到：今天能发吗"


async def test_a_message_caught_mid_send_by_a_crash_is_answered_after_the_restart(make_client, fake_rasa, tmp_path):
    first = await make_client(fake_rasa.url)
    buyer = await new_buyer(first)
    chat_log = first.app[keys.chat_log_key]
    now = datetime.now(timezone.utc)
    # What a crash leaves: the message received, being sent, never answered.
    chat_log.receive(buyer["buyer_id"], "crash-key-0001", "运费多少", None, False, now, SENDING)
    await first.close()
    second = await make_client(fake_rasa.url)  # the same database: the restarted service
    await _eventually(lambda: second.app[keys.chat_log_key].inbound(buyer["buyer_id"], "crash-key-0001").state
                      == ANSWERED)
    assert [b["message"] for b in fake_rasa.received] == ["运费多少"]


async def test_asking_for_a_person_while_the_assistant_is_away_goes_to_a_person_at_once(make_client, rasa_down_url):
    client = await make_client(rasa_down_url)
    answer = await buyer_says(client, "转人工")
    assert answer["replies"] == [{"text": WORDING.assistant_unavailable, "buttons": []}] and answer["handed_off"]
    queue = await _queue(client)
    assert [t["reasons"] for t in queue] == [["assistant_unavailable"]]
    assert [line["text"] for line in queue[0]["transcript"]] == ["转人工"]


async def test_a_buyer_who_waits_past_the_policys_limit_goes_to_a_person(make_client, rasa_down_url):
    now = [datetime(2026, 11, 23, 7, 20, tzinfo=timezone.utc)]
    client = await make_client(rasa_down_url, clock=lambda: now[0])
    buyer = await new_buyer(client)
    widget = await open_widget(client, buyer)
    await buyer_says(client, "羽绒服什么时候发货", buyer)
    await asyncio.sleep(0.2)
    assert await _queue(client) == []
    now[0] += LIMIT + timedelta(seconds=1)
    pushed = await widget.receive_json(timeout=5)
    assert pushed["type"] == "system" and pushed["text"] == WORDING.assistant_unavailable
    queue = await _queue(client)
    assert queue[0]["reasons"] == ["assistant_unavailable"] and queue[0]["priority"] == "high"
    # Later messages go to the person, not into a queue.
    later = await buyer_says(client, "还在吗", buyer)
    assert later["handed_off"] is True and later["queued"] is False
    await widget.close()
