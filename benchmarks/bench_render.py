"""Benchmark: render the default page as a whole process, cold and warm,
against Typst (the ``typst`` package on PyPI) setting a comparable page.

    python benchmarks/bench_render.py [--runs 7]

Cold: a fresh font cache (``BANMIAN_CACHE``) and the project's own bytecode
removed, so nothing Banmian prepared before is reused (the bundled fonts are
prepared at build time and need no cache). Warm: the same command again.
Peak memory: the child's max RSS.
Each figure is the median of the runs; Typst runs interleave with Banmian's,
so the ratio compares like with like on a noisy shared machine.
Targets (issue 16): warm no slower than Typst (ratio ≤ 1.0), peak ≤ 80 MB; cold under 5 s (issue 2).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time (s) and peak RSS (MB) of one child process."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{cmd} failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    return elapsed, usage.ru_maxrss / 1024


def typst_source(page: dict) -> str:
    """A comparable page in Typst: banner, intro, 8 columns of the same text."""

    def esc(s: str) -> str:
        return "".join("\\" + c if c in "#*_`$<>@[]\\/~" else c for c in s)

    parts = [
        "#set page(width: 390mm, height: 540mm, margin: (x: 18.8mm, top: 30mm, bottom: 24mm))",
        '#set text(font: ("Banmian Serif SC"), size: 9pt, lang: "zh")',
        "#set par(justify: true, first-line-indent: (amount: 2em, all: true), leading: 4.5pt, spacing: 4.5pt)",
        f'#align(center, text(font: "Banmian Sans SC", weight: "bold", size: 72pt)[{esc(page["headline"])}])',
        f'#text(font: "Banmian Kai")[{esc("".join(page.get("intro", [])))}]',
        "#columns(8, gutter: 9pt)[",
    ]
    for p in page["profiles"]:
        parts.append(f'#text(font: "Banmian Sans SC", weight: "bold", size: 16pt)[{esc(p["headline"])}]')
        parts.append(f"#align(right)[{esc(p.get('role', ''))} {esc(p['name'])}]")
        parts.append(f"#rect(width: 100%, height: 60pt, fill: luma(220))[{esc(p.get('photo', {}).get('caption', ''))}]")
        parts += [esc(b) + "\n" for b in p["body"]]
    parts.append("]")
    return "\n\n".join(parts)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    page = yaml.safe_load((ROOT / "content" / "seed.yaml").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        (tmpd / "page.typ").write_text(typst_source(page), encoding="utf-8")
        out = str(tmpd / "bench.pdf")
        banmian = [sys.executable, "make_pdf.py", "-q", "-o", out]
        typst = [
            sys.executable,
            "-c",
            "import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2], font_paths=[sys.argv[3]])",
            str(tmpd / "page.typ"),
            str(tmpd / "typst.pdf"),
            str(ROOT / "fonts"),
        ]
        # bytecode is written as on a user's machine (some shells set PYTHONDONTWRITEBYTECODE)
        base_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        cold, warm, typ, bare = [], [], [], []
        python = [sys.executable, "-c", "pass"]
        for i in range(args.runs):
            env = dict(base_env, BANMIAN_CACHE=str(tmpd / f"cache{i}"))
            for pyc in ROOT.glob("layout/**/__pycache__"):
                shutil.rmtree(pyc)
            cold.append(run(banmian, env))
            warm.append(run(banmian, env))
            typ.append(run(typst, base_env))
            bare.append(run(python, base_env))

    def med(xs: list[tuple[float, float]], k: int) -> float:
        return statistics.median(x[k] for x in xs)

    print(f"runs: {args.runs} (medians)")
    print(f"banmian cold : {med(cold, 0):.3f} s  peak {med(cold, 1):.0f} MB   (target < 5 s)")
    print(f"banmian warm : {med(warm, 0):.3f} s  peak {med(warm, 1):.0f} MB   (target <= typst, <= 80 MB)")
    print(f"typst        : {med(typ, 0):.3f} s  peak {med(typ, 1):.0f} MB")
    print(f"python alone : {med(bare, 0):.3f} s  (interpreter start-up, paid by both)")
    print(
        f"warm / typst : {med(warm, 0) / med(typ, 0):.2f}  "
        f"(beyond start-up: {(med(warm, 0) - med(bare, 0)) / (med(typ, 0) - med(bare, 0)):.2f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
