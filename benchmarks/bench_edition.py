"""Benchmark: editions on one machine, and on a Dask cluster (issue 16, items 3 and 4).

    python benchmarks/bench_edition.py [--runs 5] [--pages 20] [--cluster-pages 200] [--cluster-runs 1]
    python benchmarks/bench_edition.py --no-cluster      # the local figure only

1. Local: the command on a ``--pages`` edition (whole process, ``make_pdf.py EDITION -q``,
   the default executor: a process per core), ``--runs`` times; the median. Target: 20
   pages in 2.5 s or less on 2 cores.
2. Dask: ``--cluster-pages`` pages through ``run_edition`` on a ``LocalCluster`` of 1, then
   2 worker processes (one thread each; the cluster's start not counted, its first
   edition is), ``--cluster-runs`` times each; pages per second (median) and the scaling
   from 1 to 2 workers.

The editions come from ``pagegen.make_page`` in several shapes (3 to 9 profiles, short
and long copy, photos from three files), one page in ten with more copy than it holds,
so it continues on the next page (a jump).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from pagegen import make_page, make_photo  # noqa: E402

SHAPES = [(7, 450, 700), (5, 300, 600), (9, 200, 400), (4, 700, 1000), (6, 350, 650), (3, 300, 500)]
JUMPING = (9, 500, 900, 21)  # more copy than a page holds: continues on the next page


def build_edition(folder: Path, pages: int, seed: int = 1) -> Path:
    """An edition of ``pages`` pages (版次 1…N) in ``folder``; returns its YAML file."""
    folder.mkdir(parents=True, exist_ok=True)
    for k, px in enumerate((1200, 1600, 2000)):
        make_photo(folder / f"photo{k}.jpg", px)
    names = []
    for i in range(pages):
        if i % 10 == 3:
            data = make_page(*JUMPING)
        else:
            data = make_page(*SHAPES[i % len(SHAPES)], seed * 1000 + i)
        data["page"] = i + 1
        for j, p in enumerate(data["profiles"]):
            if "photo" in p and j % 2 == 0:
                p["photo"]["file"] = f"photo{(i + j) % 3}.jpg"
        name = f"p{i + 1:03d}.yaml"
        (folder / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        names.append(name)
    path = folder / "edition.yaml"
    path.write_text(yaml.safe_dump({"edition": "基准日报", "pages": names}, allow_unicode=True), encoding="utf-8")
    return path


def local(edition: Path, runs: int) -> list[float]:
    """The command on the edition, whole process, ``runs`` times."""
    times = []
    for i in range(runs):
        out = edition.parent / f"out{i}" / "edition.pdf"
        t0 = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, str(ROOT / "make_pdf.py"), str(edition), "-q", "-o", str(out)],
            capture_output=True,
            text=True,
        )
        times.append(time.perf_counter() - t0)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"the edition failed (exit {proc.returncode}):\n{proc.stderr}")
        print(f"  local run {i + 1}: {times[-1]:.2f} s")
    return times


def on_dask(edition: Path, workers: int, runs: int) -> list[float]:
    """``run_edition`` on a LocalCluster of ``workers`` processes; seconds per run."""
    import distributed

    from layout.edition import load_edition, run_edition
    from layout.executors import DaskExecutor

    ed = load_edition(edition)
    times = []
    with (
        distributed.LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        executor = DaskExecutor(client=client)
        for i in range(runs):
            t0 = time.perf_counter()
            run = run_edition(ed, executor=executor, keep_going=True)
            times.append(time.perf_counter() - t0)
            if run.failures:
                raise SystemExit(f"{len(run.failures)} pages failed: {run.failures[0].error}")
            print(f"  {workers} worker(s), run {i + 1}: {times[-1]:.1f} s, {len(ed.pages) / times[-1]:.2f} pages/s")
        executor.close()
    return times


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--pages", type=int, default=20)
    ap.add_argument("--cluster-pages", type=int, default=200)
    ap.add_argument("--cluster-runs", type=int, default=1)
    ap.add_argument("--no-cluster", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print(f"local executor, {args.pages} pages, the command (whole process):")
        t = statistics.median(local(build_edition(Path(tmp) / "local", args.pages), args.runs))
        print(f"local: {args.pages} pages median {t:.2f} s over {args.runs} runs (target ≤ 2.5 s for 20 pages)")
        if not args.no_cluster:
            big = build_edition(Path(tmp) / "cluster", args.cluster_pages)
            rates = {}
            for workers in (1, 2):
                times = on_dask(big, workers, args.cluster_runs)
                rates[workers] = args.cluster_pages / statistics.median(times)
                print(f"dask: {workers} worker(s), {args.cluster_pages} pages: median {rates[workers]:.2f} pages/s")
            print(f"dask: scaling from 1 to 2 workers {rates[2] / rates[1]:.2f}×")
    rerun = f"python benchmarks/bench_edition.py --runs {args.runs} --pages {args.pages}"
    rerun += " --no-cluster" if args.no_cluster else f" --cluster-pages {args.cluster_pages}"
    print(f"rerun: {rerun}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
