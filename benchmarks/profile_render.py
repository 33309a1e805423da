"""Profile: where one render of a page spends its time, by stage.

    python benchmarks/profile_render.py [PAGE] [--runs 5] [--repo DIR]

Cold: the first render in a fresh process (imports, fonts registered, caches
empty), timed per stage. Warm: a later render of the same page in the same process
(what the watch mode pays). Stage times are medians over ``--runs`` processes, from
timers wrapped round the stage functions ``layout.render`` calls. ``--repo`` profiles
another checkout (e.g. a ``git worktree`` of an older commit) for a before/after.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# stage entry points (module, function), in pipeline order; a function imported lazily by its
# caller is wrapped in its own module, so the caller's import picks the timed one
STAGES = (
    ("layout.model.source:load_yaml", "YAML parse"),
    ("layout.render:load_page", "content model and validation"),
    ("layout.render:load_style", "style"),
    ("layout.render:page_fonts", "fonts and glyph check"),
    ("layout.render:make_page", "makeup (measure, search, set)"),
    ("layout.render:_draw", "drawing (reportlab)"),
    ("layout.post.subsets:unique_subset_tags", "subset tags"),
    ("layout.render:_post_process", "post-processing"),
)

CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
sys.path.insert(0, sys.argv[1])
from layout.cli import main
import importlib
import layout.render
imports = time.perf_counter() - t0
spent = {}
def timed(name, fn):
    def wrapper(*a, **k):
        t = time.perf_counter()
        try:
            return fn(*a, **k)
        finally:
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - t
    return wrapper
for name in json.loads(sys.argv[3]):
    module, _, attr = name.partition(":")
    try:
        m = importlib.import_module(module)
    except ImportError:
        continue
    if hasattr(m, attr):
        setattr(m, attr, timed(name, getattr(m, attr)))
out = []
for i in range(2):
    spent.clear()
    t = time.perf_counter()
    main([sys.argv[2], "-q", "-o", sys.argv[4]])
    total = time.perf_counter() - t
    out.append(dict(spent, total=total))
print(json.dumps({"imports": imports, "cold": out[0], "warm": out[1]}))
"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("page", nargs="?", default=str(ROOT / "content" / "seed.yaml"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--repo", default=str(ROOT))
    args = ap.parse_args()
    names = [n for n, _ in STAGES]
    runs = []
    for _ in range(args.runs):
        res = subprocess.run(
            [sys.executable, "-c", CHILD, args.repo, args.page, json.dumps(names), "/tmp/profile_render.pdf"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        runs.append(json.loads(res.stdout.strip().splitlines()[-1]))

    def med(kind: str, name: str) -> float:
        return statistics.median(r[kind].get(name, 0.0) for r in runs)

    print(f"{args.page} — {args.runs} processes, medians (s); repo {args.repo}")
    print(f"  {'imports (layout.cli, layout.render)':38} {statistics.median(r['imports'] for r in runs):7.3f}")
    print("  (the timers import the stages' modules up front: lazy imports are counted here, not in the stages)")
    print(f"  {'stage':38} {'cold':>7} {'warm':>7}")
    for name, label in STAGES:
        print(f"  {label:38} {med('cold', name):7.3f} {med('warm', name):7.3f}")
    print(f"  {'whole render (in process)':38} {med('cold', 'total'):7.3f} {med('warm', 'total'):7.3f}")
    print(f"rerun: python benchmarks/profile_render.py {' '.join(sys.argv[1:])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
