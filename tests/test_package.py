"""The package as a new user gets it: a wheel built from this checkout, installed into
a fresh virtual environment, run as ``banmian`` from a folder far from the checkout.

The venv sees the test environment's site-packages (reportlab, pikepdf, … are not
downloaded again) but gets Banmian only from the wheel: the test checks that the
``layout`` it imports is the venv's own, with its fonts and schemas inside.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from pagegen import make_page  # noqa: E402

# What the build needs from the checkout (the rest is tests, benchmarks, history).
SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "layout", "fonts", "content")
# Files a wheel must carry for the program to run anywhere (layout/resources.py finds them).
SHIPPED = (
    "layout/_data/fonts/BanmianSerifSC-Regular.ttf",
    "layout/_data/fonts/BanmianSerifSC-Regular.ttf.metrics.json",
    "layout/_data/fonts/BanmianSerifSC-Regular.core.ttf",
    "layout/_data/fonts/BanmianSerifSC-Regular.halt.ttf",
    "layout/_data/fonts/BanmianSerifSC-Regular.hant.ttf",
    "layout/_data/fonts/BanmianSerifSC-Regular.gaplead.ttf",
    "layout/_data/fonts/BanmianKai-Regular.gapboth.ttf",
    "layout/_data/fonts/BanmianSansSC-Bold.ttf",
    "layout/_data/fonts/BanmianKai-Regular.ttf",
    "layout/_data/fonts/OFL-Noto.txt",
    "layout/_data/fonts/OFL-LXGW.txt",
    "layout/_data/content/page.schema.json",
    "layout/_data/content/edition.schema.json",
    "layout/_data/content/seed.yaml",
    "layout/styles/broadsheet.yaml",
    "layout/styles/tabloid.yaml",
    "layout/styles/style.schema.json",
    "layout/icc/banmian-newsprint.icc",
)


def _run(cmd: list[str | Path], cwd: Path, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    return subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the checkout (so the checkout gets no build/ folder)."""
    base = tmp_path_factory.mktemp("wheel")
    src = base / "src"
    src.mkdir()
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(path, src / name)
    dist = base / "dist"
    proc = _run([sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "--no-build-isolation", "-q", "-w", dist], src)
    assert proc.returncode == 0, proc.stderr[-3000:]
    (made,) = dist.glob("banmian-*.whl")
    return made


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel installed; returns its bin folder."""
    folder = tmp_path_factory.mktemp("venv") / "env"
    proc = _run([sys.executable, "-m", "venv", "--system-site-packages", folder], folder.parent)
    assert proc.returncode == 0, proc.stderr
    bin_dir = folder / "bin"
    proc = _run([bin_dir / "python", "-m", "pip", "install", "-q", "--no-deps", wheel], folder.parent)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return bin_dir


def test_the_wheel_carries_everything_the_program_reads(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert [f for f in SHIPPED if f not in names] == []
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "banmian = layout.cli:console" in zipfile.ZipFile(wheel).read(entry).decode()


def test_installed_package_renders_from_another_folder(venv, tmp_path):
    where = _run([venv / "python", "-c", "import layout; print(layout.__file__)"], tmp_path)
    assert Path(where.stdout.strip()).is_relative_to(venv.parent), where.stdout  # the wheel's, not the checkout's
    page = tmp_path / "page.yaml"
    page.write_text(yaml.safe_dump(make_page(4, 250, 450, 3), allow_unicode=True), encoding="utf-8")
    proc = _run([venv / "banmian", "page.yaml", "-o", "page.pdf", "--style", "tabloid"], tmp_path)
    assert proc.returncode in (0, 1), proc.stderr
    assert (tmp_path / "page.pdf").read_bytes().startswith(b"%PDF-")
    check = _run([venv / "banmian", "preflight", "page.pdf", "--standard", "none"], tmp_path)
    assert check.returncode in (0, 1), check.stdout + check.stderr


def test_installed_command_renders_the_bundled_default_page(venv, tmp_path, seed_pdf):
    proc = _run([venv / "banmian"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "wrote out/seed.pdf: 8 profiles" in proc.stdout
    fonts = _run(["pdffonts", tmp_path / "out" / "seed.pdf"], tmp_path).stdout
    assert "BanmianSerifSC-Regular" in fonts
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])  # every font embedded
    # the same bytes as the checkout's own render: nothing depends on where Banmian is installed
    assert (tmp_path / "out" / "seed.pdf").read_bytes() == seed_pdf.read_bytes()
