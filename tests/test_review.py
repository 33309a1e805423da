"""Review drafts: bookmarks, labels and a source map; reviewers' annotations,
made with another PDF library (PyMuPDF, in the shapes readers write), read back
against the source exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pikepdf
import pytest

pymupdf = pytest.importorskip("pymupdf")

ROOT = Path(__file__).resolve().parent.parent
WHEN = "D:20240315103000+08'00'"


@pytest.fixture(scope="module")
def draft(tmp_path_factory) -> Path:
    from conftest import run_make_pdf

    out = tmp_path_factory.mktemp("draft") / "seed.pdf"
    proc = run_make_pdf("--draft", "--round", "一校", "-o", out)
    assert proc.returncode == 0, proc.stderr
    return out


def doc_map(pdf: Path) -> dict:
    return json.loads(pdf.with_name(pdf.stem + ".map.json").read_text(encoding="utf-8"))


def test_draft_navigation_and_map(draft):
    pdf = pikepdf.open(draft)
    with pdf.open_outline() as outline:
        (page,) = outline.root
        titles = [c.title for c in page.children]
    assert page.title == "第3版 “创城”在行动"
    assert titles[0] == "自我加压迎“国考” 你是“创城”排头兵" and titles[1].startswith("导语 ")
    assert [t.split(":")[0] for t in titles[2:]] == [
        "wang-zhiyong", "gan-yuanjing", "zhou-hong", "cao-huan", "zhang-yong", "suo-danfeng", "yan-qinyou",
        "zhang-lanfeng",
    ]  # fmt: skip
    dests = pikepdf.NameTree(pdf.Root.Names.Dests)
    assert "p3-zhou-hong" in dests and "p3-headline" in dests
    assert pdf.Root.PageLabels.Nums[1].St == 3  # labelled by 版次
    m = doc_map(draft)
    assert pdf.attachments["banmian-map.json"].get_file().read_bytes() == draft.with_name("seed.map.json").read_bytes()
    lines = m["pages"][0]["lines"]
    body = [ln for ln in lines if ln["source"] == "profiles[2].body[0]"]
    assert body and body[0]["profile"] == "zhou-hong" and body[0]["line"] > 0
    assert all(len(ln["x"]) == len(ln["text"]) + 1 for ln in lines)
    # the map's boxes are where pdftotext finds the text
    import subprocess

    xml = subprocess.run(["pdftotext", "-bbox", str(draft), "-"], capture_output=True, text=True, check=True).stdout
    first = body[0]
    height = float(pdf.pages[0].MediaBox[3])
    word = next(w for w in xml.split("<word ")[1:] if first["text"][:4] in w)
    x_min = float(word.split('xMin="')[1].split('"')[0])
    y_max = float(word.split('yMax="')[1].split('"')[0])
    assert abs(x_min - first["box"][0]) < 1.5
    assert abs((height - y_max) - first["box"][1]) < 2.5


def pick(m: dict, source: str, nth: int = 0) -> dict:
    return [ln for ln in m["pages"][0]["lines"] if ln["source"] == source][nth]


def rect(page, line: dict, a: int, b: int):
    """PyMuPDF's rectangle over characters a..b-1 of a mapped line."""
    t = page.transformation_matrix
    x0, x1 = line["x"][a], line["x"][b]
    y0, y1 = line["box"][1], line["box"][3]
    return pymupdf.Rect(pymupdf.Point(x0, y1) * t, pymupdf.Point(x1, y0) * t)


