"""Two proof rounds of the default page compared (``make_pdf.py diff``): a paragraph moved
within a profile and to another profile, one deleted, one inserted, a sentence added, each
reported as such with the YAML lines of both rounds; moved modules named by profile; and the
old and new pages side by side with the changes marked on both."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import yaml

from layout.review.diff import SentenceEdit, diff_maps, sentence_edits, sentences

ROOT = Path(__file__).resolve().parent.parent
REPLACED = "他带领队员提高了管理效能。"
INSERTED = "新插入的一段:社区志愿者也参与了这项工作。"


def yaml_line(path: Path, *keys: str | int) -> int:
    """The 1-based line where a value starts in a YAML file, found by PyYAML's composer."""
    node = yaml.compose(path.read_text(encoding="utf-8"))
    for key in keys:
        if isinstance(key, int):
            node = node.value[key]
        else:
            node = next(v for k, v in node.value if k.value == key)
    return node.start_mark.line + 1


def norm(text: str) -> str:
    return text.replace(",", "，").replace(":", "：").replace(";", "；")


@pytest.fixture(scope="module")
def rounds(tmp_path_factory) -> dict:
    """round1: the seed; round2: cao-huan's third paragraph first, zhou-hong's second deleted,
    the second sentence of zhang-yong's second replaced, zhang-yong's last moved to zhang-lanfeng, a
    paragraph inserted in suo-danfeng's body. Both rendered as drafts; the diff run once."""
    from conftest import run_make_pdf

    folder = tmp_path_factory.mktemp("rounds")
    data = yaml.safe_load((ROOT / "content" / "seed.yaml").read_text(encoding="utf-8"))
    old = folder / "round1.yaml"
    old.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    p = data["profiles"]
    original = {k: list(p[k]["body"]) for k in range(len(p))}
    p[3]["body"].insert(0, p[3]["body"].pop(2))
    p[2]["body"].pop(1)
    parts = sentences(p[4]["body"][1])
    p[4]["body"][1] = "".join([parts[0], REPLACED, *parts[2:]])
    p[7]["body"].append(p[4]["body"].pop(3))
    p[5]["body"].insert(1, INSERTED)
    new = folder / "round2.yaml"
    new.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    for src in (old, new):
        proc = run_make_pdf(src, "--draft", "--allow-overset", "-o", folder / f"{src.stem}.pdf")
        assert proc.returncode in (0, 1), proc.stderr
    proc = run_make_pdf("diff", folder / "round1.pdf", folder / "round2.pdf", "--json", "--out", folder / "pics")
    assert proc.returncode == 1, proc.stderr
    maps = [json.loads((folder / f"round{k}.map.json").read_text(encoding="utf-8")) for k in (1, 2)]
    return {"old": old, "new": new, "data": data, "original": original, "out": json.loads(proc.stdout),
            "maps": maps, "folder": folder}  # fmt: skip


def changes(rounds: dict, kind: str) -> list[dict]:
    return [c for c in rounds["out"]["changes"] if c["kind"] == kind]


def test_sentences_and_sentence_edits():
    parts = ["甲说：“好。”", "乙走了！", "丙呢？", "丁；", "戊……", "己"]
    assert sentences("".join(parts)) == parts
    assert sentence_edits("一。二。三。四。", "一。二。新。四。五。") == [
        SentenceEdit("二。", ["三。"], ["新。"], "四。"),
        SentenceEdit("四。", [], ["五。"], ""),
    ]


