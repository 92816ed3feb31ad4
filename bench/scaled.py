"""One Rasa instance against two, sharing PostgreSQL (tracker store) and Redis (lock store) behind the web
service's round-robin, and a check that no conversation was corrupted on the way."""

from __future__ import annotations

import asyncio
import itertools
import os
import time
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

import aiohttp

from bench import load, report
from bench.conversations import CONVERSATIONS
from bench.integrity import ConversationLog, Sent, check_integrity, read_events
from bench.processes import LOAD_GENERATOR, MACHINE, MODEL, BenchStack, cores_used, cpu_snapshot
from bot.stack import stores
from bot.stack.stores import INSTALL_HINT  # noqa: F401 - the benchmark's hint for a missing store
from bot.web.buyer_client import MESSAGES_PATH
#: Buyers who send two messages at once (as buyers do: 在吗 and the question without waiting).
DOUBLE_SENDERS = 20


# ------------------------------------------------------------------ what this machine has
def missing() -> Optional[str]:
    """Why the benchmark cannot run on this machine (no PostgreSQL or Redis), or None when it can."""
    return stores.missing()


# ------------------------------------------------------------------ the scaled stack
def scaled_stack(instances: int, shared_locks: bool = True, model: Path = MODEL) -> BenchStack:
    """PostgreSQL, Redis, ``instances`` Rasa servers each with its own action server, and the web service
    taking them in turn, as ``make run-scaled`` starts them (bot.stack), on free ports in a temporary
    directory."""
    return BenchStack(model=model, stores="shared", instances=instances, shared_locks=shared_locks)


# ------------------------------------------------------------------ what the buyers sent
def _answered(status: Optional[int], payload: Any) -> bool:
    return (status == 200 and isinstance(payload, dict) and bool(payload.get("replies"))
            and not payload.get("handed_off"))


class _RecordedResponse:
    def __init__(self, response: aiohttp.ClientResponse, body: Dict[str, Any], log: ConversationLog) -> None:
        self._response, self._body, self._log = response, body, log
        self.status = response.status
        self.recorded = False

    def record(self, payload: Any) -> None:
        if not self.recorded:
            self.recorded = True
            given = payload.get("buyer_id") if isinstance(payload, dict) else None
            buyer_id = self._body.get("buyer_id") or given
            self._log.add(buyer_id, [Sent(self._body["text"], _answered(self.status, payload))])

    async def json(self, **kwargs: Any) -> Any:
        try:
            payload = await self._response.json(**kwargs)
        except BaseException:
            self.record(None)
            raise
        self.record(payload)
        return payload


class _RecordedPost:
    def __init__(self, session: aiohttp.ClientSession, url: str, body: Dict[str, Any], log: ConversationLog,
                 headers: Optional[Dict[str, str]] = None):
        self._request = session.post(url, json=body, headers=headers)
        self._body, self._log = body, log
        self._response: Optional[_RecordedResponse] = None

    async def __aenter__(self) -> _RecordedResponse:
        try:
            response = await self._request.__aenter__()
        except BaseException:
            self._log.add(self._body.get("buyer_id"), [Sent(self._body["text"], False)])
            raise
        self._response = _RecordedResponse(response, self._body, self._log)
        return self._response

    async def __aexit__(self, *exc: Any) -> Any:
        if self._response is not None:
            self._response.record(None)  # no-op when json() recorded it
        return await self._request.__aexit__(*exc)


class RecordingSession:
    """Stands in for the aiohttp session of bench/load.py's buyers (which call ``session.post(url, json=...)``
    and ``response.json()``) and notes each message in a ConversationLog: the same load generator as the
    `stack` benchmark, with a record of what each conversation sent."""

    def __init__(self, session: aiohttp.ClientSession, log: ConversationLog) -> None:
        self._session, self._log = session, log

    def post(self, url: str, json: Dict[str, Any], headers: Optional[Dict[str, str]] = None) -> Any:
        if not url.endswith(MESSAGES_PATH):  # a new buyer's session: nothing to record
            return self._session.post(url, json=json, headers=headers)
        return _RecordedPost(self._session, url, json, self._log, headers)


async def _load_level(web_url: str, buyers: int, duration_s: float, log: ConversationLog) -> Tuple:
    """bench/load.py's level (its buyers, its timeout), each message recorded."""
    tally = load.Tally()
    timeout = aiohttp.ClientTimeout(total=load.REQUEST_TIMEOUT_S)
    connector = aiohttp.TCPConnector(limit=buyers)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        recording = RecordingSession(session, log)
        started = time.perf_counter()
        stop_at = started + duration_s
        await asyncio.gather(*(load._buyer(recording, web_url, n, stop_at, tally)
                               for n in range(buyers)))
        elapsed = time.perf_counter() - started
    return tally, elapsed


