"""Benchmark: time and peak memory of every bad input in the corpus (tests/bad_inputs).

    python benchmarks/bench_hostile.py

Each case runs as its own process (as a user would run it); prints exit status,
wall time and peak RSS per case, and the worst of each. Bounds (documented in
README.md): files up to 8 MB, 200,000 YAML values (aliases expanded), 20,000
characters a field and 100,000 a page, photos up to 60 megapixels, a bounded
arrangement search.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "bad_inputs"


def main() -> int:
    rows = []
    for case_dir in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        case = json.loads((case_dir / "case.json").read_text(encoding="utf-8"))
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "case"
            shutil.copytree(case_dir / "case", folder)
            args = case["args"] if "-o" in case["args"] else [*case["args"], "-o", "result.pdf"]
            t = time.perf_counter()
            proc = subprocess.Popen(
                [sys.executable, str(ROOT / "make_pdf.py"), *args],
                cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            _, status, usage = os.wait4(proc.pid, 0)
            elapsed = time.perf_counter() - t
        rows.append((case_dir.name, os.waitstatus_to_exitcode(status), elapsed, usage.ru_maxrss / 1024))
    # generated: a file just under the 8 MB limit holding one 2.6-million-character paragraph
    with tempfile.TemporaryDirectory() as tmp:
        base = (CORPUS / "field-too-long" / "case" / "page.yaml").read_text(encoding="utf-8")
        huge = Path(tmp) / "page.yaml"
        huge.write_text(base.replace("长" * 25_000, "长" * 2_600_000), encoding="utf-8")
        t = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "make_pdf.py"), str(huge), "-o", str(Path(tmp) / "x.pdf")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        _, status, usage = os.wait4(proc.pid, 0)
        rows.append(("(7.8 MB, one huge field)", os.waitstatus_to_exitcode(status), time.perf_counter() - t,
                     usage.ru_maxrss / 1024))  # fmt: skip
    for name, code, elapsed, mb in rows:
        print(f"{name:28} exit {code}  {elapsed:6.2f} s  {mb:6.0f} MB")
    slow = max(rows, key=lambda r: r[2])
    big = max(rows, key=lambda r: r[3])
    print(f"{len(rows)} cases; all exit 2: {all(r[1] == 2 for r in rows)}")
    print(f"slowest: {slow[0]} {slow[2]:.2f} s; most memory: {big[0]} {big[3]:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
