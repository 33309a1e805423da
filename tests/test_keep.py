"""``--keep PREVIOUS``: a new proof round keeps the previous round's arrangement.

A small page (the seed page's first five profiles) is rendered as a draft; then edited
copies are rendered with ``--keep`` its draft or map, and the new maps' grid records
(every module's columns, rows and photo) are compared with the old one's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from layout.page.arrange import Area
from layout.page.keep import Node, tree

ROOT = Path(__file__).resolve().parent.parent
CUT = 20  # characters


def grid(draft: Path) -> dict[str, tuple]:
    """Per profile: its module's (column, span, row, rows, photo) in the draft's map."""
    doc = json.loads(draft.with_name(draft.stem + ".map.json").read_text(encoding="utf-8"))
    units = doc["pages"][0]["arrangement"]["units"]
    return {i: (u["column"], u["span"], u["row"], u["rows"], u["photo"]) for u in units for i in u["ids"]}


def moved(draft: Path) -> dict[str, dict]:
    doc = json.loads(draft.with_name(draft.stem + ".map.json").read_text(encoding="utf-8"))
    return {m["id"]: m for m in doc["pages"][0]["arrangement"]["moved"]}


def write_page(folder: Path, name: str, edit=None) -> Path:
    seed = yaml.safe_load((ROOT / "content" / "seed.yaml").read_text(encoding="utf-8"))
    page = dict(seed, profiles=seed["profiles"][:5])
    if edit is not None:
        edit(page, seed)
    out = folder / f"{name}.yaml"
    out.write_text(yaml.safe_dump(page, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


def render(yaml_file: Path, *args: str | Path, code: int | None = 0):
    from conftest import run_make_pdf

    out = yaml_file.with_suffix(".pdf")
    proc = run_make_pdf(yaml_file, "--draft", "-o", out, *args)
    assert proc.returncode == code if code is not None else proc.returncode in (0, 1), proc.stderr
    return out, proc


@pytest.fixture(scope="module")
def previous(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("keep")
    out, _ = render(write_page(folder, "round1"))
    return out


def body(page: dict, pid: str) -> list[str]:
    return next(p for p in page["profiles"] if p["id"] == pid)["body"]


def roomiest(previous: Path) -> str:
    """The profile of the previous round with the most empty cells in its module (one whose
    text can grow a little)."""
    doc = json.loads(previous.with_name(previous.stem + ".map.json").read_text(encoding="utf-8"))
    units = [u for u in doc["pages"][0]["arrangement"]["units"] if not u["briefs"]]
    return max(units, key=lambda u: (u["blank"], u["ids"][0]))["ids"][0]


def test_map_records_the_arrangement(previous):
    doc = json.loads(previous.with_name("round1.map.json").read_text(encoding="utf-8"))
    assert doc["version"] == 2
    rec = doc["pages"][0]["arrangement"]
    assert rec["style"] == "broadsheet" and rec["columns"] == 8 and rec["zone_rows"] > 0 and rec["leading"] > 0
    assert [u["ids"][0] for u in rec["units"]] and all("×" in u["photo"] for u in rec["units"])
    cells = sum(u["span"] * u["rows"] for u in rec["units"])
    assert cells <= rec["columns"] * rec["zone_rows"]
    assert rec["moved"] == []


@pytest.mark.parametrize("grow", [False, True], ids=["cut 20", "add 20"])
def test_small_edit_moves_nothing(previous, grow):
    pid = roomiest(previous)

    def edit(page, seed):
        paras = body(page, pid)
        text = paras[0]
        added = "他们坚持每天清晨巡查公园设施及时维修保养"
        assert len(added) == CUT
        paras[0] = text[:-1] + added + text[-1] if grow else text[: -CUT - 1] + text[-1]

    new, proc = render(write_page(previous.parent, f"small-{grow}", edit), "--keep", previous)
    assert grid(new) == grid(previous)  # every rectangle and photo as it was
    assert moved(new) == {}
    assert "kept round:" not in proc.stderr


def test_paragraph_added_moves_only_what_must(previous):
    def edit(page, seed):
        paras = body(page, "gan-yuanjing")
        paras.append(paras[0])

    new, proc = render(write_page(previous.parent, "para", edit), "--keep", previous)
    before, after, why = grid(previous), grid(new), moved(new)
    assert "gan-yuanjing" in why and "overset" in why["gan-yuanjing"]["reason"]
    assert len(why) < len(before)  # not the whole page
    for pid in before:
        assert (after[pid] == before[pid]) == (pid not in why), pid  # moved ⇔ named
    assert all(m["reason"] for m in why.values())
    assert "kept round: 'gan-yuanjing'" in proc.stderr


def test_report_lists_moves(previous):
    def edit(page, seed):
        body(page, "gan-yuanjing").append(body(page, "gan-yuanjing")[0])

    report = previous.parent / "report.json"
    _, proc = render(write_page(previous.parent, "para-r", edit), "--keep", previous, "--report", report, "-v")
    data = json.loads(report.read_text(encoding="utf-8"))
    assert [m["id"] for m in data["moved"]][:1] == ["gan-yuanjing"] and data["moved"][0]["reason"]
    assert "kept round: 'gan-yuanjing'" in proc.stdout  # the table


def test_profile_removed_and_added(previous):
    def edit(page, seed):
        page["profiles"] = [p for p in page["profiles"] if p["id"] != "zhou-hong"] + [seed["profiles"][6]]

    # less copy where the removed profile stood: its space may be left open (a short page, exit 1)
    new, _ = render(write_page(previous.parent, "swap", edit), "--keep", previous, code=None)
    before, after, why = grid(previous), grid(new), moved(new)
    added = seed_id(6)
    assert why["zhou-hong"]["to"] is None and why["zhou-hong"]["reason"] == "removed from the page"
    assert why[added]["from"] is None and why[added]["reason"] == "new profile"
    for pid in before:
        if pid in after:
            assert (after[pid] == before[pid]) == (pid not in why), pid
    assert sum(1 for m in why.values() if m["from"] and m["to"]) < len(before) - 1


def test_deeper_intro_moves_only_modules_on_the_foot(previous):
    """A longer intro makes the module zone shallower: the modules on its foot give up the rows."""
    new, proc = render(
        write_page(previous.parent, "intro", lambda p, s: p.update(intro=p["intro"] * 2)), "--keep", previous
    )
    doc = json.loads(previous.with_name("round1.map.json").read_text(encoding="utf-8"))
    rec = doc["pages"][0]["arrangement"]
    foot = {i for u in rec["units"] if u["row"] + u["rows"] == rec["zone_rows"] for i in u["ids"]}
    why = moved(new)
    assert why and set(why) <= foot, proc.stderr
    assert all(m["reason"] for m in why.values())
    assert all(grid(new)[pid] == grid(previous)[pid] for pid in grid(previous) if pid not in why)


def seed_id(k: int) -> str:
    return yaml.safe_load((ROOT / "content" / "seed.yaml").read_text(encoding="utf-8"))["profiles"][k]["id"]


def test_deterministic_and_pdf_or_map_alike(previous):
    def edit(page, seed):
        body(page, "gan-yuanjing").append(body(page, "gan-yuanjing")[0])

    page = write_page(previous.parent, "det", edit)
    a, _ = render(page, "--keep", previous)
    first = a.read_bytes()
    b, _ = render(page, "--keep", previous)
    assert b.read_bytes() == first
    c, _ = render(page, "--keep", previous.with_name("round1.map.json"))
    assert c.read_bytes() == first


def test_map_of_another_page_is_refused(previous):
    page = write_page(previous.parent, "other", lambda p, s: p.update(page=4))
    _, proc = render(page, "--keep", previous, code=2)
    assert "another page" in proc.stderr and "第3版" in proc.stderr


def test_old_map_is_refused(previous, tmp_path):
    doc = json.loads(previous.with_name("round1.map.json").read_text(encoding="utf-8"))
    doc["version"] = 1
    for p in doc["pages"]:
        del p["arrangement"]
    old = tmp_path / "old.map.json"
    old.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    _, proc = render(write_page(previous.parent, "old"), "--keep", old, code=2)
    assert "records no arrangement" in proc.stderr


def test_comments_read_old_and_new_maps(previous):
    from layout.review.comments import read_comments

    doc = json.loads(previous.with_name("round1.map.json").read_text(encoding="utf-8"))
    assert read_comments(previous, doc) == []
    for p in doc["pages"]:
        del p["arrangement"]
    doc["version"] = 1
    assert read_comments(previous, doc) == []


def test_diff_names_moved_modules_with_reasons(previous):
    from conftest import run_make_pdf

    def edit(page, seed):
        body(page, "gan-yuanjing").append(body(page, "gan-yuanjing")[0])

    new, _ = render(write_page(previous.parent, "diffed", edit), "--keep", previous)
    proc = run_make_pdf("diff", previous, new, "--json", "--no-pictures")
    assert proc.returncode == 1, proc.stderr
    changes = [c for c in json.loads(proc.stdout)["changes"] if c["kind"] == "moved"]
    assert {c["profile"] for c in changes} == set(moved(new))
    assert all(c["reason"] for c in changes)
    assert "overset" in next(c for c in changes if c["profile"] == "gan-yuanjing")["reason"]


def test_diff_detects_moves_without_reasons():
    from layout.review.diff import diff_maps

    def doc(rect: list[int], photo: str) -> dict:
        unit = dict(ids=["a"], briefs=False, column=rect[0], span=rect[1], row=rect[2], rows=rect[3], photo=photo)
        page = {"number": 3, "lines": [], "modules": [], "arrangement": {"units": [unit]}}
        return {"version": 2, "pages": [page]}

    (change,) = diff_maps(doc([0, 2, 0, 40], "2×11"), doc([2, 2, 0, 40], "2×11")).changes
    assert change.kind == "moved" and change.profile == "a" and change.reason == ""
    assert "columns 1–2" in change.detail and "columns 3–4" in change.detail
    assert not diff_maps(doc([0, 2, 0, 40], "2×11"), doc([0, 2, 0, 40], "2×11")).changes


def test_tree_of_a_guillotine_page():
    # two bands: A | (B over C) on top, D across the foot, an open corner beside D
    items = [
        (Area(0, 0, 3, 40), 0),
        (Area(3, 0, 5, 20), 1),
        (Area(3, 21, 5, 19), 2),
        (Area(0, 41, 6, 30), 3),
    ]
    root = tree(Area(0, 0, 8, 80), items)
    assert root is not None and root.across and root.cut == 40
    top, foot = root.parts
    assert not top.across and top.cut == 3 and top.parts[1].across and top.parts[1].cut == 20
    leaves = [n for n in root.walk() if not n.parts]
    opens = [n.area for n in leaves if n.item is None]
    assert opens == [Area(6, 41, 2, 30), Area(0, 72, 8, 8)]  # space beside D and under it
    assert {n.item for n in leaves if n.item is not None} == {0, 1, 2, 3}
    assert isinstance(foot, Node) and foot.modules == frozenset({3})


def test_tree_refuses_a_pinwheel():
    pinwheel = [(Area(0, 0, 2, 1), 0), (Area(2, 0, 1, 2), 1), (Area(1, 2, 2, 1), 2), (Area(0, 1, 1, 2), 3)]
    assert tree(Area(0, 0, 3, 3), pinwheel) is None


def test_booked_block_stays_and_a_changed_booking_makes_the_page_anew(tmp_path):
    def with_ad(page, seed):
        page["profiles"] = page["profiles"][:4]
        page["ads"] = [{"id": "bank", "size": "通栏", "position": "foot"}]

    first, _ = render(write_page(tmp_path, "ad1", with_ad), code=None)
    doc = json.loads(first.with_name("ad1.map.json").read_text(encoding="utf-8"))
    (booked,) = doc["pages"][0]["arrangement"]["booked"]
    assert (
        booked["id"] == "bank"
        and booked["columns"] == 8
        and booked["row"] + booked["rows"] == doc["pages"][0]["arrangement"]["zone_rows"]
    )

    def cut(page, seed):
        with_ad(page, seed)
        text = body(page, roomiest(first))[0]
        body(page, roomiest(first))[0] = text[: -CUT - 1] + text[-1]

    new, _ = render(write_page(tmp_path, "ad2", cut), "--keep", first, code=None)
    assert grid(new) == grid(first) and moved(new) == {}

    def no_ad(page, seed):
        with_ad(page, seed)
        del page["ads"]

    _, proc = render(write_page(tmp_path, "ad3", no_ad), "--keep", first, code=None)
    assert "the booked blocks (ads) changed: the page is made up anew" in proc.stderr