async def _say(session: aiohttp.ClientSession, web_url: str, identity: Dict[str, str], text: str,
               product: Optional[str], tally: load.Tally) -> Tuple[Optional[int], Any]:
    url, body, headers = load.message_request(web_url, identity, text, product)
    t0 = time.perf_counter()
    try:
        async with session.post(url, json=body, headers=headers) as response:
            payload = await response.json(content_type=None)
            status = response.status
    except asyncio.TimeoutError:
        tally.error("timeout")
        return None, None
    except (aiohttp.ClientError, ValueError) as error:
        tally.error(type(error).__name__)
        return None, None
    if _answered(status, payload):
        tally.latencies_ms.append((time.perf_counter() - t0) * 1000)
    elif status != 200:
        tally.error(f"HTTP {status}")
    elif isinstance(payload, dict) and payload.get("handed_off"):
        tally.handed_off += 1
    else:
        tally.error("no reply")
    return status, payload


async def _double_sender(session: aiohttp.ClientSession, web_url: str, number: int, stop_at: float,
                         log: ConversationLog, tally: load.Tally) -> None:
    # The scripted conversations again, but after the first message two at a time, without waiting for
    # the answer in between: round-robin sends the two to different instances, and only the shared lock
    # store keeps Rasa from handling both turns of one conversation at once.
    templates = itertools.islice(itertools.cycle(CONVERSATIONS), number % len(CONVERSATIONS), None)
    for conversation in templates:
        if time.perf_counter() >= stop_at:
            return
        product = conversation.product
        first, rest = conversation.messages[0], conversation.messages[1:]
        try:
            identity = await load.start_buyer(session, web_url)
        except (asyncio.TimeoutError, aiohttp.ClientError, ValueError) as error:
            tally.error(f"session {type(error).__name__}")
            continue
        if identity is None:
            tally.error("session refused")
            continue
        buyer_id = identity["buyer_id"]
        status, payload = await _say(session, web_url, identity, first, product, tally)
        log.add(buyer_id, [Sent(first, _answered(status, payload))])
        if not _answered(status, payload):
            continue
        for start in range(0, len(rest), 2):
            pair = rest[start:start + 2]
            answers = await asyncio.gather(*(_say(session, web_url, identity, text, product, tally)
                                             for text in pair))
            group = [Sent(text, _answered(*answer)) for text, answer in zip(pair, answers)]
            log.add(buyer_id, group)
            if not all(sent.answered for sent in group):
                break
        tally.conversations += 1


async def _double_send_level(web_url: str, buyers: int, duration_s: float, log: ConversationLog) -> Tuple:
    tally = load.Tally()
    timeout = aiohttp.ClientTimeout(total=load.REQUEST_TIMEOUT_S)
    connector = aiohttp.TCPConnector(limit=2 * buyers)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        started = time.perf_counter()
        stop_at = started + duration_s
        await asyncio.gather(*(_double_sender(session, web_url, n, stop_at, log, tally) for n in range(buyers)))
        elapsed = time.perf_counter() - started
    return tally, elapsed


# ------------------------------------------------------------------ the measurement
def _level_result(buyers: int, tally: load.Tally, elapsed: float, rss: Dict[str, Optional[float]],
                  cores: Dict[str, Optional[float]]) -> Dict[str, Any]:
    return {
        "buyers": buyers,
        "elapsed_s": elapsed,
        "messages": len(tally.latencies_ms),
        "messages_per_s": len(tally.latencies_ms) / elapsed,
        "errors": tally.errors,
        "error_kinds": tally.error_kinds,
        "handed_off": tally.handed_off,
        "latency_ms": report.percentiles(tally.latencies_ms),
        "rss_mb": rss,
        "cpu_cores": cores,
    }


def run_stack(instances: int, levels: Iterable[int], duration_s: float, double_send_s: float,
              shared_locks: bool = True, model: Path = MODEL) -> Dict[str, Any]:
    """One scaled stack: the load levels, then the double senders, then the integrity check."""
    log = ConversationLog()
    result: Dict[str, Any] = {"instances": instances, "shared_locks": shared_locks, "levels": []}
    with scaled_stack(instances, shared_locks, model) as stack:
        stack.wait_ready()
        result["ready_s"] = time.perf_counter() - stack.started_at
        asyncio.run(_load_level(stack.web_url, 1, 2, log))  # warm up every server's first-call paths
        for buyers in levels:
            before = cpu_snapshot(stack)
            tally, elapsed = asyncio.run(_load_level(stack.web_url, buyers, duration_s, log))
            cores = cores_used(before, cpu_snapshot(stack), elapsed)
            result["levels"].append(_level_result(buyers, tally, elapsed, stack.rss(), cores))
        before = cpu_snapshot(stack)
        tally, elapsed = asyncio.run(_double_send_level(stack.web_url, DOUBLE_SENDERS, double_send_s, log))
        cores = cores_used(before, cpu_snapshot(stack), elapsed)
        result["double_send"] = _level_result(DOUBLE_SENDERS, tally, elapsed, stack.rss(), cores)
        result["integrity"] = check_integrity(log, read_events(stack.tracker_db_url, stack.postgres.password()))
    return result


