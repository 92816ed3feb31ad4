"""Benchmarks of the assistant: NLU latency, cold start, full-stack load, training time (``python -m bench``)."""
