"""Page makeup a newspaper would print, on real pages (bundled fonts): legible
modules, briefs, short pages with their open area, fillers, and the report of
every rule a page could not meet (issue 11)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from pagegen import make_page, make_photo  # noqa: E402

from layout.errors import InputError  # noqa: E402
from layout.frame import ImageItem, MarkItem, TextItem  # noqa: E402
from layout.model.content import load_page  # noqa: E402
from layout.model.style import load_style, style_path  # noqa: E402
from layout.page.arrange import NoArrangement  # noqa: E402
from layout.page.check import check_frame  # noqa: E402
from layout.page.context import Context  # noqa: E402
from layout.page.makeup import make_page as set_page  # noqa: E402
from layout.render import Output, Rendered, normalized_texts, render, rules_for  # noqa: E402

STORY = (
    "甘元静是龙山区校外教育指导中心党支部书记、主任兼龙山区教育局创城办主任。作为龙山区教育领域创城工作的引领者，"
    "她不断思考如何引领龙山人承担起这份责任和担当。在区教育局的正确领导下，她确立了统筹协调、示范引领、跟进指导、"
    "整体推进的工作思路，努力把各项工作任务落实、落细、落小。通过组织开展各项活动和创建文明城市示范校等举措，"
    "让龙山区教育创城工作贴地而行、行之有效。精细谋划，营造氛围。通过小喇叭广播、会说话的楼梯、书香诵读、文化长廊等"
    "形式，以及国旗下讲话、寻找我身边的文明人、读书征文、班会队会等活动，广泛宣传社会主义核心价值观，树立文明学校、"
    "文明师生形象。"
)


def page_file(tmp_path: Path, profiles: list[dict], **extra) -> Path:
    data = {
        "paper": "示例日报",
        "date": "2024-03-15",
        "page": 3,
        "section": "身边榜样",
        "headline": "平凡岗位上的不平凡坚守",
        "profiles": profiles,
        **extra,
    }
    path = tmp_path / "page.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def story(pid: str, body: str = STORY, **extra) -> dict:
    headline = f"在教育领域担负起创城的责任（{pid}）"
    return {"id": pid, "headline": headline, "name": "甘元静", "role": "创城办主任", "body": [body], **extra}


def units(r: Rendered) -> dict[str, object]:
    return {u.ids[0]: u for u in r.makeup.units}


def test_a_300_character_story_takes_two_columns_not_eight(tmp_path):
    assert 270 <= len(STORY) <= 320
    r = render(page_file(tmp_path, [story("a")]))
    (u,) = r.makeup.units
    assert u.span == 2 and not u.briefs
    assert min(u.legs) >= r.style.legibility.min_leg - 1 and max(u.legs) >= r.style.legibility.min_leg
    assert not u.broken
    area = r.makeup.open_area  # the rest of the page: one open area, reported
    assert area is not None and area.cells > 0


def test_two_short_stories_stand_legible_beside_one_open_area(tmp_path):
    photo = {"caption": "甘元静在工作现场"}
    r = render(page_file(tmp_path, [story("a", photo=photo), story("b", STORY + STORY[:60], photo=photo)]))
    m = r.makeup
    assert not m.broken and not m.overset
    for u in m.units:
        assert u.span < r.style.columns  # no strip across the page
    assert len(m.open_areas) >= 1
    foot = m.open_areas[0]
    assert foot.row + foot.rows == m.zone_rows  # the open area reaches the foot of the zone
    assert m.fill >= 0.98  # outside the open area, the zone is full


def test_items_that_share_a_heading_are_one_briefs_module_with_the_heading_once(tmp_path):
    reports = [story(f"r{k}", STORY * 2) for k in range(3)]
    letters = [
        {"id": f"l{k}", "headline": "留言板", "name": f"读者{k}", "body": [f"我是第{k}位读者，为创城点赞。"]}
        for k in range(1, 10)
    ]
    r = render(page_file(tmp_path, reports + letters))
    board = [u for u in r.makeup.units if u.briefs]  # one module, or a few with the heading on the first
    assert tuple(i for u in board for i in u.ids) == tuple(f"l{k}" for k in range(1, 10))
    assert [u.title for u in board] == ["留言板"] + [""] * (len(board) - 1)
    assert all(u.why == "shared heading" and u.span <= r.style.briefs.columns for u in board)
    heads = [i for i in r.makeup.frame.items if isinstance(i, TextItem) and i.text == "留言板"]
    assert len(heads) == 1  # the heading once, not nine times
    assert any("share the heading '留言板'" in n for n in r.makeup.notes)
    signed = {i.text for i in r.makeup.frame.items if isinstance(i, TextItem) and i.role == "name"}
    assert {f"读者{k}" for k in range(1, 10)} <= signed  # every letter signed


def test_an_editor_groups_briefs_and_marks_them(tmp_path):
    items = [
        {"id": f"b{k}", "group": "简讯", "name": f"记者{k}", "body": [f"第{k}条简讯的正文。"]} for k in range(1, 4)
    ]
    items.insert(1, {**items[1], "headline": "一条有标题的简讯"})
    items.pop(2)
    r = render(page_file(tmp_path, [story("a", STORY * 2), *items, story("z", STORY * 2, brief=False)]))
    (group,) = [u for u in r.makeup.units if u.briefs]
    assert group.title == "简讯" and group.why == "group" and group.ids == ("b1", "b2", "b3")
    texts = {i.text for i in r.makeup.frame.items if isinstance(i, TextItem)}
    assert "一条有标题的简讯" in texts  # an item's own headline is its small head
    assert not units(r)["z"].briefs


def test_an_item_too_short_for_a_module_becomes_a_brief_not_a_strip(tmp_path):
    r = render(page_file(tmp_path, [story("long", STORY * 3), story("tiny", "一句话的短消息，不足一栏。")]))
    tiny = units(r)["tiny"]
    assert tiny.briefs and tiny.why == "short" and not tiny.broken
    assert any("'tiny' too short for a legible module" in n for n in r.makeup.notes)


def test_a_briefs_pull_quote_that_repeats_the_text_is_left_out_and_one_that_does_not_is_set(tmp_path):
    said = {"text": "一定做好创城工作。", "by": "甘元静"}
    repeated = story("a", "他说：“一定做好创城工作。”就这么简单。", quote=said)
    own = story("b", "一句话的短消息。", quote={"text": "这句话正文里没有。", "by": "记者"})
    r = render(page_file(tmp_path, [repeated, own]))
    texts = "".join(i.text for i in r.makeup.frame.items if isinstance(i, TextItem))
    assert "这句话正文里没有。" in texts and "——记者" in texts
    assert any("'a' set as a brief: its pull quote repeats its text" in n for n in r.makeup.notes)


def test_a_short_page_is_reported_with_its_open_area_and_marked_on_proofs(tmp_path, make_pdf):
    path = page_file(tmp_path, [story("a", photo={"caption": "甘元静在工作现场"})])
    proc = make_pdf(path, "-o", tmp_path / "p.pdf", "--report", tmp_path / "r.json")
    assert proc.returncode == 1, proc.stderr
    assert "short page (缺稿): the copy leaves an open area of" in proc.stderr
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    area = report["open_area"]
    assert area["columns"] >= 1 and area["lines"] >= 1 and len(area["mm"]) == 2
    assert area["characters"] == area["columns"] * area["lines"] * 13
    assert area["space"] in {s.name for s in load_style(style_path("broadsheet", ROOT)).spaces}
    assert report["units"][0]["legs"] and report["units"][0]["broken"] == []
    plain = render(path).makeup.frame
    proof = render(path, output=Output(proof=True)).makeup.frame
    assert not [i for i in plain.items if isinstance(i, MarkItem)]  # never on a clean page
    marks = [i for i in proof.items if isinstance(i, MarkItem)]
    assert marks and marks[0].label.startswith(f"空版 {area['columns']}栏×{area['lines']}行")


def test_the_smaller_format_a_short_page_would_fill_is_named(tmp_path):
    from layout.report import short_page

    r = render(page_file(tmp_path, [story("a"), story("b")]))
    assert "the copy would fill a smaller tabloid page (--style tabloid)" in short_page(r)


def test_fillers_go_into_the_open_area_first(tmp_path):
    make_photo(tmp_path / "flower.jpg", 400)
    fillers = [
        {"id": "notice", "title": "欢迎订阅", "body": [STORY]},
        {"id": "flower", "file": "flower.jpg", "columns": 2},
        {"id": "huge", "body": [STORY * 40]},
    ]
    r = render(page_file(tmp_path, [story("a", STORY * 3)], fillers=fillers))
    items = r.makeup.frame.items
    assert any(isinstance(i, ImageItem) and i.label == "flower" for i in items)
    assert any(isinstance(i, TextItem) and i.source == "fillers[0].body[0]" for i in items)
    assert not any(isinstance(i, TextItem) and i.source == "fillers[2].body[0]" for i in items)
    assert any("filler 'huge' does not fit" in n for n in r.makeup.notes)
    assert check_frame(r.makeup.frame) == []


def test_a_filler_needs_text_or_an_image(tmp_path):
    with pytest.raises(InputError, match=r"fillers\[0\]: a filler needs text \(body\) or an image \(file\)"):
        load_page(page_file(tmp_path, [story("a")], fillers=[{"id": "empty", "title": "只有标题"}]))


def test_a_rule_no_arrangement_can_keep_is_a_warning_naming_the_module(tmp_path, make_pdf):
    path = page_file(tmp_path, [story("wide", span=8)])  # pinned across the page: legs of a few lines
    proc = make_pdf(path, "-o", tmp_path / "w.pdf")
    assert proc.returncode == 1
    assert "profile 'wide' (8 columns" in proc.stderr and "breaks short leg" in proc.stderr


def test_legibility_numbers_are_the_styles(tmp_path):
    tabloid = load_style(style_path("tabloid", ROOT)).legibility
    broadsheet = load_style(style_path("broadsheet", ROOT)).legibility
    assert (broadsheet.min_leg, broadsheet.max_leg) == (10, 60)
    assert (tabloid.min_leg, tabloid.max_leg) == (8, 45)
    text = (ROOT / "layout" / "styles" / "broadsheet.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("max_leg: 60", "max_leg: 5"), encoding="utf-8")
    with pytest.raises(InputError, match=r"modules.max_leg: max_leg \(5\) is below min_leg \(10\)"):
        load_style(bad)


@settings(max_examples=10, deadline=None)
@given(
    n=st.integers(1, 40),
    lo=st.integers(30, 3000),
    spread=st.integers(0, 3000),
    photo=st.floats(0, 1),
    seed=st.integers(0, 10_000),
)
def test_random_pages_keep_the_rules_or_say_which(engine, tmp_path_factory, n, lo, spread, photo, seed):
    style, faces = engine
    lo = min(lo, 80_000 // n)  # within the page's text limit (model.content.MAX_PAGE_CHARS)
    hi = min(lo + spread, max(lo, 12_000 // n))
    lo = min(lo, hi)
    path = tmp_path_factory.mktemp("page") / "page.yaml"
    path.write_text(yaml.safe_dump(make_page(n, lo, hi, seed, photo, 0.5), allow_unicode=True), encoding="utf-8")
    page = load_page(path)
    texts, _ = normalized_texts(page)
    try:
        m = set_page(Context(style, faces, rules_for(page.lang)), page, texts)
    except NoArrangement:
        return
    assert check_frame(m.frame) == []  # no overlap, nothing outside the page
    rules = style.legibility
    zone_top = style.lines - m.zone_rows
    for u in m.units:
        assert 0 <= u.column and u.column + u.span <= style.columns  # inside the zone
        assert 0 <= u.row and u.row + u.rows <= m.zone_rows
        if "short leg" not in u.broken and not (u.briefs and u.span == 1):
            photo_cols = int(u.photo.split("×")[0]) if u.photo and not u.briefs else 0
            text = [leg for leg in u.legs[: u.span - photo_cols or None] if leg]
            assert not text or max(text) >= rules.min_leg or u.briefs  # legible, or reported
        if "long leg" not in u.broken:
            assert max(u.legs, default=0) <= rules.max_leg
    for box in m.frame.boxes:
        assert box.y >= style.top + zone_top * style.leading - 0.01
    # the open area: one rectangle, or the second part said
    assert (
        len(m.open_areas) == 1 + m.score.open_parts
        or (not m.open_areas and not m.score.open_parts)
        or (
            len(m.open_areas) == 1 and m.score.open_parts == 1  # one, beside the last band instead of at the foot
        )
    )
    ids = sorted(i for u in m.units for i in u.ids)
    assert ids == sorted(p.id for p in page.profiles)  # every profile set once


def test_a_long_group_continues_in_another_module_rather_than_overset(tmp_path):
    letter = "我是一位热心读者，每天早上都会看到环卫工人在街头忙碌，他们用辛勤的汗水换来了城市的整洁。" * 3
    items = [{"id": f"l{k}", "group": "留言板", "name": f"读者{k}", "body": [letter]} for k in range(20)]
    r = render(page_file(tmp_path, items))
    m = r.makeup
    assert not m.overset and not m.broken
    board = [u for u in m.units if u.briefs]
    assert len(board) >= 2  # too much for one module of three columns
    assert [u.title for u in board] == ["留言板"] + [""] * (len(board) - 1)
    heads = [i for i in m.frame.items if isinstance(i, TextItem) and i.text == "留言板"]
    assert len(heads) == 1
    assert any("in " in n and "modules (the heading on the first)" in n for n in m.notes)


def test_a_groups_heading_is_set_from_the_normalised_text(tmp_path):
    items = [
        {"id": f"b{k}", "group": "读者来信(一),留言", "name": "读者", "body": ["一句话的短消息。"]} for k in range(3)
    ]
    r = render(page_file(tmp_path, items))
    title = "".join(i.text for i in r.makeup.frame.items if isinstance(i, TextItem) and i.source == "profiles[0].group")
    assert title == "读者来信（一），留言"


@pytest.mark.parametrize("pin", [{"row": 2}, {"column": 5}])
def test_a_pin_on_the_first_profile_moves_it_behind_others(tmp_path, pin):
    data = yaml.safe_load((ROOT / "content" / "seed.yaml").read_text(encoding="utf-8"))
    data["profiles"][0].update(pin)
    path = tmp_path / "page.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    m = render(path).makeup
    first = next(mod for mod in m.modules if mod.id == data["profiles"][0]["id"])
    if "column" in pin:
        assert first.column == pin["column"] - 1
    else:
        assert first.row > 0  # not in the first band
    assert not m.overset


def test_a_dropped_photo_counts_its_caption_and_credit(engine):
    from layout.model.content import Photo, Profile
    from layout.page.module import Module

    style, faces = engine
    p = Profile(0, "a", "标题", "名字", "", ("正文。",), Photo(None, "图片说明", "摄影 某某"), None)
    texts = {"profiles[0].headline": "标题", "profiles[0].name": "名字", "profiles[0].body[0]": "正文。"}
    texts |= {"profiles[0].photo.caption": "图片说明", "profiles[0].photo.credit": "摄影 某某"}
    md = Module(Context(style, faces, rules_for("zh-Hans")), p, texts, 2)
    assert md.caption_chars == len("图片说明") + len("摄影 某某")
