"""Benchmark and proof for press output: the default page with photos placed,
rendered plain, as a press file (PDF/X-1a + preflight) and as a proof.

    python benchmarks/bench_press.py [--runs 7]

Prints the median wall time of each (whole processes, interleaved, so the ratio
compares like with like on a noisy machine; target: press within 1.5x plain),
then checks the press file with independent tools: the preflight's verdict,
the maximum total ink from Ghostscript's separations (tiffsep, 72 dpi), the
share of text in pure K, and pdffonts.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from pagegen import seed_with_photos  # noqa: E402


def timed(args: list[str]) -> float:
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, str(ROOT / "make_pdf.py"), *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"make_pdf.py {' '.join(args)} failed ({proc.returncode}): {proc.stderr}")
    return time.perf_counter() - t


def gs_max_tac(pdf: Path, dpi: int = 72) -> float:
    from PIL import Image, ImageMath

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["gs", "-q", "-dSAFER", "-dNOPAUSE", "-dBATCH", "-sDEVICE=tiffsep", f"-r{dpi}",
             f"-sOutputFile={tmp}/p%03d.tif", str(pdf)],
            check=True, capture_output=True,
        )  # fmt: skip
        names = {"c": "Cyan", "m": "Magenta", "y": "Yellow", "k": "Black"}
        seps = {key: Image.open(Path(tmp) / f"p001({name}).tif").convert("L") for key, name in names.items()}
        total = ImageMath.lambda_eval(lambda a: 1020 - a["c"] - a["m"] - a["y"] - a["k"], **seps)
        return total.getextrema()[1] / 255 * 100


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--keep", type=Path, help="copy the press PDF here")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        page = seed_with_photos(folder)
        kinds = {
            "plain": [str(page), "-q", "-o", str(folder / "plain.pdf")],
            "press": [str(page), "-q", "--press", "-o", str(folder / "press.pdf")],
            "proof": [str(page), "-q", "--proof", "--round", "一校", "-o", str(folder / "proof.pdf")],
        }
        times: dict[str, list[float]] = {k: [] for k in kinds}
        for argv in kinds.values():
            timed(argv)  # warm the font registration caches of the OS
        for _ in range(args.runs):
            for kind, argv in kinds.items():
                times[kind].append(timed(argv))
        plain = statistics.median(times["plain"])
        for kind in kinds:
            med = statistics.median(times[kind])
            print(f"{kind:>6}: median {med:.3f} s over {args.runs} runs ({med / plain:.2f}x plain)")
        press = folder / "press.pdf"
        pre = subprocess.run(
            [sys.executable, str(ROOT / "make_pdf.py"), "preflight", str(press)], capture_output=True, text=True
        )
        print(f"preflight (exit {pre.returncode}): {pre.stdout.strip().splitlines()[-1]}")
        print(f"Ghostscript tiffsep, 72 dpi: maximum total ink {gs_max_tac(press):.1f} %")
        fonts = subprocess.run(["pdffonts", str(press)], capture_output=True, text=True, check=True).stdout
        print("pdffonts:\n" + fonts.rstrip())
        head = press.read_bytes()[:8].decode()
        print(f"header {head}, {press.stat().st_size:,} bytes")
        if args.keep:
            args.keep.write_bytes(press.read_bytes())
    return 0


if __name__ == "__main__":
    sys.exit(main())