def test_moved_paragraphs_are_moves_with_both_yaml_lines(rounds):
    moved = {c["old_source"]: c for c in changes(rounds, "paragraph-moved")}
    assert set(moved) == {"profiles[3].body[2]", "profiles[4].body[3]"}
    within = moved["profiles[3].body[2]"]
    assert within["source"] == "profiles[3].body[0]" and within["profile"] == "cao-huan"
    assert within["old_line"] == yaml_line(rounds["old"], "profiles", 3, "body", 2)
    assert within["new_line"] == yaml_line(rounds["new"], "profiles", 3, "body", 0)
    assert within["detail"] == "paragraph moved from cao-huan `profiles[3].body[2]` to cao-huan `profiles[3].body[0]`"
    assert within["sentences"] == []
    across = moved["profiles[4].body[3]"]
    assert across["source"] == "profiles[7].body[3]" and across["profile"] == "zhang-lanfeng"
    assert across["new"] == norm(rounds["original"][4][3])
    assert across["old_line"] == yaml_line(rounds["old"], "profiles", 4, "body", 3)
    assert across["new_line"] == yaml_line(rounds["new"], "profiles", 7, "body", 3)
    assert across["detail"].startswith("paragraph moved from zhang-yong `profiles[4].body[3]` to zhang-lanfeng")


def test_deleted_and_inserted_paragraphs_are_one_change_each(rounds):
    (gone,) = changes(rounds, "paragraph-deleted")
    assert gone["source"] == gone["old_source"] == "profiles[2].body[1]" and gone["profile"] == "zhou-hong"
    assert gone["old"] == norm(rounds["original"][2][1]) and gone["new"] == ""
    assert gone["old_line"] == yaml_line(rounds["old"], "profiles", 2, "body", 1) and gone["new_line"] is None
    (came,) = changes(rounds, "paragraph-inserted")
    assert came["source"] == "profiles[5].body[1]" and came["new"] == norm(INSERTED)
    assert came["new_line"] == yaml_line(rounds["new"], "profiles", 5, "body", 1) and came["old_line"] is None
    assert came["detail"] == f"paragraph inserted (21 characters: “{norm(INSERTED)}”)"
    # nothing after the deleted, inserted or moved paragraphs counts as edited
    assert [c["source"] for c in changes(rounds, "text")] == ["profiles[4].body[1]"]


def test_sentence_level_edit(rounds):
    (edit,) = changes(rounds, "text")
    first, second, third = sentences(norm(rounds["original"][4][1]))[:3]
    assert edit["sentences"] == [{"before": first, "deleted": [second], "inserted": [REPLACED], "after": third}]
    assert edit["source"] == "profiles[4].body[1]" and edit["profile"] == "zhang-yong"
    assert edit["old_line"] == yaml_line(rounds["old"], "profiles", 4, "body", 1)
    assert edit["new_line"] == yaml_line(rounds["new"], "profiles", 4, "body", 1)
    assert edit["old_file"].endswith("round1.yaml") and edit["new_file"].endswith("round2.yaml")


def test_markdown_names_sentences_lines_and_moves(rounds):
    from layout.review.diff import as_markdown

    md = as_markdown(diff_maps(*rounds["maps"]), "round1.pdf", "round2.pdf")
    line = yaml_line(rounds["old"], "profiles", 2, "body", 1)
    assert f"- **paragraph-deleted** `profiles[2].body[1]` (round1.yaml:{line}): paragraph deleted (" in md
    assert f"    - + {REPLACED}" in md
    assert "Paragraphs: 2 moved, 1 deleted, 1 inserted." in md


def test_moved_modules_are_named_by_profile(rounds):
    moves = changes(rounds, "moved")
    assert moves, "the inserted and deleted paragraphs move modules"
    names = {"zhou-hong": "周红", "zhang-lanfeng": "张兰峰", "cao-huan": "曹欢"}
    for c in moves:
        assert c["detail"].startswith(f"{c['profile']} ("), c["detail"]
        assert "): module moved from 第3版 columns " in c["detail"]
        if c["profile"] in names:
            assert c["detail"].startswith(f"{c['profile']} ({names[c['profile']]}): ")


