"""NLU latency: parse the held-out test messages in process (Agent.parse_message) and over HTTP (/model/parse)."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import Any, Dict, List

import aiohttp

from bench import report
from bench.processes import MODEL, REPO_DIR, BenchStack
from bot.trainer.nlu_files import read_examples

TEST_SET = REPO_DIR / "tests" / "nlu" / "test_nlu.yml"
WARM_UP = 10  # first parses build TF graphs and caches: not what a buyer waits for later


def test_messages(limit: int = 0) -> List[str]:
    """The texts of tests/nlu/test_nlu.yml, in file order (a fixed set; the first `limit` when given)."""
    texts = [text for text, _ in read_examples(TEST_SET)]
    return texts[:limit] if limit else texts


async def _in_process(model: Path, texts: List[str]) -> Dict[str, Any]:
    from rasa.core.agent import Agent
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    # Rasa logs every parse at debug level by default: printing 500 lines would be timed too.
    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)
    started = time.perf_counter()
    agent = Agent.load(str(model))
    load_s = time.perf_counter() - started
    for text in texts[:WARM_UP]:
        await agent.parse_message(text)
    samples = []
    for text in texts:
        t0 = time.perf_counter()
        await agent.parse_message(text)
        samples.append((time.perf_counter() - t0) * 1000)
    return {"load_s": load_s, "samples_ms": samples}


async def _over_http(base_url: str, texts: List[str], headers: Dict[str, str]) -> Dict[str, Any]:
    samples = []
    # One keep-alive connection, like a client that parses message after message.
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1)) as session:
        for i, text in enumerate(texts[:WARM_UP] + texts):
            t0 = time.perf_counter()
            async with session.post(f"{base_url}/model/parse", json={"text": text}, headers=headers) as response:
                response.raise_for_status()
                await response.read()
            if i >= WARM_UP:
                samples.append((time.perf_counter() - t0) * 1000)
    return {"samples_ms": samples}


def measure(model: Path = MODEL, quick: bool = False) -> Dict[str, Any]:
    """Latency of one model, in process and over HTTP, over the same messages."""
    texts = test_messages(limit=200 if quick else 0)
    inproc = asyncio.run(_in_process(model, texts))
    with BenchStack(model=model, with_actions_and_web=False) as stack:
        stack.wait_ready()
        http = asyncio.run(_over_http(stack.rasa_url, texts, stack.rasa_headers()))
    return {
        "model": str(model),
        "messages": len(texts),
        "in_process": {**report.percentiles(inproc["samples_ms"]), "load_s": inproc["load_s"]},
        "http": report.percentiles(http["samples_ms"]),
        "samples_ms": {"in_process": inproc["samples_ms"], "http": http["samples_ms"]},
    }


def plot(results: Dict[str, Dict[str, Any]], name: str) -> Path:
    """CDF of the latencies, one line per model and way of calling."""
    plt = report.pyplot()
    fig, ax = plt.subplots(figsize=(7, 4))
    for label, result in results.items():
        for way, samples in result["samples_ms"].items():
            values = sorted(samples)
            ax.plot(values, [(i + 1) / len(values) for i in range(len(values))], label=f"{label} {way}")
    ax.set_xscale("log")
    ax.set_xlabel("latency (ms, log scale)")
    ax.set_ylabel("fraction of messages")
    ax.set_title("NLU parse latency")
    ax.grid(True, alpha=0.3)
    ax.legend()
    path = report.figure_path(name)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def rows(label: str, result: Dict[str, Any]) -> List[List[Any]]:
    """Table rows of one model's result."""
    return [[label, way, result[way]["n"], result[way]["p50"], result[way]["p95"], result[way]["p99"],
             result[way]["mean"]] for way in ("in_process", "http")]


HEADER = ["model", "way", "n", "p50 ms", "p95 ms", "p99 ms", "mean ms"]
