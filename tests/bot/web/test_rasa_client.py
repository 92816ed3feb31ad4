"""The Rasa client over several instances: round-robin per request, fail-over only when nothing was sent."""

from __future__ import annotations

import asyncio
from typing import List

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.web.rasa_client import WEBHOOK_PATH, RasaClient, RasaUnavailable, parse_rasa_urls
from bot.web.settings import settings_from_env
from tests.bot.web.conftest import RASA_SECRET, SERVICE_ENV, FakeRasa, buyer_says, identity_of


@pytest.fixture
async def start_rasa():
    """Starts fake Rasa instances, each on its own test server; all closed at the end."""
    servers: List[TestServer] = []

    async def start(app_of=lambda rasa: rasa.app()) -> FakeRasa:
        rasa = FakeRasa()
        server = TestServer(app_of(rasa))
        await server.start_server()
        servers.append(server)
        rasa.url = str(server.make_url("")).rstrip("/")
        return rasa

    yield start
    for server in servers:
        await server.close()


@pytest.fixture
async def session():
    async with aiohttp.ClientSession() as opened:
        yield opened


def _senders(rasa: FakeRasa) -> List[str]:
    return [body["sender"] for body in rasa.received]


async def test_each_request_goes_to_the_next_instance_whoever_the_buyer(start_rasa, session):
    instances = [await start_rasa() for _ in range(3)]
    client = RasaClient(session, ",".join(rasa.url for rasa in instances), RASA_SECRET)
    for n in range(6):
        replies = await client.send("same-buyer", f"第{n}句", {})
        assert replies[0]["text"] == f"收到：第{n}句"
    # Not sticky: one buyer's messages are spread over every instance, in turn.
    assert [[body["message"] for body in rasa.received] for rasa in instances] == [
        ["第0句", "第3句"], ["第1句", "第4句"], ["第2句", "第5句"]
    ]


async def test_tracker_reads_and_event_appends_take_their_turn_too(start_rasa, session):
    first, second = await start_rasa(), await start_rasa()
    client = RasaClient(session, [first.url, second.url], RASA_SECRET)
    await client.send("b-1", "在吗", {})  # -> first
    tracker = await client.tracker("b-1")  # -> second, which never saw the message
    assert tracker["events"] == []
    # -> first again
    await client.append_event("b-1", {"event": "slot", "name": "handoff_outcome", "value": "done"})
    assert [event["event"] for event in first.events["b-1"]] == ["user", "bot", "slot"]


async def test_an_instance_that_refuses_connections_is_skipped(start_rasa, session, rasa_down_url):
    first, third = await start_rasa(), await start_rasa()
    client = RasaClient(session, f"{first.url},{rasa_down_url},{third.url}", RASA_SECRET)
    for n in range(6):
        await client.send(f"b-{n}", "在吗", {})
    # The down instance's turns (1 and 4) went to the next one in the list.
    assert _senders(first) == ["b-0", "b-3"]
    assert _senders(third) == ["b-1", "b-2", "b-4", "b-5"]


async def test_every_instance_down_raises_naming_them(session, rasa_down_url):
    other_down = rasa_down_url.rsplit(":", 1)[0] + ":1"
    client = RasaClient(session, [rasa_down_url, other_down], RASA_SECRET)
    with pytest.raises(RasaUnavailable) as raised:
        await client.send("b-1", "在吗", {})
    assert rasa_down_url in str(raised.value) and other_down in str(raised.value)


async def test_a_timeout_is_not_retried_on_another_instance(start_rasa, session):
    def slow_app(rasa: FakeRasa) -> web.Application:
        async def slow(request: web.Request) -> web.Response:
            rasa.received.append(await request.json())
            await asyncio.sleep(2)  # still handling the message when the client gives up
            return web.json_response([])

        app = web.Application()
        app.router.add_post(WEBHOOK_PATH, slow)
        return app

    slow_rasa, other = await start_rasa(slow_app), await start_rasa()
    client = RasaClient(session, [slow_rasa.url, other.url], RASA_SECRET, timeout=0.3)
    with pytest.raises(RasaUnavailable):
        await client.send("b-1", "在吗", {})
    # The slow instance may still answer: sending again elsewhere could handle the message twice.
    assert _senders(slow_rasa) == ["b-1"] and other.received == []


