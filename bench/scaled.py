"""One Rasa instance against two, sharing PostgreSQL (tracker store) and Redis (lock store) behind the web
service's round-robin, and a check that no conversation was corrupted on the way."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, NamedTuple, Optional, Sequence, Tuple

import aiohttp

from bench import load, report
from bench.conversations import CONVERSATIONS
from bench.processes import MODEL, BenchStack, sum_over_tree
from bot.stack import stores
from bot.stack.stores import INSTALL_HINT  # noqa: F401 - the benchmark's hint for a missing store
from bot.web.buyer_client import MESSAGES_PATH
#: Buyers who send two messages at once (as buyers do: 在吗 and the question without waiting).
DOUBLE_SENDERS = 20
#: First problems of corrupted conversations kept for the report.
PROBLEMS_KEPT = 10


# ------------------------------------------------------------------ what this machine has
def missing() -> Optional[str]:
    """Why the benchmark cannot run on this machine (no PostgreSQL or Redis), or None when it can."""
    return stores.missing()


# ------------------------------------------------------------------ CPU use
_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds_of(stat: str) -> float:
    fields = stat[stat.rindex(")") + 2:].split()  # the name may hold spaces; fields from "state" on
    return sum(int(value) for value in fields[11:15]) / _TICKS  # utime stime cutime cstime


def cpu_seconds(pid: int) -> Optional[float]:
    """CPU seconds (user + system) of a process, its reaped children and its live descendants, from /proc
    (None once it has exited)."""
    return sum_over_tree(pid, _cpu_seconds_of, "stat")


def machine_cpu_seconds() -> float:
    """CPU seconds the whole machine spent busy (not idle or waiting for I/O) since boot, over all cores."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(values[:8]) - values[3] - values[4]) / _TICKS  # up to steal; minus idle and iowait


#: Keys of a CPU snapshot that are not servers of the stack.
LOAD_GENERATOR, MACHINE = "load generator", "machine"


def cpu_snapshot(stack: BenchStack) -> Dict[str, Optional[float]]:
    """CPU seconds so far of each server of the stack, of this process (the load generator, without its
    children, the servers) and of the whole machine."""
    snapshot = {stack.short_name(s.name): cpu_seconds(s.process.pid) for s in stack.services if s.process}
    snapshot[LOAD_GENERATOR] = sum(os.times()[:2])
    snapshot[MACHINE] = machine_cpu_seconds()
    return snapshot


def cores_used(before: Mapping[str, Optional[float]], after: Mapping[str, Optional[float]],
               elapsed: float) -> Dict[str, Optional[float]]:
    """Cores each server (and the machine) kept busy on average between two snapshots."""
    return {name: (after[name] - before[name]) / elapsed if after.get(name) is not None
            and before.get(name) is not None else None for name in before}


# ------------------------------------------------------------------ the scaled stack
def scaled_stack(instances: int, shared_locks: bool = True, model: Path = MODEL) -> BenchStack:
    """PostgreSQL, Redis, ``instances`` Rasa servers each with its own action server, and the web service
    taking them in turn, as ``make run-scaled`` starts them (bot.stack), on free ports in a temporary
    directory."""
    return BenchStack(model=model, stores="shared", instances=instances, shared_locks=shared_locks)


# ------------------------------------------------------------------ what the buyers sent
class Sent(NamedTuple):
    """One buyer message: its text, and whether its reply came back (then Rasa surely handled it; without
    a reply, after a timeout or a hand-off, it may or may not be in the tracker)."""

    text: str
    answered: bool


class ConversationLog:
    """Per conversation (buyer id), the groups of messages in the order they were sent; a group holds the
    messages sent at once, whose order between themselves nobody decides."""

    def __init__(self) -> None:
        self.groups: Dict[str, List[List[Sent]]] = defaultdict(list)
        #: First messages that never brought back a buyer id: their conversation cannot be looked up.
        self.untraceable = 0

    def add(self, buyer_id: Optional[str], group: List[Sent]) -> None:
        if buyer_id:
            self.groups[buyer_id].append(group)
        else:
            self.untraceable += 1


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


