"""Full-stack load: simulated buyers chat through the web service's buyer endpoint at fixed concurrency."""

from __future__ import annotations

import asyncio
import itertools
import random
import secrets
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import aiohttp

from bench import report
from bench.conversations import CONVERSATIONS
from bench.processes import MODEL, BenchStack
from bot.web.buyer_client import MESSAGES_PATH, SESSION_PATH, TOKEN_HEADER

REQUEST_TIMEOUT_S = 60
# A paced buyer reads the reply and types the next message: a pause drawn from this range (seconds).
THINK_S = (1.0, 3.0)


class Tally:
    """What the buyers saw at one concurrency level."""

    def __init__(self) -> None:
        self.latencies_ms: List[float] = []
        self.errors = 0
        self.handed_off = 0
        self.conversations = 0
        self.error_kinds: Dict[str, int] = {}

    def error(self, kind: str) -> None:
        self.errors += 1
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1


async def start_buyer(session: Any, web_url: str) -> Optional[Dict[str, str]]:
    """A new shop-page buyer (POST /api/buyer/session): {buyer_id, token}, or None when refused."""
    async with session.post(web_url + SESSION_PATH, json={}) as response:
        payload = await response.json(content_type=None)
        return payload if response.status == 201 else None


def message_request(web_url: str, identity: Dict[str, str], text: str, product: Optional[str] = None
                    ) -> Tuple[str, Dict[str, Any], Dict[str, str]]:
    """(url, JSON body, headers) of one buyer message, as the widget sends it (its own idempotency key)."""
    body: Dict[str, Any] = {"buyer_id": identity["buyer_id"], "text": text, "client_message_id": secrets.token_hex(16)}
    if product:
        body["product"] = product
    return web_url + MESSAGES_PATH, body, {TOKEN_HEADER: identity["token"]}


async def _buyer(session: Any, web_url: str, number: int, stop_at: float, tally: Tally,
                 paced: bool = False) -> None:
    # Each buyer runs the templates in turn (shifted by its number), a new buyer id per conversation.
    # Unpaced, there is no pause between messages: a closed loop that measures what the stack can take.
    # Paced, the buyer pauses THINK_S between messages (seeded by its number: the same run each time),
    # as people do, which measures what a buyer waits when that many chat at once.
    templates = itertools.islice(itertools.cycle(CONVERSATIONS), number % len(CONVERSATIONS), None)
    pauses = random.Random(number)
    if paced:  # buyers do not all arrive in the same millisecond
        await asyncio.sleep(pauses.uniform(0, THINK_S[1]))
    for conversation in templates:
        if time.perf_counter() >= stop_at:
            return
        try:
            identity = await start_buyer(session, web_url)
        except (asyncio.TimeoutError, aiohttp.ClientError, ValueError) as error:
            tally.error(f"session {type(error).__name__}")
            return
        if identity is None:
            tally.error("session refused")
            return
        for index, text in enumerate(conversation.messages):
            if paced and index:
                await asyncio.sleep(pauses.uniform(*THINK_S))
            if time.perf_counter() >= stop_at:
                return
            url, body, headers = message_request(web_url, identity, text, conversation.product)
            t0 = time.perf_counter()
            try:
                async with session.post(url, json=body, headers=headers) as response:
                    payload = await response.json(content_type=None)
                    status = response.status
            except asyncio.TimeoutError:
                tally.error("timeout")
                break
            except aiohttp.ClientError as error:
                tally.error(type(error).__name__)
                break
            if status != 200 or not payload.get("replies"):
                tally.error(f"HTTP {status}" if status != 200 else "no reply")
                break
            tally.latencies_ms.append((time.perf_counter() - t0) * 1000)
            identity = {"buyer_id": payload["buyer_id"], "token": payload["token"]}  # the renewed token
            if payload.get("handed_off"):
                tally.handed_off += 1  # the web service gave the chat to a person (Rasa slow or down?)
                break
        tally.conversations += 1


