"""Fixtures for the web service: a fake Rasa (a tiny aiohttp app), agents, and clients of the real app."""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer, unused_port

from bot.handoff.ticket import Ticket, TranscriptLine
from bot.web.agents import Agent, AgentDirectory, hash_password
from bot.web.app import create_app
from bot.web.settings import Settings

ACTION_TOKEN = "test-action-token"
PASSWORDS = {"alice": "alice-password", "bob": "bob-password"}


class FakeRasa:
    """Rasa's REST webhook and tracker API, enough for the web service: echoes, records events."""

    def __init__(self) -> None:
        self.events: Dict[str, List[Dict[str, Any]]] = defaultdict(list)
        self.received: List[Dict[str, Any]] = []
        self.url = ""
        #: True imitates Rasa whose action server is down: the message is taken, nothing is answered.
        self.silent = False

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/webhooks/rest/webhook", self.webhook)
        app.router.add_get("/conversations/{id}/tracker", self.tracker)
        app.router.add_post("/conversations/{id}/tracker/events", self.append)
        return app

    async def webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received.append(body)
        sender, text, now = body["sender"], body["message"], time.time()
        self.events[sender].append({"event": "user", "text": text, "timestamp": now, "metadata": body.get("metadata"),
                                    "parse_data": {"intent": {"name": "ask_size", "confidence": 0.9}}})
        if self.silent:
            return web.json_response([])
        reply = {"recipient_id": sender, "text": f"收到：{text}",
                 "buttons": [{"title": "看尺码表", "payload": "/ask_size_chart"}]}
        self.events[sender].append({"event": "bot", "text": reply["text"], "timestamp": now,
                                    "data": {"buttons": reply["buttons"]}})
        return web.json_response([reply])

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
    return path


@pytest.fixture
async def make_client(tmp_path: Path, agents_file: Path):
    clients: List[TestClient] = []

    async def make(rasa_url: str, agents: Optional[Path] = None) -> TestClient:
        settings = Settings(
            secret=b"test-secret",
            rasa_url=rasa_url,
            ticket_store_url=f"sqlite:///{tmp_path / 'tickets.sqlite'}",
            agents_file=agents or agents_file,
            action_token=ACTION_TOKEN,
            rasa_timeout=2.0,
        )
        client = TestClient(TestServer(create_app(settings)))
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


async def buyer_says(client: TestClient, text: str, identity: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
    body = {"text": text, "product": "jk-down-01", **(identity or {})}
    response = await client.post("/api/buyer/messages", json=body)
    assert response.status == 200, await response.text()
    return await response.json()


def identity_of(answer: Dict[str, Any]) -> Dict[str, str]:
    return {"buyer_id": answer["buyer_id"], "token": answer["token"]}


async def open_ticket(client: TestClient, buyer_id: str, reasons: Optional[List[str]] = None) -> Dict[str, Any]:
    """What the action server does when a person must follow up."""
    now = datetime.now(timezone.utc)
    ticket = Ticket(
        id=f"t-{buyer_id[-8:]}", conversation_id=buyer_id, buyer_id=buyer_id, reasons=reasons or ["request_human"],
        priority="high", summary=["买家要人工"], created_at=now, updated_at=now,
        transcript=[TranscriptLine(at=now, sender="bot", text="好的，帮您转人工")],
    )
    response = await client.post(
        "/api/tickets", data=ticket.json(), headers={"Authorization": f"Bearer {ACTION_TOKEN}",
                                                      "Content-Type": "application/json"}
    )
    assert response.status == 201, await response.text()
    return await response.json()
