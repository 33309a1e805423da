"""The preflight's rules, one broken file each (issue 15, item 6).

The corpus (``benchmarks/preflight_corpus.py``) is made with reportlab and pikepdf,
never with our renderer: a clean PDF/X-1a:2001 or PDF/X-4 page and, per rule, the
same page with one fault. Each file must be caught by exactly its rule, at the
severity the rule table gives (GWG 2015 newspaper, raised where plants reject);
the clean pages and our own press output of the seed page (X-1a and X-4) by none.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pikepdf
import pytest

from layout.post.intent import Limits
from layout.post.preflight import RULES, preflight

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import preflight_corpus as corpus  # noqa: E402
from pagegen import seed_with_photos  # noqa: E402


@pytest.mark.parametrize("defect", corpus.DEFECTS, ids=[d.name for d in corpus.DEFECTS])
def test_each_broken_file_is_caught_by_its_rule_only(defect):
    report = preflight(corpus.build(defect), Limits(standard=defect.standard))
    assert {(f.rule, f.severity) for f in report.findings} == {(defect.rule, defect.severity)}, report.findings
    assert report.status == (2 if defect.severity == "error" else 1)


def test_every_rule_has_a_clause_and_a_broken_file():
    assert {d.rule for d in corpus.DEFECTS} == set(RULES)
    assert all(r.clause and r.basis for r in RULES.values())


@pytest.mark.parametrize("standard", ["x1a", "x4"])
def test_the_clean_base_pages_pass(standard):
    assert preflight(corpus.save(corpus.base(standard), standard), Limits(standard=standard)).findings == ()


def test_findings_cite_their_clause():
    report = preflight(corpus.build(corpus.DEFECTS[0]))
    (finding,) = report.findings
    assert finding.clause == RULES[finding.rule].clause
    assert finding.line().endswith(f"({RULES[finding.rule].clause})")
    assert report.as_dict()["findings"][0]["clause"] == finding.clause


def _named(name: str) -> corpus.Defect:
    return next(d for d in corpus.DEFECTS if d.name == name)


def test_standard_none_checks_ink_fonts_and_images_only():
    for name in ("no-trimbox", "trim-outside-bleed", "no-moddate", "trapped-unknown", "no-output-intent",
                 "annotation-in-trim", "jpeg2000-x1a", "16bit-image-x1a", "layers-x1a", "embedded-file"):  # fmt: skip
        assert preflight(corpus.build(_named(name)), Limits(standard="")).findings == (), name
    for name in ("ink-300", "font-not-embedded", "photo-72ppi", "rgb-fill"):
        assert preflight(corpus.build(_named(name)), Limits(standard="")).findings, name


def test_an_x4_file_without_xmp_is_told_exactly_that():
    data = corpus.build(_named("x4-no-xmp"))
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert {"/Title", "/CreationDate", "/ModDate"} <= set(pdf.docinfo.keys())  # the Info has them
    (finding,) = preflight(data, Limits(standard="x4")).findings
    assert finding.rule == "xmp" and "no XMP metadata" in finding.what


def test_a_truncated_file_is_damaged_not_missing_keys():
    (finding,) = preflight(corpus.build(_named("truncated"))).findings
    assert finding.rule == "damaged" and "repairing" in finding.what
    (finding,) = preflight(corpus.build(_named("not-a-pdf"))).findings
    assert finding.rule == "damaged" and "unreadable" in finding.what


def test_x4_allows_live_transparency_and_layers_with_named_configurations():
    data = corpus.build(_named("opacity"))
    assert "transparency" in {f.rule for f in preflight(data).findings}
    pdf = corpus.base("x4")
    corpus.d_transparency(pdf)
    corpus.d_layers(pdf)
    pdf.Root.OCProperties.D.Name = "版面"
    assert preflight(corpus.save(pdf, "x4"), Limits(standard="x4")).findings == ()


def test_gwg_line_weights():
    """GWG 2015: one ink ≥ 0.125 pt (else error), several inks or white ≥ 0.25 pt (else error);
    one ink under the plant's 0.25 pt a warning."""
    cases = {b"0 0 0 1 K 0.2 w": "warning", b"0 0 0 1 K 0.1 w": "error", b"1 1 0 0 K 0.2 w": "error",
             b"0 0 0 0 K 0.2 w": "error", b"0 0 0 1 K 0.3 w": None}  # fmt: skip
    for ops, severity in cases.items():
        pdf = corpus.base()
        corpus._append(pdf, b"q /Op gs " + ops + b" 40 60 m 500 60 l S Q")
        found = {(f.rule, f.severity) for f in preflight(corpus.save(pdf)).findings}
        assert found == ({("thin-line", severity)} if severity else set()), ops


def test_the_corpus_table_prints(capsys):
    corpus.main()
    out = capsys.readouterr().out
    assert "| box-nesting | trim-outside-bleed.pdf | box-nesting (error) | error |" in out
    assert out.count("\n") == len(corpus.DEFECTS) + 2


# -- our own press output is caught by none ------------------------------------------------------
@pytest.mark.parametrize("press", [["--press"], ["--press", "x4", "--icc", "bundled"]], ids=["x1a", "x4"])
def test_our_press_output_of_the_seed_page_is_clean(tmp_path, make_pdf, press):
    out = tmp_path / "press.pdf"
    proc = make_pdf(seed_with_photos(tmp_path, 1800), *press, "-o", out)
    assert proc.returncode == 0, proc.stderr
    standard = "x4" if "x4" in press else "x1a"
    assert preflight(out, Limits(standard=standard)).findings == ()


def test_the_command_takes_standard_none(tmp_path, make_pdf):
    path = tmp_path / "no-trim.pdf"
    path.write_bytes(corpus.build(_named("no-trimbox")))
    assert make_pdf("preflight", path).returncode == 2
    assert make_pdf("preflight", path, "--standard", "none").returncode == 0
    damaged = tmp_path / "truncated.pdf"
    damaged.write_bytes(corpus.build(_named("truncated")))
    proc = make_pdf("preflight", damaged)
    assert proc.returncode == 2 and "[damaged]" in proc.stdout and "[info]" not in proc.stdout