# ------------------------------------------------------------------ what the tracker store holds
def read_events(url: str, password: Optional[str] = None) -> Dict[str, List[Dict[str, Any]]]:
    """Every event of Rasa's SQL tracker store (table ``events``), per sender id, in the order stored (id)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url, future=True, connect_args={"password": password} if password else {})
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT id, sender_id, type_name, timestamp, data FROM events ORDER BY id")).mappings().all()
    finally:
        engine.dispose()
    events: Dict[str, List[Dict[str, Any]]] = defaultdict(list)
    for row in rows:
        events[row["sender_id"]].append(dict(row))
    return events


def _user_text(event: Mapping[str, Any]) -> Optional[str]:
    data = event.get("data")
    if isinstance(data, str):
        data = json.loads(data)
    return (data or {}).get("text")


def conversation_problems(groups: Sequence[Sequence[Sent]], events: Sequence[Mapping[str, Any]]) -> List[str]:
    """What is wrong with one conversation in the tracker store, given what its buyer sent.

    Args:
        groups: the messages in the order sent; a group holds messages sent at once (either order is right).
            Only the last group may hold messages without a reply (the buyer stopped after one).
        events: the conversation's rows of the ``events`` table in stored order (``type_name``,
            ``timestamp``, ``data`` as JSON text or a dict).

    Returns:
        One line per problem (empty when the conversation is intact): a user message missing, duplicated,
        unexpected or out of order; a user message not answered by the bot before the next one (two turns
        interleaved); a timestamp earlier than the one before it.
    """
    problems: List[str] = []
    for index in range(1, len(events)):
        before, now = events[index - 1].get("timestamp"), events[index].get("timestamp")
        if before is not None and now is not None and now < before:
            problems.append(f"event {index} ({events[index].get('type_name')}) is timed {before - now:.3f} s "
                            "before the one stored ahead of it")
    users = [index for index, event in enumerate(events) if event.get("type_name") == "user"]
    texts = [_user_text(events[index]) for index in users]
    ends = users[1:] + [len(events)]
    answered = [any(events[j].get("type_name") == "bot" for j in range(start + 1, end))
                for start, end in zip(users, ends)]

    position = 0
    for number, group in enumerate(groups, 1):
        sure = [sent.text for sent in group if sent.answered]
        maybe = [sent.text for sent in group if not sent.answered]
        if maybe and number != len(groups):
            raise ValueError("only the last group may hold messages without a reply")
        got = texts[position:position + len(group)] if not maybe else texts[position:]
        stored = Counter(got)
        lacking = Counter(sure) - stored
        spare = stored - Counter(sure) - Counter(maybe)
        if lacking or spare or (not maybe and len(got) != len(group)):
            shown = " | ".join(sent.text for sent in group)
            problems.append(f"turn {number} sent [{shown}] but the tracker has {got} there"
                            + (f" (missing {sorted(lacking.elements())})" if lacking else "")
                            + (f" (unexpected {sorted(spare.elements())})" if spare else ""))
            return problems  # the rest no longer lines up: one problem is enough to call it corrupted
        for offset, text in enumerate(got):
            if text in sure and not answered[position + offset]:
                problems.append(f"turn {number}: the user message {text!r} has no bot answer before the next "
                                "user message (turns interleaved)")
        position += len(got)
    if position < len(texts):
        problems.append(f"the tracker has user messages nobody sent after the last turn: {texts[position:]}")
    return problems


def check_integrity(log: ConversationLog,
                    events: Mapping[str, Sequence[Mapping[str, Any]]]) -> Dict[str, Any]:
    """Checks every conversation the buyers held against the tracker store.

    Returns:
        Counts (conversations, user messages and double sends checked, corrupted conversations, messages
        without a reply, untraceable first messages, conversations in the store nobody recorded) and the
        first problems found.
    """
    corrupted, problems = 0, []
    for buyer_id, groups in log.groups.items():
        found = conversation_problems(groups, events.get(buyer_id, []))
        if found:
            corrupted += 1
            problems += [f"{buyer_id}: {line}" for line in found][: max(0, PROBLEMS_KEPT - len(problems))]
    sent = [s for groups in log.groups.values() for group in groups for s in group]
    return {
        "conversations": len(log.groups),
        "user_messages": sum(1 for s in sent if s.answered),
        "double_sends": sum(1 for groups in log.groups.values() for group in groups if len(group) > 1),
        "without_reply": sum(1 for s in sent if not s.answered),
        "untraceable_first_messages": log.untraceable,
        "unrecorded_conversations": len(set(events) - set(log.groups)),
        "corrupted": corrupted,
        "problems": problems,
    }


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