async def _level(web_url: str, buyers: int, duration_s: float, paced: bool = False) -> Tuple:
    tally = Tally()
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=buyers), timeout=timeout) as session:
        started = time.perf_counter()
        stop_at = started + duration_s
        await asyncio.gather(*(_buyer(session, web_url, n, stop_at, tally, paced)
                               for n in range(buyers)))
        elapsed = time.perf_counter() - started
    return tally, elapsed


def measure(levels: List[int], duration_s: float, model: Path = MODEL,
            paced_levels: Tuple[int, ...] = ()) -> Dict[str, Any]:
    """One stack, every concurrency level in turn for duration_s each (unpaced), then paced_levels with
    buyers pausing THINK_S between messages; RSS read after each level."""
    results: Dict[str, Any] = {"model": str(model), "duration_s": duration_s, "think_s": THINK_S, "levels": []}
    with BenchStack(model=model) as stack:
        stack.wait_ready()
        asyncio.run(_level(stack.web_url, 1, 2))  # warm up every server's first-call paths
        runs = [(buyers, False) for buyers in levels] + [(buyers, True) for buyers in paced_levels]
        for buyers, paced in runs:
            tally, elapsed = asyncio.run(_level(stack.web_url, buyers, duration_s, paced))
            results["levels"].append({
                "buyers": buyers,
                "paced": paced,
                "elapsed_s": elapsed,
                "messages": len(tally.latencies_ms),
                "messages_per_s": len(tally.latencies_ms) / elapsed,
                "errors": tally.errors,
                "error_kinds": tally.error_kinds,
                "handed_off": tally.handed_off,
                "latency_ms": report.percentiles(tally.latencies_ms),
                "rss_mb": stack.rss(),
                "samples_ms": tally.latencies_ms,
            })
    return results


HEADER = ["buyers", "pauses", "messages", "msg/s", "p50 ms", "p95 ms", "p99 ms", "errors", "handed off",
          "RSS rasa MB", "RSS actions MB", "RSS web MB"]


def rows(result: Dict[str, Any]) -> List[List[Any]]:
    """Table rows, one per concurrency level."""
    out = []
    for level in result["levels"]:
        lat, rss = level["latency_ms"], level["rss_mb"]
        pauses = "{:.0f}-{:.0f} s".format(*result.get("think_s", THINK_S)) if level.get("paced") else "none"
        out.append([level["buyers"], pauses, level["messages"], level["messages_per_s"], lat["p50"], lat["p95"],
                    lat["p99"], level["errors"], level["handed_off"], rss.get("rasa"), rss.get("actions"),
                    rss.get("web")])
    return out


def plot(result: Dict[str, Any], name: str) -> Path:
    """Latency percentiles and throughput against the number of buyers."""
    plt = report.pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    unpaced = [level for level in result["levels"] if not level.get("paced")]
    paced = [level for level in result["levels"] if level.get("paced")]
    buyers = [level["buyers"] for level in unpaced]
    for key in ("p50", "p95", "p99"):
        left.plot(buyers, [level["latency_ms"][key] for level in unpaced], marker="o", label=f"{key}, no pause")
    if paced:
        left.plot([level["buyers"] for level in paced], [level["latency_ms"]["p95"] for level in paced],
                  marker="s", linestyle="--", label="p95, buyers pause {:.0f}-{:.0f} s".format(*THINK_S))
    left.set_xscale("log")
    left.set_yscale("log")
    left.set_xlabel("concurrent buyers")
    left.set_ylabel("reply latency (ms)")
    left.legend()
    left.grid(True, alpha=0.3)
    right.bar([str(b) for b in buyers], [level["messages_per_s"] for level in unpaced])
    right.set_xlabel("concurrent buyers")
    right.set_ylabel("messages per second")
    for ax in (left, right):
        ax.set_title("Full stack through /api/buyer/messages")
    path = report.figure_path(name)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
