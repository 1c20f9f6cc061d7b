"""Run the benchmarks and print their results as JSON.

python -m benchmarks              # every benchmarks/bench_*.py
python -m benchmarks startup      # only bench_startup.py
python -m benchmarks stations --stations 20 --minutes 2   # one benchmark with its own options
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main(argv: list[str]) -> int:
    """Run the named benchmarks (all when none are named)."""
    folder = Path(__file__).resolve().parent
    # Options after a single benchmark's name are that benchmark's own (e.g. ``stations --stations 20``).
    options = argv[1:] if len(argv) > 1 and argv[1].startswith("--") else []
    names = argv[:1] if options else argv or sorted(p.stem.removeprefix("bench_") for p in folder.glob("bench_*.py"))
    results: dict[str, object] = {}
    failed = False
    for name in names:
        module = importlib.import_module(f"benchmarks.bench_{name}")
        started = time.perf_counter()
        try:
            results[name] = module.run(options) if options else module.run()
        except Exception as exc:  # report and carry on with the other benchmarks
            failed = True
            results[name] = {"error": f"{type(exc).__name__}: {exc}"}
        print(f"[bench] {name} done in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    print(json.dumps(results, indent=2, ensure_ascii=False))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
