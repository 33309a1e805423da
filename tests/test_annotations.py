"""Reviewers' annotations as each reader writes them (PyMuPDF's API for real files;
hand-built objects imitating Acrobat, Preview, PDF.js and Foxit), re-saved and
rotated, read back exactly: place, field, YAML line and offsets; page-level
comments stay page-level; replies, states and grouped edits end on their parent;
damaged annotations are skipped with a warning (``layout/review/comments.py``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pikepdf
import pytest

pymupdf = pytest.importorskip("pymupdf")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_comments as bench  # noqa: E402

from layout.review.comments import (  # noqa: E402
    Comment,
    EncryptedPDF,
    UnreadablePDF,
    as_markdown,
    field_name,
    read_comments,
    read_comments_with_warnings,
)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    """The small draft, its map, and the files every reader style wrote, in every variant."""
    folder = tmp_path_factory.mktemp("annotated")
    draft = bench.make_draft(folder)
    doc_map = json.loads(draft.with_name("small.map.json").read_text(encoding="utf-8"))
    t = bench.Targets(doc_map)
    files = {
        "pymupdf": (folder / "pymupdf.pdf", bench.by_pymupdf(draft, folder / "pymupdf.pdf", t)),
        "hand": (folder / "hand.pdf", bench.by_hand(draft, folder / "hand.pdf", t)),
    }
    return {"draft": draft, "map": doc_map, "targets": t, "files": files}


def by_key(comments: list[Comment]) -> dict[str, Comment]:
    return {c.text: c for c in comments}


def line_of(doc_map: dict, source: str) -> int | None:
    return next(ln["line"] for ln in doc_map["pages"][0]["lines"] if ln["source"] == source)


@pytest.mark.parametrize("variant", bench.VARIANTS)
@pytest.mark.parametrize("writer", ["pymupdf", "hand"])
def test_every_subtype_of_every_reader_is_placed_exactly(built, writer, variant):
    path, cases = built["files"][writer]
    copy = bench.variants(path)[variant]
    comments, warnings = read_comments_with_warnings(copy, built["map"])
    assert warnings == []
    got = by_key(comments)
    for case in cases:
        c = got[case.key]
        assert c.where == case.where, case
        if case.where == "page":
            assert c.places == [] and c.quoted == "", case
            continue
        (place,) = c.places
        assert place.source == case.source, case
        if case.where in ("text", "caption"):
            assert (place.start, place.end, place.text) == (case.start, case.end, case.text), case
            assert place.line == line_of(built["map"], case.source) and place.file.endswith("small.yaml")
        elif case.where == "photo":
            assert place.line == built["targets"].page["photos"][int(case.source[9])]["line"]
    # Popups are carriers, never comments; nothing else comes back
    assert {c.text for c in comments} == {case.key for case in cases}
    assert not any(c.kind == "Popup" for c in comments)


def test_a_loop_round_a_number_takes_the_number_not_the_comma(built):
    got = by_key(read_comments(built["files"]["pymupdf"][0], built["map"]))
    loop = got["pm-loop"]
    assert loop.quoted == "1280" and loop.places[0].text == "1280"
    # the bounding box of the same loop reaches the comma's centre: the polygon rule is what keeps it out
    line, a, b = built["targets"].number()
    assert line["text"][b] == "，"
    ring_right = (
        (line["x"][a] + line["x"][b]) / 2 + (line["x"][b] - line["x"][a]) / 2 + 0.4 * (line["box"][3] - line["box"][1])
    )
    assert ring_right > line["x"][b]


def test_shapes_round_photo_caption_and_module(built):
    got = by_key(read_comments(built["files"]["pymupdf"][0], built["map"]))
    photos = built["targets"].page["photos"]
    assert got["pm-square-photo"].where == "photo" and got["pm-square-photo"].profile == photos[0]["profile"]
    assert got["pm-square-photo"].places[0].source == "profiles[0].photo"
    assert got["pm-circle-caption"].where == "caption" and got["pm-circle-caption"].profile == photos[1]["profile"]
    module = got["pm-square-module"]
    assert module.where == "module" and module.profile == "zhou-hong" and module.places[0].source == "profiles[2]"


def test_page_level_comments_are_not_attached_to_the_nearest_text(built):
    got = by_key(read_comments(built["files"]["hand"][0], built["map"]))
    for key in ("acro-approved", "pv-textbox", "pv-margin-note", "js-freetext"):
        assert got[key].where == "page" and got[key].places == [], key
    got = by_key(read_comments(built["files"]["pymupdf"][0], built["map"]))
    for key in ("pm-margin-note", "pm-stamp", "pm-file"):
        assert got[key].where == "page" and got[key].places == [], key
    md = as_markdown(list(got.values()), "x.pdf")
    assert md.index("## Page-level") > md.index("## zhou-hong")  # page-level ones come last


def test_acrobat_replace_text_is_one_comment_with_its_edit(built):
    comments = read_comments(built["files"]["hand"][0], built["map"])
    got = by_key(comments)
    replace = got["acro-replace"]
    line = built["targets"].line("profiles[0].body[2]", 4)
    assert replace.edit is not None
    e = replace.edit
    assert (e.kind, e.old, e.new, e.source) == ("replace", line["text"][2:4], "acro-replace", "profiles[0].body[2]")
    assert (e.start, e.end) == (line["start"] + 2, line["start"] + 4) and e.line == line["line"]
    assert e.file.endswith("small.yaml")
    # the caret is folded into the strike-out: no second comment for it
    assert [c for c in comments if c.places and c.places[0].start == e.start and c.kind == "Caret"] == []
    assert sum(1 for c in comments if c.id in ("acro-rs", "acro-rc")) == 1


def test_insert_and_delete_edits(built):
    got = by_key(read_comments(built["files"]["pymupdf"][0], built["map"]))
    caret = got["pm-caret"].edit
    line = built["targets"].line("profiles[2].body[0]", 3)
    assert (caret.kind, caret.old, caret.new) == ("insert", "", "pm-caret")
    assert caret.start == caret.end == line["start"] + 5
    strike = got["pm-strikeout"].edit
    line = built["targets"].line("profiles[2].body[0]", 1)
    assert (strike.kind, strike.old, strike.new) == ("delete", line["text"][4:6], "")
    assert (strike.start, strike.end) == (line["start"] + 4, line["start"] + 6)
    assert got["pm-highlight"].edit is None and got["pm-note"].edit is None


def test_replies_and_states_end_on_their_parent(built):
    comments = read_comments(built["files"]["hand"][0], built["map"])
    got = by_key(comments)
    note = got["acro-note"]
    assert note.state == "Accepted"  # from /State
    assert [r.text for r in note.replies] == ["Accepted set by Acrobat 审读"]
    fox = got["fx-highlight"]
    assert fox.state == "Accepted"  # a state reply with only its text, as Foxit writes it
    assert sorted(r.text for r in fox.replies) == ["Accepted set by Foxit 校对", "fx-reply"]
    assert all(r.in_reply_to == fox.ref for r in fox.replies)
    tops = {c.text for c in comments}
    assert "fx-reply" not in tops and not any(t.endswith("set by Foxit 校对") for t in tops)


def test_ids_subject_and_box_are_stable_across_saves(built):
    for writer in ("pymupdf", "hand"):
        path, _ = built["files"][writer]
        seen = []
        for copy in bench.variants(path).values():
            comments = read_comments(copy, built["map"])
            seen.append({c.text: (c.id, c.subject, c.box) for c in comments})
        assert all(s == seen[0] for s in seen[1:]), writer
    got = by_key(read_comments(built["files"]["hand"][0], built["map"]))
    assert got["acro-highlight"].id == "acro-hl" and got["acro-highlight"].subject == "Highlight"
    assert got["fx-highlight"].id == "fx-0001"
    assert len(got["pv-highlight"].id) == 12  # no /NM: a hash of subtype, rounded Rect, author and text
    assert len(got["pv-highlight"].box) == 4


def _highlight(pdf_path: Path, out: Path, box, key: str) -> None:
    with pikepdf.open(pdf_path) as pdf:
        x0, y0, x1, y1 = box
        annot = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Highlight, Rect=[x0, y0, x1, y1],
            QuadPoints=[x0, y1, x1, y1, x0, y0, x1, y0], Contents=pikepdf.String(key),
        )  # fmt: skip
        pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(annot)]))
        pdf.save(out)


@pytest.mark.parametrize(
    ("source", "a", "b", "start", "end", "text"),
    [
        ("profiles[0].quote.text", 0, 5, 0, 4, None),  # the opening mark is the layout's
        ("profiles[0].quote.by", 0, None, 0, 3, "王志勇"),  # —— before the quote's source
        ("profiles[0].name", 0, None, 0, 3, "王志勇"),
        ("section", 0, None, 0, None, None),  # 第N版 before the section's name
    ],
)
def test_offsets_point_at_the_source_text_where_the_layout_adds_marks(built, tmp_path, source, a, b, start, end, text):
    t = built["targets"]
    line = t.line(source)
    b = len(line["text"]) if b is None else b
    out = tmp_path / "marks.pdf"
    _highlight(built["draft"], out, t.box(line, a, b), "mark")
    (c,) = read_comments(out, built["map"])
    (place,) = c.places
    assert c.quoted == line["text"][a:b]
    shown = line["text"]
    if source == "section":
        lead = len(shown) - (line["end"] - line["start"])
        assert shown.startswith("第") and (place.start, place.end, place.text) == (0, line["end"], shown[lead:])
        return
    assert (place.start, place.end) == (start, end)
    if text is None:  # a pull quote: the source text starts after the added opening mark
        assert place.text == shown[1:5] and not place.text.startswith("“")
    else:
        assert place.text == text


def _damage(pdf_path: Path, out: Path) -> None:
    """A null, a number, a Rect of words, short QuadPoints and an unknown subtype among good annotations."""
    with pikepdf.open(pdf_path) as pdf:
        annots = pdf.pages[0].obj.Annots
        bad_rect = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Square, Rect=[1, "x", 3, 4])
        short_quads = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Highlight, Rect=[0, 0, 9, 9], QuadPoints=[1, 2, 3, 4, 5, 6, 7]
        )
        odd = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name("/Hologram"), Rect=[0, 0, 9, 9])
        for extra in (None, 42, bad_rect, short_quads, odd):
            annots.append(pdf.make_indirect(extra) if isinstance(extra, pikepdf.Dictionary) else extra)
        pdf.save(out)


def test_damaged_annotations_are_skipped_with_a_warning(built, tmp_path):
    path, cases = built["files"]["pymupdf"]
    out = tmp_path / "damaged.pdf"
    _damage(path, out)
    comments, warnings = read_comments_with_warnings(out, built["map"])
    assert {c.text for c in comments} == {case.key for case in cases}
    assert len(warnings) == 5 and all(w.startswith("page 1: /Annots[") for w in warnings)
    assert "null" in warnings[0] and "int" in warnings[1]
    assert "/Rect" in warnings[2] and "/QuadPoints" in warnings[3] and "Hologram" in warnings[4]
    assert all("object" in w for w in warnings[2:])
    assert read_comments(out, built["map"])  # the plain reader keeps working
    # (an /Annots that is not an array never reaches the reader: qpdf drops it when opening)


def test_encrypted_truncated_and_foreign_files_raise_a_clear_error(built, tmp_path):
    locked = tmp_path / "locked.pdf"
    with pikepdf.open(built["files"]["hand"][0]) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(owner="o", user="secret"))
    with pytest.raises(EncryptedPDF, match="encrypted: give --password"):
        read_comments(locked, built["map"])
    assert by_key(read_comments(locked, built["map"], password="secret"))["acro-highlight"].where == "text"
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"not a pdf at all")
    with pytest.raises(UnreadablePDF, match="not a readable PDF"):
        read_comments(junk, built["map"])
    cut = tmp_path / "cut.pdf"
    data = built["files"]["hand"][0].read_bytes()
    cut.write_bytes(data[: len(data) * 2 // 3])
    try:
        comments, warnings = read_comments_with_warnings(cut, built["map"])
    except ValueError as exc:  # unreadable beyond repair, or its pages no longer match the map
        assert "Traceback" not in str(exc)
    else:
        assert isinstance(comments, list) and isinstance(warnings, list)


def test_markdown_groups_per_profile_with_field_line_state_replies_and_edit(built):
    comments = read_comments(built["files"]["hand"][0], built["map"])
    md = as_markdown(comments, "hand.pdf")
    head = md.index("## wang-zhiyong — small.yaml:")
    section = md[head : md.index("\n## ", head + 1)]
    assert "[Accepted]" in section and "  - **Text** by 作者 周" in section
    assert "text: body paragraph 3 `profiles[0].body[2]`" in section
    line = built["targets"].line("profiles[0].body[2]", 4)
    assert f"proposes: replace “{line['text'][2:4]}” with “acro-replace”" in section
    assert f"(small.yaml:{line['line']})" in section
    assert "photo: photo `profiles[1].photo`" in md
    assert md.rstrip().endswith("on the page (nothing under it)")
    assert field_name("profiles[2].quote.by") == "pull quote's source"
    assert field_name("profiles[2]") == "the whole module"