def annotate(draft: Path, out: Path, rotate: int = 0, shift: bool = False) -> dict:
    """Annotations of every kind over known text; returns what each should report.
    ``shift``: the page's MediaBox (and boxes) first get a non-zero origin."""
    m = doc_map(draft)
    if shift:
        moved = out.with_name("shifted.pdf")
        with pikepdf.open(draft) as pdf:
            for key in ("/MediaBox", "/CropBox", "/TrimBox", "/BleedBox", "/ArtBox"):
                if key in pdf.pages[0].obj:
                    box = [float(v) for v in pdf.pages[0].obj[key]]
                    pdf.pages[0].obj[key] = pikepdf.Array([box[0] - 40, box[1] - 30, box[2] + 10, box[3] + 20])
            pdf.save(moved)
        draft = moved
    doc = pymupdf.open(draft)
    page = doc[0]
    if rotate:
        page.set_rotation(rotate)
    expect = {}

    def info(annot, text: str, author: str = "审读 王") -> None:
        annot.set_info(content=text, title=author, modDate=WHEN)
        annot.update()

    line = pick(m, "profiles[2].body[1]", 1)
    info(page.add_highlight_annot(rect(page, line, 2, 8)), "核实数字")
    expect["核实数字"] = ("Highlight", line["text"][2:8], line, 2, 8)
    line = pick(m, "profiles[0].body[0]", 2)
    info(page.add_underline_annot(rect(page, line, 0, 5)), "语序")
    expect["语序"] = ("Underline", line["text"][0:5], line, 0, 5)
    line = pick(m, "profiles[4].body[0]", 0)
    info(page.add_squiggly_annot(rect(page, line, 3, 7)), "用词")
    expect["用词"] = ("Squiggly", line["text"][3:7], line, 3, 7)
    line = pick(m, "profiles[5].body[1]", 3)
    info(page.add_strikeout_annot(rect(page, line, 4, 6)), "删去")
    expect["删去"] = ("StrikeOut", line["text"][4:6], line, 4, 6)
    line = pick(m, "profiles[6].body[0]", 1)
    t = page.transformation_matrix
    apex = pymupdf.Point(line["x"][5], (line["box"][1] + line["box"][3]) / 2) * t
    caret = page.add_caret_annot(pymupdf.Point(0, 0))  # PyMuPDF puts the point at the Rect's top left:
    size = caret.rect  # move it so the caret's apex (top centre) sits on the character boundary
    caret.set_rect(pymupdf.Rect(apex.x - size.width / 2, apex.y, apex.x + size.width / 2, apex.y + size.height))
    info(caret, "此处加“的”")
    expect["此处加“的”"] = ("Caret", line["text"][:5] + "‸" + line["text"][5:], line, 5, 5)
    line = pick(m, "profiles[1].body[0]", 0)
    r = rect(page, line, 0, len(line["text"]))
    info(page.add_rect_annot(r), "整行重排")
    expect["整行重排"] = ("Square", line["text"], line, 0, len(line["text"]))
    line = pick(m, "profiles[3].body[0]", 2)
    info(page.add_circle_annot(rect(page, line, 1, 4)), "圈出")
    expect["圈出"] = ("Circle", line["text"][1:4], line, 1, 4)
    line = pick(m, "profiles[7].body[0]", 1)
    r = rect(page, line, 2, 9)
    ink = [[(r.x0, (r.y0 + r.y1) / 2), (r.x1, (r.y0 + r.y1) / 2)], [(r.x0, r.y0 + 1), (r.x1, r.y1 - 1)]]
    info(page.add_ink_annot(ink), "划线")
    expect["划线"] = ("Ink", line["text"][2:9], line, 2, 9)
    line = pick(m, "profiles[2].body[2]", 0)
    note_at = pymupdf.Point(line["x"][0] + 2, line["box"][3] - 1) * t
    note = page.add_text_annot(note_at, "这段请压缩")
    info(note, "这段请压缩", "主编 李")
    expect["这段请压缩"] = ("Text", line["text"], line, 0, len(line["text"]))
    line = pick(m, "profiles[5].body[0]", 0)
    info(page.add_freetext_annot(rect(page, line, 0, 6), "改为：社区", fontsize=8), "改为：社区")
    expect["改为：社区"] = ("FreeText", line["text"][0:6], line, 0, 6)
    doc.save(out)
    doc.close()
    # a reply and a review state on the sticky note, and a highlight in the spec's vertex order,
    # as other readers write them
    with pikepdf.open(out, allow_overwriting_input=True) as pdf:
        pg = pdf.pages[0]
        parent = next(a for a in pg.Annots if str(a.get("/Contents", "")) == "这段请压缩")
        reply = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Text, Rect=parent.Rect, IRT=parent,
            T=pikepdf.String("作者 周"), Contents=pikepdf.String("已压缩两句"), M=pikepdf.String(WHEN),
        )  # fmt: skip
        state = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Text, Rect=parent.Rect, IRT=parent,
            T=pikepdf.String("主编 李"), State=pikepdf.String("Accepted"), StateModel=pikepdf.String("Review"),
        )  # fmt: skip
        line = pick(m, "profiles[0].body[1]", 0)
        x0, x1, y0, y1 = line["x"][1], line["x"][4], line["box"][1], line["box"][3]
        spec_order = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Highlight, Rect=[x0, y0, x1, y1],
            QuadPoints=[x0, y0, x1, y0, x1, y1, x0, y1],  # counter-clockwise from the lower left
            T=pikepdf.String("校对 陈"), Contents=pikepdf.String("逆序四边形"), M=pikepdf.String(WHEN),
        )  # fmt: skip
        expect["逆序四边形"] = ("Highlight", line["text"][1:4], line, 1, 4)
        for a in (reply, state, spec_order):
            pg.Annots.append(pdf.make_indirect(a))
        pdf.save(out)
    return expect


