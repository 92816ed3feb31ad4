"""Soak with faults: buyers chat through the web service while Rasa, the action server and the web service
are each killed (SIGKILL, as a crash) and started again; then every message is accounted for.

Each buyer behaves as the shop page's widget does: every message has its own idempotency key, and a message
the service did not take (connection refused, a reset, a 5xx, a timeout) is sent again with the same key
until it is taken. At the end, after the last restart, the benchmark waits until no message waits for the
assistant, then reads the web service's chat log (what each buyer was shown) and Rasa's tracker store (what
the conversation holds) and counts:

- **sent**: messages the buyers sent (distinct keys) and how many the service took;
- **lost**: messages taken but never answered by the assistant nor given to a person;
- **duplicated**: messages the conversation holds more than once (rewound turns do not count), or shown
  to the buyer twice;
- **stranded buyers**: buyers given to a person who never asked for one, or still waiting at the end;
- **recovery**: how long the messages that had to wait were kept waiting (longest), and how long after
  the load stopped the last one was answered.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

import aiohttp

from bench import report
from bench.conversations import CONVERSATIONS
from bench.processes import MODEL, BenchStack
from bot.handoff.store import TicketStore
from bot.web.buyer_client import MESSAGES_PATH, SESSION_PATH, TOKEN_HEADER
from bot.web.chat_log import ANSWERED, QUEUED, ROUTED, SENDING, ChatLog

#: (seconds into the run, service killed, seconds it stays down).
FAULTS: List[Tuple[float, str, float]] = [(15.0, "actions-1", 3.0), (40.0, "rasa-1", 2.0), (70.0, "web", 2.0)]
QUICK_FAULTS: List[Tuple[float, str, float]] = [(6.0, "actions-1", 2.0), (16.0, "rasa-1", 1.0), (30.0, "web", 1.0)]
#: Buyers pause between messages as people do (bench/load.py THINK_S); faster, 30 buyers exceed what two
#: cores serve with the SQLite tracker store, and every wait would be the load's, not the faults'.
PAUSE_S = (1.0, 3.0)
#: How long a buyer keeps retrying one message before giving up (the widget retries a few times, then the
#: buyer does): far longer than any restart here.
GIVE_UP_S = 120.0
SETTLE_TIMEOUT_S = 180.0


@dataclass
class Buyer:
    """What one buyer sent: every key, and the keys the service took (answered 200)."""

    buyer_id: str
    keys: List[str] = field(default_factory=list)
    taken: List[str] = field(default_factory=list)
    texts: Dict[str, str] = field(default_factory=dict)


@dataclass
class Tally:
    buyers: List[Buyer] = field(default_factory=list)
    retries: int = 0
    retry_kinds: Counter = field(default_factory=Counter)
    given_up: int = 0
    queued_answers: int = 0
    latencies_ms: List[float] = field(default_factory=list)


async def _post_until_taken(session: aiohttp.ClientSession, url: str, body: Dict[str, Any],
                            headers: Dict[str, str], tally: Tally) -> Optional[Dict[str, Any]]:
    """Sends one message until the service takes it (200), retrying with the same key as the widget does."""
    deadline, pause = time.monotonic() + GIVE_UP_S, 0.5
    while time.monotonic() < deadline:
        try:
            async with session.post(url, json=body, headers=headers) as response:
                if response.status == 200:
                    return await response.json()
                kind = f"HTTP {response.status}"
                if response.status < 500 and response.status != 429:
                    tally.retry_kinds[f"refused {kind}"] += 1
                    return None
        except (aiohttp.ClientError, asyncio.TimeoutError, ConnectionError) as error:
            kind = type(error).__name__
        tally.retries += 1
        tally.retry_kinds[kind] += 1
        await asyncio.sleep(pause)
        pause = min(pause * 2, 4.0)
    tally.given_up += 1
    return None


async def _start_buyer(session: aiohttp.ClientSession, web_url: str, tally: Tally) -> Optional[Dict[str, str]]:
    deadline = time.monotonic() + GIVE_UP_S
    while time.monotonic() < deadline:
        try:
            async with session.post(web_url + SESSION_PATH, json={}) as response:
                if response.status == 201:
                    return await response.json()
        except (aiohttp.ClientError, asyncio.TimeoutError, ConnectionError):
            pass
        tally.retries += 1
        await asyncio.sleep(1.0)
    return None


async def _buyer(session: aiohttp.ClientSession, web_url: str, number: int, stop_at: float, tally: Tally) -> None:
    pauses = random.Random(number)
    await asyncio.sleep(pauses.uniform(0, PAUSE_S[1]))
    for conversation in itertools.islice(itertools.cycle(CONVERSATIONS), number % len(CONVERSATIONS), None):
        if time.monotonic() >= stop_at:
            return
        identity = await _start_buyer(session, web_url, tally)
        if identity is None:
            return
        buyer = Buyer(identity["buyer_id"])
        tally.buyers.append(buyer)
        for text in conversation.messages:
            if time.monotonic() >= stop_at:
                return
            key = secrets.token_hex(16)
            buyer.keys.append(key)
            buyer.texts[key] = text
            body = {"buyer_id": buyer.buyer_id, "text": text, "client_message_id": key}
            if conversation.product:
                body["product"] = conversation.product
            t0 = time.perf_counter()
            answer = await _post_until_taken(session, web_url + MESSAGES_PATH, body,
                                             {TOKEN_HEADER: identity["token"]}, tally)
            if answer is None:
                continue
            buyer.taken.append(key)
            identity["token"] = answer.get("token") or identity["token"]
            if answer.get("queued"):
                tally.queued_answers += 1
            else:
                tally.latencies_ms.append((time.perf_counter() - t0) * 1000)
            await asyncio.sleep(pauses.uniform(*PAUSE_S))


def _inject_faults(stack: BenchStack, faults: List[Tuple[float, str, float]], started: float,
                   log: List[Dict[str, Any]]) -> None:
    """Runs in a thread: kills each service at its time, waits, starts it again, notes when it answered."""
    for at, name, down_s in faults:
        time.sleep(max(0.0, started + at - time.monotonic()))
        killed = time.monotonic()
        stack.kill(name)
        time.sleep(down_s)
        ready_s = stack.restart(name)
        log.append({"service": name, "killed_at_s": killed - started, "down_s": time.monotonic() - killed,
                    "back_at_s": time.monotonic() - started, "start_s": ready_s})


def _held_turns(events: List[Dict[str, Any]]) -> List[Optional[str]]:
    """The message ids of the user turns the conversation holds (a rewind undoes the turn before it)."""
    turns: List[Optional[str]] = []
    for event in events:
        if event.get("event") == "user":
            turns.append(event.get("message_id"))
        elif event.get("event") == "rewind" and turns:
            turns.pop()
    return turns


def _settle(chat_log: ChatLog, timeout_s: float) -> Optional[float]:
    """Seconds until no message waits for the assistant, or None if some still wait after ``timeout_s``."""
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        if chat_log.count(QUEUED) == 0 and chat_log.count(SENDING) == 0:
            return time.monotonic() - started
        time.sleep(0.5)
    return None


def _account(stack: BenchStack, tally: Tally) -> Dict[str, Any]:
    import requests

    url = stack.shop_db_url
    chat_log, tickets = ChatLog(url), TicketStore(url)
    lost = duplicated_turns = duplicated_lines = stranded = handed_off = 0
    examples: List[str] = []
    waits: List[float] = []
    states: Counter = Counter()
    http = requests.Session()
    try:
        for buyer in tally.buyers:
            events = http.get(f"{stack.rasa_url}/conversations/{buyer.buyer_id}/tracker",
                              headers=stack.rasa_headers(), timeout=60).json().get("events") or []
            held = Counter(_held_turns(events))
            lines = chat_log.lines(buyer.buyer_id, limit=10_000)
            shown = Counter(line.message_key for line in lines if line.sender == "buyer")
            waiting = False
            for key in buyer.taken:
                inbound = chat_log.inbound(buyer.buyer_id, key)
                state = inbound.state if inbound else "missing"
                states[state] += 1
                if state == ROUTED:
                    continue
                if inbound and inbound.done_at and inbound.attempts > 1:
                    waits.append((inbound.done_at - inbound.received_at).total_seconds())
                if state != ANSWERED or held[key] == 0:
                    lost += 1
                    waiting = waiting or state in (QUEUED, SENDING)
                    if len(examples) < 10:
                        examples.append(f"lost {buyer.buyer_id} {buyer.texts[key]!r}: {state}, held {held[key]}")
                if held[key] > 1:
                    duplicated_turns += 1
                    if len(examples) < 10:
                        examples.append(f"twice in the tracker {buyer.buyer_id} {buyer.texts[key]!r}")
                if shown[key] > 1:
                    duplicated_lines += 1
            open_ticket = tickets.open_for_conversation(buyer.buyer_id) is not None
            handed_off += open_ticket
            # Nobody in these chats asks for a person: a ticket or a wait left over strands the buyer.
            if open_ticket or waiting:
                stranded += 1
    finally:
        chat_log.close()
        tickets.close()
    sent = sum(len(b.keys) for b in tally.buyers)
    taken = sum(len(b.taken) for b in tally.buyers)
    return {"buyers": len(tally.buyers), "sent": sent, "taken": taken, "not_taken": sent - taken, "lost": lost,
            "duplicated_turns": duplicated_turns, "duplicated_lines": duplicated_lines, "stranded_buyers": stranded,
            "handed_off": handed_off, "states": dict(states), "examples": examples,
            "waited_s": report.percentiles([w * 1000 for w in waits]) if waits else None,
            "longest_wait_s": max(waits, default=0.0)}


def measure(buyers: int = 30, duration_s: float = 90.0, faults: Optional[List[Tuple[float, str, float]]] = None,
            model=MODEL) -> Dict[str, Any]:
    """One soak run on a stack with local stores (SQLite tracker, so a restarted Rasa keeps the chats)."""
    faults = faults if faults is not None else FAULTS
    result: Dict[str, Any] = {"buyers": buyers, "duration_s": duration_s, "faults_planned": faults}
    with BenchStack(model=model, stores="local") as stack:
        stack.wait_ready()
        tally, fault_log = Tally(), []
        started = time.monotonic()
        injector = threading.Thread(target=_inject_faults, args=(stack, faults, started, fault_log), daemon=True)
        injector.start()

        async def run() -> None:
            timeout = aiohttp.ClientTimeout(total=30)
            async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=buyers), timeout=timeout) as http:
                stop_at = time.monotonic() + duration_s
                await asyncio.gather(*(_buyer(http, stack.web_url, n, stop_at, tally) for n in range(buyers)))

        asyncio.run(run())
        injector.join()
        chat_log = ChatLog(stack.shop_db_url)
        try:
            settle_s = _settle(chat_log, SETTLE_TIMEOUT_S)
        finally:
            chat_log.close()
        result.update({
            "faults": fault_log,
            "retries": tally.retries,
            "retry_kinds": dict(tally.retry_kinds),
            "given_up": tally.given_up,
            "answered_later": tally.queued_answers,
            "latency_ms": report.percentiles(tally.latencies_ms),
            # After the load stopped, until no message waited for the assistant (None: some never answered).
            "settled_after_load_s": settle_s,
            **_account(stack, tally),
        })
    return result


HEADER = ["buyers", "sent", "taken", "lost", "duplicated", "stranded buyers", "answered later", "widget retries",
          "longest wait s", "settled after load s"]


def rows(result: Dict[str, Any]) -> List[List[Any]]:
    return [[result["buyers"], result["sent"], result["taken"], result["lost"],
             result["duplicated_turns"] + result["duplicated_lines"], result["stranded_buyers"],
             result["answered_later"], result["retries"], result["longest_wait_s"],
             "never" if result["settled_after_load_s"] is None else result["settled_after_load_s"]]]


FAULT_HEADER = ["service killed", "at s", "down s", "start s (until it answered)"]


def fault_rows(result: Dict[str, Any]) -> List[List[Any]]:
    return [[f["service"], f["killed_at_s"], f["down_s"], f["start_s"]] for f in result["faults"]]
