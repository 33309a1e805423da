"""Editions: several pages rendered in parallel into one PDF and one PDF per 版次."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from pagegen import make_page  # noqa: E402


def edition(tmp_path: Path, second_page: int = 5, body_chars: tuple[int, int] = (450, 700)) -> Path:
    shutil.copy(ROOT / "content" / "seed.yaml", tmp_path / "p3.yaml")
    data = make_page(7, *body_chars, 5)
    data["page"] = second_page
    (tmp_path / "p5.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    path = tmp_path / "edition.yaml"
    path.write_text("edition: 示例日报 2021年7月15日\npages: [p3.yaml, p5.yaml]\n", encoding="utf-8")
    return path


def pages_of(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def test_edition_writes_one_pdf_and_one_per_page(tmp_path, make_pdf):
    out = tmp_path / "out" / "edition.pdf"
    proc = make_pdf(edition(tmp_path), "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert pages_of(out) == 2
    assert pages_of(out.with_name("edition-03.pdf")) == 1
    assert pages_of(out.with_name("edition-05.pdf")) == 1
    assert "[2/2]" in proc.stderr  # progress
    text = subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True, text=True, check=True).stdout
    flat = text.replace(" ", "")
    assert flat.index("第3版") < flat.index("第5版")  # edition order, whatever order the workers finished in
    again = tmp_path / "again" / "edition.pdf"
    assert make_pdf(edition(tmp_path), "-o", again).returncode == 0
    assert again.read_bytes() == out.read_bytes()


def test_edition_with_a_repeated_page_number_is_bad_input(tmp_path, make_pdf):
    out = tmp_path / "out" / "edition.pdf"
    proc = make_pdf(edition(tmp_path, second_page=3), "-o", out)
    assert proc.returncode == 2
    assert "版次 3 is used by" in proc.stderr
    assert not out.parent.exists()


def test_edition_with_overset_writes_nothing(tmp_path, make_pdf):
    out = tmp_path / "out" / "edition.pdf"
    proc = make_pdf(edition(tmp_path, body_chars=(2500, 3000)), "-o", out)
    assert proc.returncode == 2
    assert "characters overset" in proc.stderr and "nothing written" in proc.stderr
    assert not out.parent.exists()


def test_edition_missing_page_file(tmp_path, make_pdf):
    path = tmp_path / "edition.yaml"
    path.write_text("edition: x\npages: [nope.yaml]\n", encoding="utf-8")
    proc = make_pdf(path, "-o", tmp_path / "e.pdf")
    assert proc.returncode == 2
    assert "pages[0]: page file not found" in proc.stderr
