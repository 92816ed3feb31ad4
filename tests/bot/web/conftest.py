"""Fixtures for the web service: a fake Rasa (a tiny aiohttp app), agents, and clients of the real app."""

from __future__ import annotations

import dataclasses
import json
import time
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer, unused_port

from bot import rasa_auth
from bot.handoff.ticket import REPLY_PAYLOAD_KEY, Ticket, TranscriptLine
from bot.web import keys
from bot.web.agents import Agent, AgentDirectory, hash_password
from bot.web.app import SERVER_KWARGS, create_app
from bot.web.rasa_client import WEBHOOK_PATH
from bot.web.rate_limits import parse_limits
from bot.web.settings import Settings

#: A message FakeRasa answers with a hand-off ticket (reasons may follow: "转人工：complain_quality").
HANDOFF_TEXT = "转人工"
PASSWORDS = {"alice": "alice-password", "bob": "bob-password", "boss": "boss-password", "chief": "chief-password"}
RASA_SECRET = b"test-rasa-jwt-secret-0123456789abcdef"
IDENTITY_SECRET = b"test-identity-secret-0123456789abcdef"
TOKEN_HEADER = "X-Buyer-Token"
#: The environment the launcher gives the web service (its secrets), for settings_from_env.
SERVICE_ENV = {"XIAODIAN_WEB_SECRET": "s", "XIAODIAN_RASA_JWT_SECRET": RASA_SECRET.decode(),
               "XIAODIAN_IDENTITY_SECRET": IDENTITY_SECRET.decode()}


class FakeRasa:
    """Rasa's shop page channel and tracker API, enough for the web service: echoes, records events.

    Like the real one it wants the web service's JWT on every call, keeps each message's ``message_id``
    in its user event, and honours ``rewind``.
    """

    def __init__(self) -> None:
        self.events: Dict[str, List[Dict[str, Any]]] = defaultdict(list)
        self.received: List[Dict[str, Any]] = []
        self.url = ""
        #: True imitates Rasa whose action server is down: the message is taken, nothing is answered.
        self.silent = False
        #: True imitates a Rasa that is reachable but failing (5xx) after taking the message.
        self.failing = False
        self.refused_auth = 0

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._auth])
        app.router.add_post(WEBHOOK_PATH, self.webhook)
        app.router.add_get("/status", self.status)
        app.router.add_get("/conversations/{id}/tracker", self.tracker)
        app.router.add_post("/conversations/{id}/tracker/events", self.append)
        return app

    @web.middleware
    async def _auth(self, request: web.Request, handler):
        if not rasa_auth.bearer_is_valid(RASA_SECRET, request.headers.get("Authorization")):
            self.refused_auth += 1
            return web.json_response({"error": "NotAuthenticated"}, status=401)
        return await handler(request)

    async def status(self, request: web.Request) -> web.Response:
        return web.json_response({"model_id": "fake", "model_file": "fake.tar.gz"})

    def user_turns(self, sender: str) -> List[str]:
        """The user messages the conversation holds (rewound ones removed), as Rasa would replay them."""
        turns: List[str] = []
        for event in self.events[sender]:
            if event["event"] == "user":
                turns.append(event["text"])
            elif event["event"] == "rewind" and turns:
                turns.pop()
        return turns

    async def webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append(body)
        sender, text, now = body["sender"], body["message"], time.time()
        self.events[sender].append({"event": "user", "text": text, "timestamp": now, "metadata": body.get("metadata"),
                                    "message_id": body.get("message_id"),
                                    "parse_data": {"intent": {"name": "ask_size", "confidence": 0.9}}})
        if self.failing:
            return web.json_response({"error": "boom"}, status=500)
        if self.silent:
            return web.json_response([])
        reply = {"recipient_id": sender, "text": f"收到：{text}",
                 "buttons": [{"title": "看尺码表", "payload": "/ask_size_chart"}]}
        self.events[sender].append({"event": "bot", "text": reply["text"], "timestamp": now,
                                    "data": {"buttons": reply["buttons"]}})
        replies = [reply]
        if text.startswith(HANDOFF_TEXT):
            # As the actions do when a person must follow up: the ticket rides on the reply.
            reasons = [r for r in text[len(HANDOFF_TEXT):].lstrip("：").split(",") if r] or ["request_human"]
            replies.append({"recipient_id": sender, "custom": {REPLY_PAYLOAD_KEY: self.ticket(sender, reasons)}})
        return web.json_response(replies)

    @staticmethod
    def ticket(sender: str, reasons: List[str]) -> Dict[str, Any]:
        now = datetime.now(timezone.utc)
        ticket = Ticket(
            id=f"t-{sender[-8:]}", conversation_id=sender, buyer_id=sender, reasons=reasons,
            priority="high", summary=["买家要人工"], created_at=now, updated_at=now,
            transcript=[TranscriptLine(at=now, sender="bot", text="好的，帮您转人工")],
        )
        return json.loads(ticket.json())

    async def tracker(self, request: web.Request) -> web.Response:
        sender = request.match_info["id"]
        return web.json_response({"sender_id": sender, "slots": {}, "events": self.events[sender]})

    async def append(self, request: web.Request) -> web.Response:
        self.events[request.match_info["id"]].append(await request.json())
        return web.json_response({"sender_id": request.match_info["id"]})