def test_moved_module_wording_from_grid_records():
    def doc(column: int) -> dict:
        unit = dict(ids=["a"], briefs=False, column=column, span=2, row=0, rows=40, photo="2×11")
        name = {"text": "甲乙", "source": "profiles[0].name", "profile": "a", "role": "name", "start": 0,
                "end": 2, "box": [0, 0, 1, 1], "file": "p.yaml", "line": 3}  # fmt: skip
        page = {"number": 3, "lines": [name], "modules": [], "arrangement": {"units": [unit]}}
        return {"version": 2, "pages": [page]}

    (c,) = diff_maps(doc(0), doc(2)).changes
    assert c.detail == (
        "a (甲乙): module moved from 第3版 columns 1–2, rows 1+40, photo 2×11"
        " to 第3版 columns 3–4, rows 1+40, photo 2×11"
    )


def share(img, box: tuple[float, float, float, float], test) -> float:  # noqa: ANN001
    """The share of pixels inside ``box`` (pixels) for which ``test(r, g, b)`` holds."""
    x0, y0, x1, y1 = (round(v) for v in box)
    pixels = [img.getpixel((x, y)) for x in range(x0 + 1, x1 - 1) for y in range(y0 + 1, y1 - 1)]
    return sum(1 for p in pixels if test(*p)) / max(1, len(pixels))


def red(r: int, g: int, b: int) -> bool:
    return r > g + 40 and r > b + 40 and abs(g - b) < 30


def green(r: int, g: int, b: int) -> bool:
    return g > r + 30 and g > b + 30


def blue(r: int, g: int, b: int) -> bool:
    return b > r + 40 and b > g + 20


def orange(r: int, g: int, b: int) -> bool:
    return r > 150 and g > b + 40 and r > b + 60


def test_side_by_side_picture_marks_both_pages(rounds):
    from PIL import Image

    from layout.review.pictures import DPI, GAP, Space

    (picture,) = rounds["out"]["pictures"]
    assert Path(picture).name == "round2-diff-1.png"
    old_map, new_map = rounds["maps"]
    with Image.open(picture) as src:
        img = src.convert("RGB")
    width = math.ceil(_page_width(rounds["folder"] / "round2.pdf") * DPI / 72)  # both rounds' pages alike
    assert img.width == 2 * width + GAP
    left = width + GAP  # where the new page starts

    def boxes(doc_map: dict, source: str) -> list[list[float]]:
        return [ln["box"] for ln in doc_map["pages"][0]["lines"] if ln["source"] == source]

    space = Space(_crop(rounds["folder"] / "round1.pdf"), 0, DPI)
    new_space = Space(_crop(rounds["folder"] / "round2.pdf"), 0, DPI)

    def old_px(box: list[float]) -> tuple[float, float, float, float]:
        return space.box(box)

    def new_px(box: list[float]) -> tuple[float, float, float, float]:
        x0, y0, x1, y1 = new_space.box(box)
        return x0 + left, y0, x1 + left, y1

    for box in boxes(old_map, "profiles[2].body[1]"):  # deleted: red on the old page
        assert share(img, old_px(box), red) > 0.5, box
    for box in boxes(new_map, "profiles[5].body[1]"):  # inserted: green on the new page
        assert share(img, new_px(box), green) > 0.5, box
    for box in boxes(old_map, "profiles[4].body[3]"):  # moved: blue on both pages
        assert share(img, old_px(box), blue) > 0.5, box
    for box in boxes(new_map, "profiles[7].body[3]"):
        assert share(img, new_px(box), blue) > 0.5, box
    changed = [b for b in boxes(new_map, "profiles[4].body[1]") if share(img, new_px(b), orange) > 0.5]
    assert 1 <= len(changed) <= 2  # only the line(s) holding the new sentence
    untouched = boxes(new_map, "profiles[1].body[0]")[0]
    assert share(img, new_px(untouched), lambda r, g, b: red(r, g, b) or green(r, g, b) or blue(r, g, b)) < 0.05


def _crop(pdf: Path) -> list[float]:
    import pikepdf

    with pikepdf.open(pdf) as doc:
        return [float(v) for v in doc.pages[0].cropbox]


def _page_width(pdf: Path) -> float:
    x0, _, x1, _ = _crop(pdf)
    return x1 - x0