def measure(levels: List[int], duration_s: float, double_send_s: float, model: Path = MODEL,
            control: bool = True) -> Dict[str, Any]:
    """One instance, then two, each on a fresh stack; then (control) two with per-instance lock stores."""
    results: Dict[str, Any] = {"model": str(model), "cores": os.cpu_count(), "duration_s": duration_s,
                               "double_send_s": double_send_s, "runs": []}
    for instances in (1, 2):
        results["runs"].append(run_stack(instances, levels, duration_s, double_send_s, model=model))
    if control:
        results["control"] = run_stack(2, [], duration_s, double_send_s, shared_locks=False, model=model)
    return results


# ------------------------------------------------------------------ tables and plot
THROUGHPUT_HEADER = ["buyers", "msg/s 1", "msg/s 2", "2 / 1", "p50 ms 1", "p50 ms 2", "p95 ms 1", "p95 ms 2",
                     "p99 ms 1", "p99 ms 2", "failed 1", "failed 2"]


def throughput_rows(result: Dict[str, Any]) -> List[List[Any]]:
    """One row per load level, and one for the double senders: one instance against two."""
    one, two = result["runs"]
    pairs = [(str(a["buyers"]), a, b) for a, b in zip(one["levels"], two["levels"])]
    pairs.append((f"{DOUBLE_SENDERS} double senders", one["double_send"], two["double_send"]))
    return [[label, a["messages_per_s"], b["messages_per_s"],
             report.ratio(b["messages_per_s"], a["messages_per_s"]),
             *(run["latency_ms"][key] for key in ("p50", "p95", "p99") for run in (a, b)),
             a["errors"] + a["handed_off"], b["errors"] + b["handed_off"]]
            for label, a, b in pairs]


def process_rows(result: Dict[str, Any]) -> Tuple[List[str], List[List[Any]]]:
    """Per process, one instance against two, at the last load level: resident memory and the cores it kept
    busy; then the whole stack, the load generator, and the rest of the machine (other work on it)."""
    last = [run["levels"][-1] if run["levels"] else run["double_send"] for run in result["runs"]]
    names = list(dict.fromkeys([name for level in last for name in level["rss_mb"]]))
    rows = [[name, *(level["rss_mb"].get(name, "-") for level in last),
             *(level["cpu_cores"].get(name, "-") for level in last)] for name in names]
    stack = [sum(v or 0 for k, v in level["cpu_cores"].items() if k not in (LOAD_GENERATOR, MACHINE))
             for level in last]
    memory = [sum(v or 0 for v in level["rss_mb"].values()) for level in last]
    rows.append(["all of the stack", *memory, *stack])
    generator = [level["cpu_cores"][LOAD_GENERATOR] for level in last]
    rows.append(["load generator (this benchmark)", "", "", *generator])
    others = [level["cpu_cores"][MACHINE] - ours - gen for level, ours, gen in zip(last, stack, generator)]
    rows.append(["other work on the machine", "", "", *others])
    header = ["process", "RSS MB, 1 instance", "RSS MB, 2 instances", "cores busy, 1 instance",
              "cores busy, 2 instances"]
    return header, rows


INTEGRITY_HEADER = ["stack", "conversations", "user messages", "double sends", "corrupted", "without reply",
                    "untraceable", "unrecorded in store"]


def integrity_rows(result: Dict[str, Any]) -> List[List[Any]]:
    """The integrity check of each stack (and of the control, whose lock stores are not shared)."""
    runs = [(f"{run['instances']} instance{'s' if run['instances'] > 1 else ''}, Redis lock store", run)
            for run in result["runs"]]
    if result.get("control"):
        runs.append(("2 instances, in-memory lock stores (control)", result["control"]))
    return [[label, check["conversations"], check["user_messages"], check["double_sends"], check["corrupted"],
             check["without_reply"], check["untraceable_first_messages"], check["unrecorded_conversations"]]
            for label, check in ((label, run["integrity"]) for label, run in runs)]


def plot(result: Dict[str, Any], name: str) -> Path:
    """Messages per second and p50/p95 latency per level, one instance against two."""
    plt = report.pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    one, two = result["runs"]
    labels = [str(level["buyers"]) for level in one["levels"]]
    positions = range(len(labels))
    width = 0.38
    styles = ((-width / 2, one, "1 instance", "C0"), (width / 2, two, "2 instances", "C1"))
    for shift, run, label, colour in styles:
        left.bar([p + shift for p in positions], [level["messages_per_s"] for level in run["levels"]], width,
                 label=label, color=colour)
        for key, style in (("p50", "-"), ("p95", "--")):
            right.plot(labels, [level["latency_ms"][key] for level in run["levels"]], style, marker="o",
                       color=colour, label=f"{label} {key}")
    # Head room above the bars for the legend.
    left.set_ylim(0, 1.3 * max(level["messages_per_s"] for run in (one, two) for level in run["levels"]))
    left.set_xticks(list(positions))
    left.set_xticklabels(labels)
    left.set_xlabel("concurrent buyers")
    left.set_ylabel("messages per second")
    right.set_xlabel("concurrent buyers")
    right.set_ylabel("reply latency (ms)")
    right.set_yscale("log")
    for ax in (left, right):
        ax.legend()
        ax.grid(True, alpha=0.3)
        ax.set_title(f"Rasa on PostgreSQL + Redis ({result['cores']} cores)")
    path = report.figure_path(name)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
