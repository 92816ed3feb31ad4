"""``python -m bench [--quick] [--only nlu,cold,stack,scaled,soak,fuzz,train,report] [--train] [--reference]``: run the
benchmarks, print their tables and write JSON and PNG files to bench/results/."""

from __future__ import annotations

import argparse
import signal
import sys
import time
import warnings
from typing import Any, Callable, Dict, List, Optional

from bench import cold_start, fuzz, load, nlu_latency, reference, report, report_month, scaled, soak, training
from bench.processes import MODEL

BENCHMARKS = ("nlu", "cold", "stack", "scaled", "soak", "fuzz", "train", "report")
LEVELS = [1, 20, 100]
SCALED_LEVELS = [20, 100]
# The same numbers of buyers again, each pausing between messages as a person does (bench/load.py THINK_S).
PACED_LEVELS = (20, 100)


def _without_samples(result: Dict[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in result.items() if k != "samples_ms"}


def run_nlu(args, models: Dict[str, Any]) -> None:
    results = {label: nlu_latency.measure(path, quick=args.quick) for label, path in models.items()}
    rows = [row for label, result in results.items() for row in nlu_latency.rows(label, result)]
    print(report.table("NLU latency (tests/nlu/test_nlu.yml texts, one at a time)",
                       nlu_latency.HEADER, rows))
    for label, result in results.items():
        print(f"  {label}: Agent.load took {result['in_process']['load_s']:.1f} s in process")
    if "reference" in results:
        for way in ("in_process", "http"):
            ours, theirs = results["xiaodian"][way], results["reference"][way]
            ratios = ", ".join(f"{key} {report.ratio(ours[key], theirs[key])}" for key in ("p50", "p95", "p99"))
            print(f"  xiaodian / reference, {way}: {ratios}")
    report.write_json("nlu_latency", results)
    print(f"  -> {nlu_latency.plot(results, 'nlu_latency')}")


def run_cold(args, models: Dict[str, Any]) -> None:
    results = {label: cold_start.measure(path) for label, path in models.items()}
    rows = [row for label, result in results.items() for row in cold_start.rows(label, result)]
    print(report.table("Cold start (launch of the three servers -> first answer to 在吗 via the web service)",
                       cold_start.HEADER, rows))
    if "reference" in results:
        ours, theirs = results["xiaodian"], results["reference"]
        rss_ours, rss_theirs = ours["rss_mb_after_warm_up"]["rasa"], theirs["rss_mb_after_warm_up"]["rasa"]
        print(f"  xiaodian / reference: first answer {report.ratio(ours['first_answer_s'], theirs['first_answer_s'])}"
              f", model size {report.ratio(ours['model_mb'], theirs['model_mb'])}"
              f", RSS rasa {report.ratio(rss_ours, rss_theirs)}")
    report.write_json("cold_start", results)
    print(f"  -> {cold_start.plot(results, 'cold_start')}")


def run_stack(args, models: Dict[str, Any]) -> None:
    duration = 8.0 if args.quick else 20.0
    result = load.measure(LEVELS, duration, paced_levels=PACED_LEVELS)
    print(report.table(f"Full stack load ({duration:.0f} s per level, scripted 5-turn conversations; "
                       "without pauses: what the stack can take; with pauses: what a buyer waits)",
                       load.HEADER, load.rows(result)))
    for level in result["levels"]:
        if level["error_kinds"]:
            print(f"  {level['buyers']} buyers, errors: {level['error_kinds']}")
    report.write_json("stack_load", {**result, "levels": [_without_samples(lv) for lv in result["levels"]]})
    print(f"  -> {load.plot(result, 'stack_load')}")


def run_scaled(args, models: Dict[str, Any]) -> None:
    why = scaled.missing()
    if why:
        print(f"  skipped: {why}. Install them with:  {scaled.INSTALL_HINT}")
        return
    duration, double_send = (8.0, 5.0) if args.quick else (20.0, 15.0)
    result = scaled.measure(SCALED_LEVELS, duration, double_send)
    print(report.table(f"One Rasa instance vs two (PostgreSQL tracker store, Redis lock store, "
                       f"round-robin in the web service; {duration:.0f} s per level, {double_send:.0f} s of "
                       f"double senders; {result['cores']} cores)",
                       scaled.THROUGHPUT_HEADER, scaled.throughput_rows(result)))
    for run in result["runs"]:
        for level in run["levels"] + [run["double_send"]]:
            if level["error_kinds"]:
                print(f"  {run['instances']} instance(s), {level['buyers']} buyers, "
                      f"errors: {level['error_kinds']}")
    header, rows = scaled.process_rows(result)
    print(report.table(f"Each process at {SCALED_LEVELS[-1]} buyers: resident memory and cores kept busy "
                       f"(of {result['cores']})", header, rows))
    print(report.table("Conversations in the PostgreSQL tracker store against what the buyers sent",
                       scaled.INTEGRITY_HEADER, scaled.integrity_rows(result)))
    for run in result["runs"] + ([result["control"]] if result.get("control") else []):
        label = f"{run['instances']} instance(s)" + ("" if run["shared_locks"] else ", in-memory lock stores")
        for line in run["integrity"]["problems"][:5]:
            print(f"  {label}: {line}")
        corrupted = run["integrity"]["corrupted"]
        if run["shared_locks"] and corrupted:
            print(f"  ! {label}: {corrupted} corrupted conversation(s) with the shared lock store "
                  f"({scaled.LOCK_STORE_TYPE}); see bench/README.md, scaled")
        elif not run["shared_locks"] and not corrupted:
            print(f"  ! {label}: the control found nothing corrupted: the double senders never overlapped")
    report.write_json("scaled", result)
    print(f"  -> {scaled.plot(result, 'scaled')}")


def run_soak(args, models: Dict[str, Any]) -> None:
    buyers, duration, faults = (20, 40.0, soak.QUICK_FAULTS) if args.quick else (30, 90.0, soak.FAULTS)
    result = soak.measure(buyers, duration, faults)
    print(report.table(f"Soak with faults ({buyers} buyers for {duration:.0f} s, pausing "
                       "{:.0f}-{:.0f} s; Rasa, the action server and the web service each killed with SIGKILL "
                       "and restarted; SQLite stores as make run)".format(*soak.PAUSE_S), soak.HEADER, soak.rows(result)))
    print(report.table("The faults", soak.FAULT_HEADER, soak.fault_rows(result)))
    print(f"  widget retries by kind: {result['retry_kinds']}; messages by outcome: {result['states']}")
    for line in result["examples"]:
        print(f"  ! {line}")
    report.write_json("soak", result)


def run_fuzz(args, models: Dict[str, Any]) -> None:
    result = fuzz.measure(2_000 if args.quick else 10_000)
    print(report.table("Fuzzing the web service (malformed requests of every kind, fixed seed)", fuzz.HEADER,
                       fuzz.rows(result)))
    for line in result["examples"]:
        print(f"  ! {line}")
    report.write_json("fuzz", result)


def run_train(args, models: Dict[str, Any]) -> None:
    result = training.measure(args.train)
    recorded = result["recorded_make_train"]
    rows = [["last make train (recorded)", f"{recorded['seconds']} s" if recorded else "not recorded"]]
    if "rasa_train_nlu_s" in result:
        rows.append(["rasa train nlu (now, config.yml)", f"{result['rasa_train_nlu_s']:.0f} s"])
    else:
        rows.append(["rasa train nlu (now)", "skipped (pass --train; takes minutes)"])
    if models.get("reference_train_s"):
        rows.append(["rasa train, reference config (now)", f"{models['reference_train_s']:.0f} s"])
    print(report.table("Training time", ["what", "time"], rows))
    report.write_json("training", result)


def run_report(args, models: Dict[str, Any]) -> None:
    result = report_month.measure(quick=args.quick)
    spec = result["spec"]
    print(report.table(f"Service report on a synthetic month ({spec['buyer_messages']:,} buyer messages, "
                       f"{spec['tickets']:,} tickets from {spec['first']}, {spec['days']} days): generating it, then "
                       "the report (figures from the tracker store and tickets, 5 plots, HTML)",
                       report_month.HEADER, report_month.rows(result)))
    if result["postgresql_skipped"]:
        print(f"  PostgreSQL skipped: {result['postgresql_skipped']}. Install it with:  {scaled.INSTALL_HINT}")
    for run in result["runs"]:
        print(f"  -> {run['html']}")
    report.write_json("report_month", result)


RUNNERS: Dict[str, Callable] = {"nlu": run_nlu, "cold": run_cold, "stack": run_stack, "scaled": run_scaled,
                                 "soak": run_soak, "fuzz": run_fuzz, "train": run_train, "report": run_report}


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer messages, 8 s per load level instead of 20")
    parser.add_argument("--only", default=",".join(BENCHMARKS),
                        help=f"comma-separated subset of {','.join(BENCHMARKS)} (default: all)")
    parser.add_argument("--train", action="store_true", help="also time a fresh `rasa train nlu` (minutes)")
    parser.add_argument("--reference", action="store_true",
                        help="also run nlu and cold on Rasa's default recipe (trained once, cached; long)")
    args = parser.parse_args(argv)
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(chosen) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    if not MODEL.exists():
        parser.error(f"{MODEL} is missing: run `make train` first")
    # SIGTERM as well as Ctrl-C unwinds through the Stack context managers, which stop the servers.
    # Rasa's and matplotlib's dependencies warn about deprecations on import: noise in the tables.
    warnings.filterwarnings("ignore")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGINT, signal.default_int_handler)

    models: Dict[str, Any] = {"xiaodian": MODEL}
    extra: Dict[str, Any] = {}
    if args.reference:
        ref = reference.model()
        models["reference"] = ref["model"]
        extra["reference_train_s"] = ref["train_s"]
    try:
        for name in BENCHMARKS:
            if name in chosen:
                started = time.perf_counter()
                print(f"\n==> {name}", flush=True)
                RUNNERS[name](args, {**models, **extra} if name == "train" else models)
                print(f"  ({name} took {time.perf_counter() - started:.0f} s)", flush=True)
    except KeyboardInterrupt:
        print("\nInterrupted: servers stopped.", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
