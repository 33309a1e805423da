"""The command layer: exit statuses decided in one place, and our own bugs kept apart
from bad input (a bug injected into a stage is exit 3 with a log, never exit 2)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from layout.cli import main
from layout.cli.outcome import EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, EXIT_WARN, Outcome

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "content" / "seed.yaml"


def test_outcome_exit_statuses():
    assert Outcome((Path("a.pdf"),)).exit_code == EXIT_OK
    assert Outcome((Path("a.pdf"),), warned=True).exit_code == EXIT_WARN
    assert Outcome((Path("a.pdf"),), overset=True).exit_code == EXIT_WARN  # a marked proof was asked for
    assert Outcome(overset=True, refused=EXIT_INPUT).exit_code == EXIT_INPUT
    assert Outcome(refused=EXIT_INTERNAL).exit_code == EXIT_INTERNAL


@pytest.fixture
def log_folder(tmp_path, monkeypatch) -> Path:
    """The temporary folder the internal-error log goes to, for this test alone."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _bug(*args, **kwargs):
    raise ValueError("an injected bug")


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("layout.render", "make_page"),  # page makeup
        ("layout.draw.pdf", "draw_pdf"),  # drawing
        ("layout.model.content", "load_page"),  # the content model
        ("layout.page.context", "break_paragraph"),  # line breaking
    ],
)
def test_a_bug_in_a_stage_is_an_internal_error(module, name, monkeypatch, tmp_path, log_folder, capsys):
    import importlib

    target = importlib.import_module(module)
    if not hasattr(target, name):
        pytest.skip(f"{module} has no {name}")
    monkeypatch.setattr(target, name, _bug)
    if module == "layout.model.content":
        monkeypatch.setattr("layout.render.load_page", _bug)
    out = tmp_path / "page.pdf"
    status = main([str(SEED), "-o", str(out)])
    err = capsys.readouterr().err
    assert status == EXIT_INTERNAL, err
    assert "internal error: ValueError: an injected bug" in err
    assert not out.exists()
    log = log_folder / "banmian-error.log"
    assert "an injected bug" in log.read_text(encoding="utf-8")
    assert f"details in {log}" in err


def test_a_bug_in_a_subcommand_is_an_internal_error(monkeypatch, tmp_path, log_folder, capsys):
    monkeypatch.setattr("layout.post.preflight.preflight", _bug)
    pdf = tmp_path / "any.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    assert main(["preflight", str(pdf)]) == EXIT_INTERNAL
    assert "internal error: ValueError: an injected bug" in capsys.readouterr().err


def test_bad_input_is_exit_2_with_one_line(tmp_path, capsys):
    page = tmp_path / "page.yaml"
    page.write_text("paper: [\n", encoding="utf-8")
    assert main([str(page), "-o", str(tmp_path / "x.pdf")]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert err.startswith(f"error: {page}:") and err.count("\n") == 1


def test_a_page_loads_no_edition_machinery(tmp_path):
    """A plain page imports neither the edition (process pools, Dask) nor what it needs."""
    code = (
        "import sys\n"
        "from layout.cli import main\n"
        f"main([{str(SEED)!r}, '-q', '-o', {str(tmp_path / 'p.pdf')!r}])\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    loaded = set(proc.stdout.split())
    unwanted = {"layout.edition", "layout.executors", "concurrent.futures", "multiprocessing", "dask", "distributed"}
    assert not loaded & unwanted
