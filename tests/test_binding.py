"""The source map is bound to its draft (the PDF's Info records the map's digest), and
the comments command reads damaged and protected files as far as they can be read:
a map of another round is refused (or, beside a draft that carries its own, ignored
with a warning); qpdf, PyMuPDF and incremental saves keep the binding; a truncated
PDF, a null in /Annots and an encrypted PDF give their comments or a clear message,
never an internal error."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

pymupdf = pytest.importorskip("pymupdf")

ROOT = Path(__file__).resolve().parent.parent


def render(folder: Path, name: str, edit: bool = False) -> Path:
    """A draft of the seed page in ``folder`` (``edit``: round 2, a paragraph changed)."""
    import yaml
    from conftest import run_make_pdf

    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "seed.yaml"
    shutil.copy(ROOT / "content" / "seed.yaml", source)
    if edit:
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
        data["profiles"][0]["body"][0] = "（新增一句。）" + data["profiles"][0]["body"][0]
        source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = folder / name
    proc = run_make_pdf(source, "--draft", "-o", out, "-q")
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def round1(tmp_path_factory) -> Path:
    return render(tmp_path_factory.mktemp("round1"), "draft.pdf")


@pytest.fixture(scope="module")
def round2(tmp_path_factory) -> Path:
    return render(tmp_path_factory.mktemp("round2"), "draft.pdf", edit=True)


def sidecar(pdf: Path) -> Path:
    return pdf.with_name(pdf.stem + ".map.json")


def line_of(pdf: Path, source: str) -> dict:
    doc = json.loads(sidecar(pdf).read_text(encoding="utf-8"))
    return next(ln for ln in doc["pages"][0]["lines"] if ln["source"] == source)


def highlight(pdf: Path, out: Path, source: str = "profiles[0].body[0]", a: int = 2, b: int = 6, note: str = "核实"):
    """A PyMuPDF highlight over characters a..b of the first line of ``source``; saved to ``out``."""
    line = line_of(pdf, source)
    doc = pymupdf.open(pdf)
    page = doc[0]
    t = page.transformation_matrix
    r = pymupdf.Rect(pymupdf.Point(line["x"][a], line["box"][3]) * t, pymupdf.Point(line["x"][b], line["box"][1]) * t)
    annot = page.add_highlight_annot(r)
    annot.set_info(content=note, title="审读 王")
    annot.update()
    doc.save(out)
    doc.close()
    return line["text"][a:b]


def comments(make_pdf, *args) -> tuple[subprocess.CompletedProcess, list]:
    proc = make_pdf("comments", *args, "--json")
    assert proc.returncode != 3 and "Traceback" not in proc.stderr, proc.stderr
    return proc, (json.loads(proc.stdout) if proc.returncode == 0 else [])


# -- the binding ---------------------------------------------------------------------------


def test_the_pdf_records_the_digest_of_its_map(round1):
    from layout.review.map import map_digest

    doc = json.loads(sidecar(round1).read_text(encoding="utf-8"))
    with pikepdf.open(round1) as pdf:
        key = str(pdf.docinfo["/BanmianMap"])
        attached = json.loads(pdf.attachments["banmian-map.json"].get_file().read_bytes())
    assert key == doc["binding"] == map_digest(doc) == map_digest(attached)
    from conftest import run_make_pdf

    first = round1.read_bytes()
    proc = run_make_pdf(round1.with_name("seed.yaml"), "--draft", "-o", round1, "-q")
    assert proc.returncode == 0 and round1.read_bytes() == first  # still deterministic


@pytest.mark.parametrize("how", ["qpdf", "pymupdf", "incremental"])
def test_re_saves_keep_the_binding(round1, tmp_path, make_pdf, how):
    out = tmp_path / "reviewed.pdf"
    quoted = highlight(round1, tmp_path / "annotated.pdf")
    if how == "qpdf":
        subprocess.run(["qpdf", str(tmp_path / "annotated.pdf"), str(out)], check=True)
    elif how == "pymupdf":
        doc = pymupdf.open(tmp_path / "annotated.pdf")
        doc.save(out, garbage=4, deflate=True)
        doc.close()
    else:
        shutil.copy(tmp_path / "annotated.pdf", out)
        doc = pymupdf.open(out)
        doc[0].add_text_annot(pymupdf.Point(60, 60), "再看").update()
        doc.saveIncr()
        doc.close()
    shutil.copy(sidecar(round1), sidecar(out))  # the right sidecar beside it is fine too
    with pikepdf.open(out) as pdf:
        assert str(pdf.docinfo["/BanmianMap"]) == json.loads(sidecar(round1).read_text())["binding"]
    proc, data = comments(make_pdf, out)
    assert proc.returncode == 0 and "warning" not in proc.stderr, proc.stderr
    assert next(c for c in data if c["text"] == "核实")["quoted"] == quoted


def test_a_stale_sidecar_beside_an_annotated_round_1_draft(round1, round2, tmp_path, make_pdf):
    out = tmp_path / "draft.pdf"
    quoted = highlight(round1, out)
    shutil.copy(sidecar(round2), sidecar(out))  # round 2's map beside round 1's PDF
    proc, data = comments(make_pdf, out)
    assert proc.returncode == 0, proc.stderr  # the attached map wins; the stale one is named
    assert f"{sidecar(out)} belongs to another draft, not {out}: ignored" in proc.stderr
    assert next(c for c in data if c["text"] == "核实")["quoted"] == quoted
    # a reader that dropped the attachment: the stale sidecar is refused
    bare = tmp_path / "bare.pdf"
    with pikepdf.open(out) as pdf:
        del pdf.attachments["banmian-map.json"]
        pdf.save(bare)
    shutil.copy(sidecar(round2), sidecar(bare))
    proc, _ = comments(make_pdf, bare)
    assert proc.returncode == 2
    assert f"{sidecar(bare)} is not this draft's source map: it was written for another draft" in proc.stderr
    assert str(bare) in proc.stderr
    # the --keep loader follows the same rule
    from layout.errors import InputError
    from layout.review.draft import load_map

    with pytest.raises(InputError, match="written for another draft"):
        load_map(bare)
    assert load_map(out)["binding"] == json.loads(sidecar(round1).read_text())["binding"]


def test_a_wrong_map_is_refused_and_an_unbound_draft_warns(round1, round2, tmp_path, make_pdf):
    out = tmp_path / "reviewed.pdf"
    highlight(round1, out)
    proc, _ = comments(make_pdf, out, "--map", sidecar(round2))
    assert proc.returncode == 2 and f"{sidecar(round2)} is not this draft's source map" in proc.stderr
    proc, data = comments(make_pdf, out, "--map", sidecar(round1))
    assert proc.returncode == 0 and data
    old = tmp_path / "old.pdf"  # a draft made before maps were bound, its attachment dropped
    with pikepdf.open(out) as pdf:
        del pdf.docinfo["/BanmianMap"]
        del pdf.attachments["banmian-map.json"]
        pdf.save(old)
    shutil.copy(sidecar(round1), sidecar(old))
    proc, data = comments(make_pdf, old)
    assert proc.returncode == 0 and "records no map binding" in proc.stderr and data


# -- damaged and protected files -----------------------------------------------------------


def test_a_truncated_pdf_is_salvaged(round1, tmp_path, make_pdf):
    first = tmp_path / "first.pdf"
    quoted = highlight(round1, first)
    doc = pymupdf.open(first)
    doc[0].add_text_annot(pymupdf.Point(60, 60), "最后一条").update()
    doc.saveIncr()  # the last comment, in an incremental update at the end of the file
    doc.close()
    data = first.read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: len(data) - 120])
    proc, found = comments(make_pdf, cut)
    assert proc.returncode == 0, proc.stderr
    assert "warning:" in proc.stderr and "truncated" in proc.stderr
    assert next(c for c in found if c["text"] == "核实")["quoted"] == quoted
    half = tmp_path / "half.pdf"  # the annotations themselves lost: nothing to list
    half.write_bytes(data[: len(data) * 2 // 3])
    proc, _ = comments(make_pdf, half)
    assert proc.returncode in (0, 2) and "truncated" in proc.stderr
    if proc.returncode == 2:
        assert "no comment could be read" in proc.stderr


def test_a_null_in_annots_is_skipped(round1, tmp_path, make_pdf):
    out = tmp_path / "reviewed.pdf"
    highlight(round1, out)
    with pikepdf.open(out, allow_overwriting_input=True) as pdf:
        annots = pdf.pages[0].obj.Annots
        annots.insert(0, None)
        annots.append(pikepdf.Integer(7))
        pdf.save(out)
    proc, data = comments(make_pdf, out)
    assert proc.returncode == 0, proc.stderr
    assert [c["text"] for c in data] == ["核实"]


def test_an_encrypted_pdf(round1, tmp_path, make_pdf):
    plain = tmp_path / "plain.pdf"
    highlight(round1, plain)
    locked = tmp_path / "locked.pdf"
    with pikepdf.open(plain) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(owner="owner", user="secret"))
    proc, _ = comments(make_pdf, locked)
    assert proc.returncode == 2 and "encrypted: give --password" in proc.stderr
    proc, _ = comments(make_pdf, locked, "--password", "wrong")
    assert proc.returncode == 2 and "not this PDF's" in proc.stderr
    proc, data = comments(make_pdf, locked, "--password", "secret")
    assert proc.returncode == 0 and [c["text"] for c in data] == ["核实"], proc.stderr


@pytest.mark.parametrize("kind", ["garbage", "empty", "annots-not-array", "folder"])
def test_bad_files_never_end_as_internal_errors(round1, tmp_path, make_pdf, kind):
    bad = tmp_path / "bad.pdf"
    if kind == "garbage":
        bad.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    elif kind == "empty":
        bad.write_bytes(b"")
    elif kind == "folder":
        bad.mkdir()
    else:
        with pikepdf.open(round1) as pdf:
            pdf.pages[0].obj.Annots = pikepdf.Dictionary(Foo=1)
            pdf.save(bad)
    proc = make_pdf("comments", bad)
    assert proc.returncode in (0, 2) and "Traceback" not in proc.stderr and "internal" not in proc.stderr
    assert proc.returncode == 0 or proc.stderr.startswith("error: ")