@pytest.mark.parametrize(("rotate", "shift"), [(0, False), (90, False), (270, False), (0, True)])
def test_every_kind_of_annotation_comes_back_with_its_text_and_source(draft, tmp_path, rotate, shift):
    from layout.review.comments import read_comments

    out = tmp_path / f"reviewed-{rotate}.pdf"
    expect = annotate(draft, out, rotate, shift)
    comments = {c.text: c for c in read_comments(out, doc_map(draft))}
    assert set(comments) == set(expect)  # the reply and the state hang under their parent
    for text, (kind, quoted, line, a, b) in expect.items():
        c = comments[text]
        assert c.kind == kind, text
        assert c.quoted == quoted, text
        assert c.number == 3 and c.page == 1
        (place,) = c.places
        assert place.source == line["source"], text
        assert (place.start, place.end) == (line["start"] + a, line["start"] + b), text
        assert place.line == line["line"] and place.file.endswith("seed.yaml")
        assert place.profile == line["profile"]
    note = comments["这段请压缩"]
    assert note.author == "主编 李" and note.date == "2024-03-15T10:30:00+08:00"
    assert note.state == "Accepted"
    assert [r.text for r in note.replies if r.text] == ["已压缩两句"]


def test_a_selection_across_lines_is_one_stretch_of_the_field(draft, tmp_path):
    from layout.review.comments import read_comments

    m = doc_map(draft)
    first, second = pick(m, "profiles[2].body[1]", 0), pick(m, "profiles[2].body[1]", 1)
    doc = pymupdf.open(draft)
    page = doc[0]
    quads = [rect(page, first, 10, len(first["text"])), rect(page, second, 0, 3)]
    page.add_highlight_annot(quads).update()
    doc.save(tmp_path / "two.pdf")
    (c,) = read_comments(tmp_path / "two.pdf", m)
    assert c.quoted == first["text"][10:] + second["text"][:3]
    (place,) = c.places
    assert (place.start, place.end) == (first["start"] + 10, second["start"] + 3)


def test_comments_command_markdown_and_json(draft, tmp_path, make_pdf):
    out = tmp_path / "reviewed.pdf"
    annotate(draft, out)
    proc = make_pdf("comments", out)  # the map travels inside the PDF
    assert proc.returncode == 0, proc.stderr
    md = proc.stdout
    assert "## zhou-hong — seed.yaml:" in md
    assert "- **Highlight** by 审读 王, 2024-03-15T10:30:00+08:00, 第3版" in md
    assert "[Accepted]" in md and "  - **Text** by 作者 周" in md
    data = json.loads(make_pdf("comments", out, "--json").stdout)
    assert {c["kind"] for c in data} >= {"Highlight", "Underline", "Squiggly", "StrikeOut", "Caret", "FreeText",
                                         "Ink", "Square", "Circle", "Text"}  # fmt: skip
    bad = make_pdf("comments", ROOT / "README.md")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


# -- proof-round diffs, page pictures, watching ------------------------------------------------


