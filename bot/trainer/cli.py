"""The trainer's command line: ``python -m bot.trainer import|mine|apply|evaluate ...``.

import: buyer messages from chat logs (JSONL), CSV files and the tracker store, cleaned, masked and
de-duplicated into one JSONL file. mine: the model over those messages, the ones needing a person
ranked into a JSONL file and a review file, uncovered ones clustered into a Markdown report.
apply: the reviewed labels into data/nlu/ (a held-out part kept apart), then rasa data validate.
evaluate: the model before and after a round, on the NLU test set and the held-out labels.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import List, Optional

from bot.trainer import apply as apply_flow
from bot.trainer import clustering, evaluation, logs, mining, review

#: Relative paths of apply and evaluate are the project's, wherever the command runs from.
ROOT = Path(__file__).resolve().parents[2]

DEFAULT_OUT = Path("var/trainer")


def _import(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    messages: List[logs.LogMessage] = []
    for path in args.jsonl or []:
        found = list(logs.read_jsonl_sessions(Path(path)))
        print(f"{path}: {len(found)} buyer messages")
        messages.extend(found)
    for path in args.csv or []:
        found = list(logs.read_csv_messages(Path(path), args.column))
        print(f"{path}: {len(found)} messages")
        messages.extend(found)
    if args.tracker_db:
        if Path(args.tracker_db).exists():
            found = list(logs.read_tracker_store(Path(args.tracker_db)))
            print(f"{args.tracker_db}: {len(found)} user messages")
            messages.extend(found)
        else:
            print(f"{args.tracker_db}: not found, skipped")
    unique = logs.deduplicate(messages)
    logs.write_messages(unique, Path(args.out))
    print(
        f"{len(messages)} messages kept (cleaned and masked), {len(unique)} after de-duplication -> {args.out}"
        f" ({time.perf_counter() - started:.1f} s)"
    )
    return 0


def _mine(args: argparse.Namespace, parser: Optional[mining.Parser] = None) -> int:
    from tqdm import tqdm

    timings = {}
    started = time.perf_counter()
    messages = logs.read_messages(Path(args.messages))
    settings = mining.MiningSettings(threshold=args.threshold, margin=args.margin, far=args.far)
    coverage = mining.Coverage(mining.load_training_examples(Path(args.nlu)))
    timings["read"] = time.perf_counter() - started

    step = time.perf_counter()
    if parser is None:
        from bot.trainer.model import RasaParser

        parser = RasaParser(Path(args.model))
    timings["load model"] = time.perf_counter() - step

    step = time.perf_counter()
    items = mining.mine(
        messages, parser, coverage, settings,
        progress=lambda batches: tqdm(batches, desc="parsing", unit="batch"),
    )
    timings["parse and score"] = time.perf_counter() - step
    mining.write_mined(items, Path(args.out))
    rows = review.rows_from_mined(items)
    review.write_review(rows, Path(args.review))

    step = time.perf_counter()
    uncovered = [item for item in items if set(item.reasons) & set(mining.UNCOVERED)]
    clusters, left_out = clustering.cluster_messages(
        [item.text for item in uncovered], [item.count for item in uncovered],
        distance_threshold=args.distance, max_messages=args.max_cluster,
    )
    Path(args.clusters).parent.mkdir(parents=True, exist_ok=True)
    Path(args.clusters).write_text(
        clustering.clusters_markdown(clusters, len(uncovered), left_out), encoding="utf-8"
    )
    timings["cluster"] = time.perf_counter() - step

    def count(reason: str) -> int:
        return sum(reason in item.reasons for item in items)

    print()
    print(f"messages:              {len(items)} (sent {sum(i.count for i in items)} times)")
    print(f"below {settings.threshold:<4}:            {count(mining.REASON_LOW)}")
    print(f"fallbacks:             {count(mining.REASON_FALLBACK)}")
    print(f"close calls (<{settings.margin}):   {count(mining.REASON_CLOSE)}")
    print(f"hand-offs:             {count(mining.REASON_HANDOFF)}")
    print(f"far (sim < {settings.far}):      {count(mining.REASON_FAR)}")
    print(f"need a person:         {len(rows)}  -> {args.review}")
    print(f"uncovered, clustered:  {len(uncovered) - left_out} of {len(uncovered)} -> {len(clusters)} clusters -> {args.clusters}")
    print()
    for number, cluster in enumerate(clusters[: args.top], 1):
        print(f"{number:2}. {cluster.size:4} | {' / '.join(cluster.top_terms)}")
        for text in cluster.representatives:
            print(f"          - {text}")
    print()
    timings["total"] = time.perf_counter() - started
    print("timing: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items()))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (public so tests can check the options)."""
    parser = argparse.ArgumentParser(prog="python -m bot.trainer", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    imp = commands.add_parser("import", help="buyer messages from logs -> masked, de-duplicated JSONL")
    imp.add_argument("--jsonl", action="append", help="chat sessions JSONL ({id, source, turns:[{role, text}]})")
    imp.add_argument("--csv", action="append", help="CSV file with one message per row")
    imp.add_argument("--column", default="text", help="CSV column holding the message (default: text)")
    imp.add_argument("--tracker-db", help="Rasa SQL tracker store (SQLite), e.g. var/tracker.db")
    imp.add_argument("--out", default=str(DEFAULT_OUT / "messages.jsonl"))
    imp.set_defaults(run=_import)

    mine = commands.add_parser("mine", help="rank messages needing a person, cluster the uncovered ones")
    mine.add_argument("--messages", default=str(DEFAULT_OUT / "messages.jsonl"))
    mine.add_argument("--model", default="models/xiaodian.tar.gz")
    mine.add_argument("--nlu", default=str(mining.DEFAULT_NLU_DIR), help="training data to measure coverage against")
    mine.add_argument("--out", default=str(DEFAULT_OUT / "mined.jsonl"))
    mine.add_argument("--clusters", default=str(DEFAULT_OUT / "clusters.md"))
    mine.add_argument("--review", default=str(DEFAULT_OUT / "review.csv"), help=".csv or .yml")
    mine.add_argument("--threshold", type=float, default=mining.DEFAULT_THRESHOLD, help="low confidence below this")
    mine.add_argument("--margin", type=float, default=mining.DEFAULT_MARGIN, help="close call when top two are closer")
    mine.add_argument("--far", type=float, default=mining.DEFAULT_FAR, help="far when best similarity is below this")
    mine.add_argument("--distance", type=float, default=clustering.DEFAULT_DISTANCE, help="cluster cut (cosine distance)")
    mine.add_argument("--max-cluster", type=int, default=clustering.DEFAULT_MAX_MESSAGES)
    mine.add_argument("--top", type=int, default=10, help="clusters to print")
    mine.set_defaults(run=_mine)

    app = commands.add_parser("apply", help="write reviewed labels into data/nlu/ (a held-out part kept apart)")
    apply_flow.add_arguments(app)
    app.set_defaults(run=lambda args: apply_flow.run(args, ROOT))

    ev = commands.add_parser("evaluate", help="compare the model before/after a round: HTML + JSON + PNG report")
    evaluation.add_arguments(ev)
    ev.set_defaults(run=lambda args: evaluation.run(args, ROOT))
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    """Runs one command; returns the exit status."""
    os.umask(0o077)  # buyers' messages (masked or not) and review files: readable by their owner only
    args = build_parser().parse_args(argv)
    return args.run(args)
