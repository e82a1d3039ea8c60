"""Benchmarks: run from the repository root as ``python -m bench.pipeline`` and ``python -m bench.queue_throughput``.

Not part of the test suite and not run in CI (only linted); docs/benchmarks.md holds the figures and how to
reproduce them.
"""