def edited_seed(tmp_path: Path) -> tuple[Path, Path, str, str]:
    import yaml

    data = yaml.safe_load((ROOT / "content" / "seed.yaml").read_text(encoding="utf-8"))
    old_path = tmp_path / "round1.yaml"
    old_path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    body = data["profiles"][3]["body"][0]
    cut = body[10:14]
    data["profiles"][3]["body"][0] = body[:10] + "（改）" + body[14:]
    data["profiles"][5]["photo"]["caption"] = data["profiles"][5]["photo"]["caption"] + "（资料图）"
    new_path = tmp_path / "round2.yaml"
    new_path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return old_path, new_path, cut, data["profiles"][3]["id"]


def test_diff_of_two_content_versions(tmp_path, make_pdf):
    old, new, cut, who = edited_seed(tmp_path)
    proc = make_pdf("diff", old, new, "--json", "--out", tmp_path / "pics")
    assert proc.returncode == 1, proc.stderr  # changes found
    data = json.loads(proc.stdout)
    texts = {(c["source"], c["kind"]): c for c in data["changes"] if c["kind"] == "text"}
    assert set(texts) == {("profiles[3].body[0]", "text"), ("profiles[5].photo.caption", "text")}
    body = texts[("profiles[3].body[0]", "text")]
    assert body["profile"] == who and body["detail"] == f"at 10: “{cut}” → “（改）”"
    assert texts[("profiles[5].photo.caption", "text")]["detail"].endswith("inserted “（资料图）”")
    (picture,) = data["pictures"]
    from PIL import Image

    with Image.open(picture) as img:
        raw = img.convert("RGB").tobytes()
        pixels = zip(raw[0::3], raw[1::3], raw[2::3])
        marked = sum(1 for r, g, b in pixels if r > 200 and 150 < g < 230 and b < 150)
    assert marked > 50  # the changed lines are tinted on the new page
    same = make_pdf("diff", old, old, "--no-pictures")
    assert same.returncode == 0 and "No changes." in same.stdout


def test_diff_of_two_draft_pdfs(tmp_path, make_pdf):
    old, new, _, _ = edited_seed(tmp_path)
    for src in (old, new):
        assert make_pdf(src, "--draft", "-o", tmp_path / f"{src.stem}.pdf").returncode == 0
    proc = make_pdf("diff", tmp_path / "round1.pdf", tmp_path / "round2.pdf", "--no-pictures")
    assert proc.returncode == 1
    assert "**text** `profiles[3].body[0]`" in proc.stdout
    plain = tmp_path / "plain.pdf"
    assert make_pdf(old, "-o", plain).returncode == 0
    bad = make_pdf("diff", plain, tmp_path / "round2.pdf")
    assert bad.returncode == 2 and "no source map" in bad.stderr


def test_png_pictures_next_to_the_pdf(tmp_path, make_pdf):
    out = tmp_path / "seed.pdf"
    proc = make_pdf("--png", "-o", out)
    assert proc.returncode == 0, proc.stderr
    from PIL import Image

    with Image.open(tmp_path / "seed-1.png") as img:
        assert abs(img.width / img.height - 390 / 540) < 0.01


def test_watch_renders_again_after_a_save(tmp_path):
    import subprocess
    import sys
    import time

    page = tmp_path / "page.yaml"
    page.write_text((ROOT / "content" / "seed.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "page.pdf"
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "make_pdf.py"), str(page), "--watch", "-q", "-o", str(out)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.time() + 60
        while not out.exists() and time.time() < deadline:
            time.sleep(0.1)
        assert out.exists()
        first = out.read_bytes()
        time.sleep(0.3)
        page.write_text(page.read_text(encoding="utf-8").replace("自我加压", "自我加码", 1), encoding="utf-8")
        while out.read_bytes() == first and time.time() < deadline:
            time.sleep(0.1)
        assert out.read_bytes() != first
        time.sleep(1.0)  # the new PDF is written before its line "… after the save" is printed
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert "after the save" in err and "Traceback" not in err


def test_comments_with_a_map_of_the_wrong_shape(draft, tmp_path, make_pdf):
    bad = tmp_path / "bad.map.json"
    bad.write_text('{"pages": 3}', encoding="utf-8")
    proc = make_pdf("comments", draft, "--map", bad)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "internal" not in proc.stderr
