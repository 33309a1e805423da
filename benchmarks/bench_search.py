"""Benchmark: page makeup (arrangement search) on generated pages of 3 to 20 profiles.

    python benchmarks/bench_search.py [--runs 3]

For each page: fill of the module zone, characters overset, overlaps found by
the self-check, and the median time of ``make_page`` (the search and the
makeup, fonts already loaded). Target (issue 4): under 2 s per page.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from pagegen import make_page  # noqa: E402

from layout.model.content import load_page  # noqa: E402
from layout.model.style import load_style, style_path  # noqa: E402
from layout.page.check import check_frame  # noqa: E402
from layout.page.context import Context  # noqa: E402
from layout.page.makeup import make_page as makeup  # noqa: E402
from layout.render import load_faces, normalized_texts, rules_for  # noqa: E402

PAGES = [(3, 600, 1500, 1), (6, 300, 900, 2), (10, 150, 700, 3), (14, 100, 500, 4), (20, 100, 350, 5)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    style = load_style(style_path("broadsheet", ROOT))
    faces = load_faces(style)
    print(
        f"{'profiles':>8} {'chars':>6} {'fill':>7} {'overset':>8} {'lacks':>6} {'overlaps':>8} {'spare':>6} "
        f"{'balance':>7} {'median s':>9}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for n, lo, hi, seed in [(0, 0, 0, 0), *PAGES]:
            path = ROOT / "content" / "seed.yaml" if n == 0 else Path(tmp) / f"p{n}.yaml"
            if n:
                path.write_text(yaml.safe_dump(make_page(n, lo, hi, seed), allow_unicode=True), encoding="utf-8")
            page = load_page(path)
            texts, _ = normalized_texts(page)
            times = []
            for _ in range(args.runs):
                ctx = Context(style, faces, rules_for(page.lang))  # fresh memo each run
                t = time.perf_counter()
                result = makeup(ctx, page, texts, mark_overset=True)
                times.append(time.perf_counter() - t)
            chars = sum(len(b) for p in page.profiles for b in p.body)
            overset = sum(m.overset_chars for m in result.modules)
            label = f"{len(page.profiles)}{'*' if not n else ''}"
            balance = max(m.balance for m in result.modules)
            print(
                f"{label:>8} {chars:>6} {result.fill:>7.1%} {overset:>8} {result.excess_cells:>6} "
                f"{len(check_frame(result.frame)):>8} {result.spare_rows:>6} {balance:>7} "
                f"{statistics.median(times):>9.3f}"
            )
    print("* the default page")
    print("overset: characters that do not fit; lacks: column-lines (photos included) the content needs beyond")
    print("the zone even packed with no gaps, a lower bound (0: packing alone might fit it); spare: empty rows")
    print("at the foot of a short page;")
    print("balance: the largest difference between column ends in any module, in lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
