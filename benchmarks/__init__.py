"""Benchmarks: scripts that measure seawatch against references and print figures.

Run them from the repository root as modules (``python -m benchmarks.tracking``); they
need the ``bench`` extra (``pip install -e '.[bench]'``). Nothing here is imported by the
system itself.
"""
