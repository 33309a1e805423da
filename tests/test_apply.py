"""Reviewers' edits flow back into the YAML (``comments --apply``): a draft annotated
as readers do (a caret with text and a strike-out from PyMuPDF, an Acrobat "replace
text" group built with pikepdf), applied as a patch and a reviewed copy of the YAML,
rendered again: the new text is on the page exactly as intended; a stale edit is
refused; ``--in-place`` edits the file itself."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

pymupdf = pytest.importorskip("pymupdf")

ROOT = Path(__file__).resolve().parent.parent
WHEN = "D:20240315103000+08'00'"


def make_draft(folder: Path) -> Path:
    from conftest import run_make_pdf

    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "content" / "seed.yaml", folder / "seed.yaml")
    out = folder / "draft.pdf"
    proc = run_make_pdf(folder / "seed.yaml", "--draft", "-o", out, "-q")
    assert proc.returncode == 0, proc.stderr
    return out


def pick(pdf: Path, source: str, nth: int = 0) -> dict:
    doc = json.loads(pdf.with_name(pdf.stem + ".map.json").read_text(encoding="utf-8"))
    return [ln for ln in doc["pages"][0]["lines"] if ln["source"] == source][nth]


def caret_at(page, line: dict, k: int, text: str) -> None:
    """A PyMuPDF caret whose apex (top centre) is on the boundary before character k."""
    t = page.transformation_matrix
    apex = pymupdf.Point(line["x"][k], (line["box"][1] + line["box"][3]) / 2) * t
    caret = page.add_caret_annot(pymupdf.Point(0, 0))
    size = caret.rect
    caret.set_rect(pymupdf.Rect(apex.x - size.width / 2, apex.y, apex.x + size.width / 2, apex.y + size.height))
    caret.set_info(content=text, title="校对 陈", modDate=WHEN)
    caret.update()


def strike(page, line: dict, a: int, b: int, note: str = "") -> None:
    t = page.transformation_matrix
    r = pymupdf.Rect(pymupdf.Point(line["x"][a], line["box"][3]) * t, pymupdf.Point(line["x"][b], line["box"][1]) * t)
    annot = page.add_strikeout_annot(r)
    annot.set_info(content=note, title="校对 陈", modDate=WHEN)
    annot.update()


def acrobat_replace(pdf_path: Path, line: dict, a: int, b: int, new: str) -> None:
    """Acrobat's "Replace text": a caret holding the new text, and a strike-out over the
    old text grouped with it (/IRT the caret, /RT /Group)."""
    with pikepdf.open(pdf_path, allow_overwriting_input=True) as pdf:
        page = pdf.pages[0]
        x0, x1, y0, y1 = line["x"][a], line["x"][b], line["box"][1], line["box"][3]
        mid = (y0 + y1) / 2
        caret = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Caret, Rect=[x1 - 3, mid - 6, x1 + 3, mid],
            Contents=pikepdf.String(new), T=pikepdf.String("编辑 刘"), M=pikepdf.String(WHEN),
            NM=pikepdf.String("acrobat-caret-1"), Subj=pikepdf.String("Replace Text"), F=4,
        ))  # fmt: skip
        struck = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.StrikeOut, Rect=[x0, y0, x1, y1],
            QuadPoints=[x0, y1, x1, y1, x0, y0, x1, y0], IRT=caret, RT=pikepdf.Name.Group,
            T=pikepdf.String("编辑 刘"), M=pikepdf.String(WHEN), NM=pikepdf.String("acrobat-strike-1"),
            Subj=pikepdf.String("Replace Text"), F=4,
        ))  # fmt: skip
        if "/Annots" not in page.obj:
            page.obj.Annots = pikepdf.Array()
        page.obj.Annots.append(caret)
        page.obj.Annots.append(struck)
        pdf.save(pdf_path)


def reviewed(draft: Path) -> tuple[Path, dict[str, tuple[str, int, int, str]]]:
    """The draft annotated with three edits; what each should do (field, start, end, new)."""
    out = draft.with_name("reviewed.pdf")
    doc = pymupdf.open(draft)
    page = doc[0]
    ins = pick(draft, "profiles[6].body[0]", 1)
    caret_at(page, ins, 5, "新增")
    dele = pick(draft, "profiles[5].body[1]", 3)
    strike(page, dele, 4, 6)
    note = pick(draft, "profiles[2].body[2]", 0)
    page.add_text_annot(pymupdf.Point(note["x"][0] + 2, 40), "这段请压缩").update()
    doc.save(out)
    doc.close()
    rep = pick(draft, "profiles[0].body[0]", 1)
    acrobat_replace(out, rep, 2, 4, "改后")
    expect = {
        "insert": ("profiles[6].body[0]", ins["start"] + 5, ins["start"] + 5, "新增"),
        "delete": ("profiles[5].body[1]", dele["start"] + 4, dele["start"] + 6, ""),
        "replace": ("profiles[0].body[0]", rep["start"] + 2, rep["start"] + 4, "改后"),
    }
    return out, expect


def texts(yaml_path: Path) -> dict[str, str]:
    from layout.model.content import load_page
    from layout.render import normalized_texts

    return normalized_texts(load_page(yaml_path))[0]


def intended(before: dict[str, str], expect: dict) -> dict[str, str]:
    out = dict(before)
    for source, start, end, new in sorted(expect.values(), key=lambda e: -e[1]):
        out[source] = out[source][:start] + new + out[source][end:]
    return out


def test_apply_writes_a_patch_and_a_reviewed_copy_that_renders_the_edits(tmp_path, make_pdf):
    draft = make_draft(tmp_path / "round1")
    source = draft.with_name("seed.yaml")
    original = source.read_bytes()
    before = texts(source)
    pdf, expect = reviewed(draft)
    proc = make_pdf("comments", pdf, "--apply")
    assert proc.returncode == 0, proc.stderr
    assert source.read_bytes() == original  # the original untouched without --in-place
    patch = source.with_name("seed.reviewed.patch").read_text(encoding="utf-8")
    copy = source.with_name("seed.reviewed.yaml")
    assert patch.startswith("--- seed.yaml\n+++ seed.yaml\n")
    assert len(re.findall(r"^-  ", patch, re.M)) == 3  # three paragraphs changed, nothing else
    assert "## Applied (3)" in proc.stdout and "## Refused (0)" in proc.stdout
    assert "- [ ] Text by" in proc.stdout  # the sticky note is a checklist item
    # the patch makes the reviewed copy from the original
    work = tmp_path / "patched"
    work.mkdir()
    shutil.copy(source, work / "seed.yaml")
    subprocess.run(["patch", "-s", "seed.yaml", str(source.with_name("seed.reviewed.patch"))], cwd=work, check=True)
    assert (work / "seed.yaml").read_bytes() == copy.read_bytes()
    # every text of the page is as intended, the edited ones byte for byte
    want = intended(before, expect)
    assert texts(copy) == want
    # rendered again, the new text is on the page
    out = tmp_path / "round2.pdf"
    proc = make_pdf(copy, "-o", out, "-q")
    assert proc.returncode in (0, 1), proc.stderr
    raw = subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True, text=True, check=True).stdout
    shown = re.sub(r"\s+", "", raw)
    for source_key, start, _end, new in expect.values():
        window = want[source_key][max(0, start - 4) : start + len(new) + 4]
        assert window in shown, window


def test_a_stale_edit_is_refused_and_the_others_applied(tmp_path, make_pdf):
    draft = make_draft(tmp_path / "stale")
    source = draft.with_name("seed.yaml")
    pdf, expect = reviewed(draft)
    field, start, end, _ = expect["delete"]
    import yaml

    data = yaml.safe_load(source.read_text(encoding="utf-8"))  # edited since the draft (and written anew)
    body = data["profiles"][5]["body"]
    body[1] = body[1][:start] + "（删）" + body[1][start:]
    source.write_text(yaml.safe_dump(data, allow_unicode=True, width=60), encoding="utf-8")
    proc = make_pdf("comments", pdf, "--apply", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert len(data["applied"]) == 2
    (refused,) = data["refused"]
    assert refused["edit"]["kind"] == "delete" and "the text has changed" in refused["reason"]


def test_in_place_edits_the_yaml_itself(tmp_path, make_pdf):
    draft = make_draft(tmp_path / "inplace")
    source = draft.with_name("seed.yaml")
    before = texts(source)
    pdf, expect = reviewed(draft)
    proc = make_pdf("comments", pdf, "--apply", "--in-place")
    assert proc.returncode == 0, proc.stderr
    assert texts(source) == intended(before, expect)
    assert not source.with_name("seed.reviewed.yaml").exists()
    assert source.with_name("seed.reviewed.patch").is_file()
    done = source.read_bytes()  # applied again: every edit is seen as made already, nothing changes
    proc = make_pdf("comments", pdf, "--apply", "--in-place", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert not data["applied"] and len(data["refused"]) == 3 and source.read_bytes() == done


def test_yaml_styles_keep_their_form(tmp_path):
    """Plain, folded, literal, single- and double-quoted scalars: the edit lands on the
    file's own characters; ASCII punctuation the layout shows full-width stays ASCII."""
    from layout.review.apply import Edit, edit_text, page_texts

    text = (ROOT / "content" / "seed.yaml").read_text(encoding="utf-8")
    path = tmp_path / "seed.yaml"
    styles = {
        "plain": "  - 全国文明城市,是一个\n    含金量最高的荣誉。\n",
        "folded": "  - >-\n    全国文明城市,是一个\n    含金量最高的荣誉。\n",
        "literal": "  - |-\n    全国文明城市,是一个含金量最高的荣誉。\n",
        "single": "  - '全国文明城市,是''一个''含金量最高的荣誉。'\n",
        "double": '  - "全国文明城市,是\\"一个\\"含金量最高的荣誉。"\n',
    }
    intro = re.search(r"^intro:\n(  - .*\n)", text, re.M)
    for name, scalar in styles.items():
        yaml_text = text.replace(intro.group(1), scalar)
        path.write_text(yaml_text, encoding="utf-8")
        shown = page_texts(path, yaml_text)["intro[0]"]
        assert shown[6:8] == "，是", name
        edit = Edit("replace", shown[6:8], "，就是", "intro[0]", 6, 8, str(path))
        edited = edit_text(path, yaml_text, edit)
        assert page_texts(path, edited)["intro[0]"] == shown[:6] + "，就是" + shown[8:], name
        assert "城市,就是" in edited, name  # the file's own comma kept
