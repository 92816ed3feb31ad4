"""Cold start: launch the three servers and time until the first buyer message is answered; model size, RSS."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Dict

from bench import report
from bench.processes import MODEL, BenchStack
from bot.web.buyer_client import BuyerClient

FIRST_MESSAGE = "在吗"




def measure(model: Path = MODEL) -> Dict[str, Any]:
    """Seconds from launch until each server is ready and until the first answer; RSS after warm-up."""
    with BenchStack(model=model) as stack:
        stack.wait_ready()
        ready_s = time.perf_counter() - stack.started_at
        # Only now the first message: asked earlier, it would wait for the assistant.
        buyer = BuyerClient(stack.web_url)
        answer = buyer.send(FIRST_MESSAGE)
        first_answer_s = time.perf_counter() - stack.started_at
        for text in ("今天下单什么时候发货", "包邮吗", "谢谢"):  # warm up a few more code paths
            buyer.send(text)
        return {
            "model": str(model),
            "model_mb": model.stat().st_size / 1e6,
            "ready_s": stack.ready_times(),
            "all_ready_s": ready_s,
            "first_answer_s": first_answer_s,
            "first_reply": answer["replies"][0]["text"] if answer.get("replies") else None,
            "handed_off": answer.get("handed_off"),
            "rss_mb_after_warm_up": stack.rss(),
        }


def rows(label: str, result: Dict[str, Any]) -> list:
    """Table rows of one model's result."""
    rss = result["rss_mb_after_warm_up"]
    return [[label, result["model_mb"], result["ready_s"].get("actions"), result["ready_s"].get("web"),
             result["ready_s"]["rasa"], result["first_answer_s"], rss.get("rasa"), rss.get("actions"),
             rss.get("web")]]


HEADER = ["model", "model MB", "actions ready s", "web ready s", "rasa ready s", "first answer s",
          "RSS rasa MB", "RSS actions MB", "RSS web MB"]


def plot(results: Dict[str, Dict[str, Any]], name: str) -> Path:
    """Bars: when each server was ready and when the first answer came, per model."""
    plt = report.pyplot()
    fig, ax = plt.subplots(figsize=(7, 3.5))
    labels = ["actions", "web", "rasa", "first answer"]
    width = 0.8 / max(len(results), 1)
    for i, (label, result) in enumerate(results.items()):
        values = [result["ready_s"].get("actions") or 0, result["ready_s"].get("web") or 0,
                  result["ready_s"]["rasa"], result["first_answer_s"]]
        ax.barh([j + i * width for j in range(len(labels))], values, height=width, label=label)
    ax.set_yticks([j + width * (len(results) - 1) / 2 for j in range(len(labels))])
    ax.set_yticklabels(labels)
    ax.set_xlabel("seconds since launch")
    ax.set_title("Cold start")
    ax.legend()
    ax.grid(True, axis="x", alpha=0.3)
    path = report.figure_path(name)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