async def test_an_error_answer_is_not_retried_either(start_rasa, session):
    def failing_app(rasa: FakeRasa) -> web.Application:
        async def fail(request: web.Request) -> web.Response:
            rasa.received.append(await request.json())
            return web.Response(status=500, text="boom")

        app = web.Application()
        app.router.add_post(WEBHOOK_PATH, fail)
        return app

    failing, other = await start_rasa(failing_app), await start_rasa()
    client = RasaClient(session, [failing.url, other.url], RASA_SECRET)
    with pytest.raises(RasaUnavailable, match="500"):
        await client.send("b-1", "在吗", {})
    assert other.received == []


async def test_the_web_service_spreads_one_buyers_chat_over_the_instances(make_client, start_rasa):
    first, second = await start_rasa(), await start_rasa()
    client = await make_client(f"{first.url},{second.url}")
    answer = await buyer_says(client, "在吗")
    for text in ("这件有M码吗", "包邮吗", "谢谢"):
        answer = await buyer_says(client, text, identity_of(answer))
        assert answer["replies"][0]["text"] == f"收到：{text}"
    assert [body["message"] for body in first.received] == ["在吗", "包邮吗"]
    assert [body["message"] for body in second.received] == ["这件有M码吗", "谢谢"]
    assert {body["sender"] for body in first.received + second.received} == {answer["buyer_id"]}


@pytest.mark.parametrize(
    "value, urls",
    [
        ("http://127.0.0.1:5005", ["http://127.0.0.1:5005"]),
        ("http://127.0.0.1:5005/, http://127.0.0.1:5006 ,",
         ["http://127.0.0.1:5005", "http://127.0.0.1:5006"]),
        (["https://rasa-1.internal/", "https://rasa-2.internal"],
         ["https://rasa-1.internal", "https://rasa-2.internal"]),
    ],
)
def test_urls_are_read_from_a_comma_separated_list(value, urls):
    assert parse_rasa_urls(value) == urls


@pytest.mark.parametrize("value", [" , ", "127.0.0.1:5005", "http://127.0.0.1:5005,ftp://host"])
def test_a_bad_list_stops_the_web_service_at_start(value):
    with pytest.raises(ValueError, match="XIAODIAN_RASA_URL"):
        settings_from_env({**SERVICE_ENV, "XIAODIAN_RASA_URL": value})


def test_no_rasa_url_means_the_local_default():
    assert settings_from_env(SERVICE_ENV).rasa_url == "http://127.0.0.1:5005"


async def test_every_call_carries_the_web_services_jwt_in_a_header(start_rasa, session):
    rasa = await start_rasa()
    seen = []

    def recording_app(fake: FakeRasa) -> web.Application:
        app = fake.app()

        @web.middleware
        async def record(request, handler):
            seen.append((request.path_qs, request.headers.get("Authorization", "")))
            return await handler(request)

        app.middlewares.insert(0, record)
        return app

    rasa = await start_rasa(recording_app)
    client = RasaClient(session, rasa.url, RASA_SECRET)
    await client.send("b-1", "在吗", {}, message_id="key-0001")
    await client.tracker("b-1")
    await client.append_event("b-1", {"event": "rewind"})
    assert await client.healthy() is True
    assert rasa.refused_auth == 0 and len(seen) == 4
    assert all(auth.startswith("Bearer ") and "token" not in path for path, auth in seen)
    assert rasa.events["b-1"][0]["message_id"] == "key-0001"


async def test_a_wrong_secret_is_refused_and_nothing_is_handled(start_rasa, session):
    rasa = await start_rasa()
    client = RasaClient(session, rasa.url, b"some-other-secret-0123456789abcdef")
    with pytest.raises(RasaUnavailable) as raised:
        await client.send("b-1", "在吗", {})
    assert "401" in str(raised.value) and raised.value.maybe_handled is False
    assert rasa.received == [] and await client.healthy() is False
