"""The corpus of bad inputs (``tests/bad_inputs/*/``, made by ``make_corpus.py``): each run
must end with exit status 2 and its exact error, no traceback, and nothing written."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "bad_inputs"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())


def run_case(name: str, tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], Path, str]:
    """Run one case in a copy of its folder; returns the run, the folder and stderr with
    the folder and the project's path replaced by '.' and '<root>'."""
    case = json.loads((CORPUS / name / "case.json").read_text(encoding="utf-8"))
    folder = tmp_path / "case"
    shutil.copytree(CORPUS / name / "case", folder, symlinks=True)
    args = case["args"] if "-o" in case["args"] else [*case["args"], "-o", "result.pdf"]
    proc = subprocess.run(
        [sys.executable, str(ROOT / "make_pdf.py"), *args], cwd=folder, capture_output=True, text=True, timeout=120
    )
    err = proc.stderr.replace(str(folder.resolve()), ".").replace(str(folder), ".").replace(str(ROOT), "<root>")
    return proc, folder, err


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 40


@pytest.mark.parametrize("name", CASES)
def test_bad_input_is_refused_clearly(name, tmp_path):
    case = json.loads((CORPUS / name / "case.json").read_text(encoding="utf-8"))
    before = sorted(p.relative_to(CORPUS / name / "case") for p in (CORPUS / name / "case").rglob("*"))
    proc, folder, err = run_case(name, tmp_path)
    assert proc.returncode == 2, err
    assert case["error"] in err.splitlines(), err
    assert "Traceback" not in err and "internal error" not in err
    after = sorted(p.relative_to(folder) for p in folder.rglob("*"))
    assert after == before  # nothing written, not even a temporary file
