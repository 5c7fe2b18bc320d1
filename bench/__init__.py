"""Benchmarks: each `bench/bench_*.py` measures alternatives side by side in one run."""