@pytest.fixture
async def fake_rasa():
    rasa = FakeRasa()
    server = TestServer(rasa.app())
    await server.start_server()
    rasa.url = str(server.make_url("")).rstrip("/")
    yield rasa
    await server.close()


@pytest.fixture
def agents_file(tmp_path: Path) -> Path:
    path = tmp_path / "agents.yml"
    directory = AgentDirectory(path)
    directory.save(Agent("alice", "小美", hash_password(PASSWORDS["alice"])))
    directory.save(Agent("bob", "阿波", hash_password(PASSWORDS["bob"])))
    # Two supervisors: one may decide what the other asked for, never their own request.
    directory.save(Agent("boss", "老板", hash_password(PASSWORDS["boss"]), "supervisor"))
    directory.save(Agent("chief", "主管", hash_password(PASSWORDS["chief"]), "supervisor"))
    return path


#: Limits no test reaches by accident (the limits have tests of their own).
TEST_LIMITS = parse_limits({"XIAODIAN_LIMIT_BUYER_MESSAGES": "1000/minute", "XIAODIAN_LIMIT_ADDRESS_MESSAGES": "1000/minute",
                            "XIAODIAN_LIMIT_NEW_BUYERS": "1000/minute"})


def web_settings(rasa_url: str, tmp_path: Path, agents_file: Path, **changes: Any) -> Settings:
    settings = Settings(
        secret=b"test-secret",
        rasa_url=rasa_url,
        ticket_store_url=f"sqlite:///{tmp_path / 'tickets.sqlite'}",
        agents_file=agents_file,
        rasa_timeout=2.0,
        rasa_jwt_secret=RASA_SECRET,
        identity_secret=IDENTITY_SECRET,
        limits=TEST_LIMITS,
        recovery_interval_s=0.05,
        recovery_max_pause_s=0.5,
    )
    return dataclasses.replace(settings, **changes)


@pytest.fixture
async def make_client(tmp_path: Path, agents_file: Path):
    clients: List[TestClient] = []

    async def make(rasa_url: str, agents: Optional[Path] = None, clock=None, **changes: Any) -> TestClient:
        settings = web_settings(rasa_url, tmp_path, agents or agents_file, **changes)
        client = TestClient(TestServer(create_app(settings, clock=clock), **SERVER_KWARGS))
        await client.start_server()
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.close()


@pytest.fixture
async def client(make_client, fake_rasa: FakeRasa) -> TestClient:
    return await make_client(fake_rasa.url)


@pytest.fixture
def rasa_down_url() -> str:
    return f"http://127.0.0.1:{unused_port()}"


# ------------------------------------------------------------------ helpers used by the tests
async def sign_in(client: TestClient, name: str) -> Dict[str, str]:
    """Sign ``name`` in and return the Cookie header, leaving the client's jar empty (several agents, one client)."""
    response = await client.post(
        "/console/login", data={"name": name, "password": PASSWORDS[name]}, allow_redirects=False
    )
    assert response.status == 303, await response.text()
    cookie = response.cookies["xiaodian_session"].value
    client.session.cookie_jar.clear()
    return {"Cookie": f"xiaodian_session={cookie}"}


async def new_buyer(client: TestClient) -> Dict[str, str]:
    """What the widget does first: a session (buyer id and token)."""
    response = await client.post("/api/buyer/session", json={})
    assert response.status == 201, await response.text()
    return await response.json()


async def buyer_says(client: TestClient, text: str, identity: Optional[Dict[str, str]] = None,
                     **fields: Any) -> Dict[str, Any]:
    """One message of a buyer (a new one when ``identity`` is None), as the widget sends it."""
    identity = identity or await new_buyer(client)
    body = {"text": text, "product": "jk-down-01", "buyer_id": identity["buyer_id"], **fields}
    response = await client.post("/api/buyer/messages", json=body, headers={TOKEN_HEADER: identity["token"]})
    assert response.status == 200, await response.text()
    return await response.json()


def identity_of(answer: Dict[str, Any]) -> Dict[str, str]:
    return {"buyer_id": answer["buyer_id"], "token": answer["token"]}


async def history_of(client: TestClient, identity: Dict[str, str]) -> Dict[str, Any]:
    response = await client.get("/api/buyer/history", params={"buyer_id": identity["buyer_id"]},
                                headers={TOKEN_HEADER: identity["token"]})
    assert response.status == 200, await response.text()
    return await response.json()


async def open_widget(client: TestClient, identity: Dict[str, str], **kwargs: Any):
    """The buyer's socket, signed in with its first message, as the widget does."""
    ws = await client.ws_connect("/ws/buyer", **kwargs)
    await ws.send_json({"type": "auth", "buyer_id": identity["buyer_id"], "token": identity["token"]})
    ready = await ws.receive_json(timeout=2)
    assert ready == {"type": "ready"}, ready
    return ws


async def open_ticket(client: TestClient, buyer: Dict[str, str], reasons: Optional[List[str]] = None
                      ) -> Dict[str, Any]:
    """A message after which the assistant hands the buyer to a person (FakeRasa attaches the ticket, as the
    actions do); the ticket the web service opened from it."""
    await buyer_says(client, HANDOFF_TEXT + "：" + ",".join(reasons or []), buyer)
    ticket = client.app[keys.store_key].open_for_conversation(buyer["buyer_id"])
    assert ticket is not None, "the web service did not open the ticket from the assistant's reply"
    return json.loads(ticket.json())
