"""Blocks booked before the copy (issue 13): every position and standard size on the
broadsheet grid in exact grid units, the copy made up around them, the furniture
beside a 报眼, and bookings that cannot fit refused naming both."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from layout.errors import InputError
from layout.frame import AdItem, RuleItem, TextItem
from layout.page.check import check_frame
from layout.render import render

ROOT = Path(__file__).resolve().parent.parent

STORY = (
    "甘元静是龙山区校外教育指导中心党支部书记、主任兼龙山区教育局创城办主任。作为龙山区教育领域创城工作的引领者，"
    "她不断思考如何引领龙山人承担起这份责任和担当。在区教育局的正确领导下，她确立了统筹协调、示范引领、跟进指导、"
    "整体推进的工作思路，努力把各项工作任务落实、落细、落小。通过组织开展各项活动和创建文明城市示范校等举措，"
    "让龙山区教育创城工作贴地而行、行之有效。"
)


def page_file(tmp_path: Path, ads: list[dict], stories: int = 4, intro: bool = True) -> Path:
    profiles = [
        {
            "id": f"p{k}",
            "headline": f"在教育领域担负起创城的责任（{k}）",
            "name": "甘元静",
            "role": "创城办主任",
            "body": [STORY * 3, STORY * 2],
            "photo": {"caption": "甘元静在工作现场"},
        }
        for k in range(stories)
    ]
    data = {
        "paper": "示例日报",
        "date": "2024-03-15",
        "page": 3,
        "section": "身边榜样",
        "headline": "平凡岗位上的不平凡坚守",
        "intro": ["本版刊登身边榜样的故事。" * 12] if intro else [],
        "profiles": profiles,
        "ads": ads,
    }
    path = tmp_path / "page.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def grid(r) -> dict[str, tuple[int, int, int, int]]:
    return {b.ad.id: (b.column, b.row, b.columns, b.rows) for b in r.makeup.booked}


@pytest.mark.parametrize(
    ("ad", "where"),
    [
        ({"size": "通栏", "position": "foot"}, (0, 82, 8, 20)),
        ({"size": "半通栏", "position": "foot"}, (4, 82, 4, 20)),
        ({"size": "1/4版", "position": "foot"}, (0, 77, 8, 25)),
        ({"size": "半版", "position": "foot"}, (0, 51, 8, 51)),
        ({"size": "报眼", "position": "top-right"}, (5, 0, 3, 16)),
        ({"size": "报眼", "position": "top-left"}, (0, 0, 3, 16)),
        ({"columns": 2, "height": "30 lines", "position": "right"}, (6, 72, 2, 30)),
        ({"columns": 3, "height": "30行", "position": "left"}, (0, 72, 3, 30)),
        # 120 mm = 340.2 pt: 26 lines of 13.5 pt hold it (25 lines are 333 pt less the line gap)
        ({"columns": 8, "height": 120, "position": "foot"}, (0, 76, 8, 26)),
    ],
)
def test_every_position_and_standard_size_is_booked_in_whole_columns_and_lines(tmp_path, ad, where):
    r = render(page_file(tmp_path, [{"id": "ad-1", **ad}], stories=2))
    assert grid(r) == {"ad-1": where}
    st, m = r.style, r.makeup
    (item,) = [it for it in m.frame.items if isinstance(it, AdItem)]
    column, row, columns, rows = where
    assert (item.x, item.y) == (st.column_x(column), st.top + row * st.leading)
    assert item.width == st.span_width(columns)
    assert item.height == pytest.approx(rows * st.leading - (st.leading - st.body_size))
    assert item.label.startswith("广告 ad-1") and f"{columns}栏×{rows}行" in item.label
    assert check_frame(m.frame) == []  # no text or photo overlaps the block
    for u in m.units:  # no module reaches into it (zone rows → type-area rows)
        top = m.zone_top + u.row
        apart = u.column + u.span <= column or column + columns <= u.column
        assert apart or top + u.rows <= row or top >= row + rows


def test_a_side_block_stands_on_the_foot_block_under_it_with_a_rule_row_between(tmp_path):
    ads = [
        {"id": "strip", "size": "通栏", "position": "foot"},
        {"id": "side", "columns": 2, "height": "30 lines", "position": "right"},
    ]
    r = render(page_file(tmp_path, ads, stories=2))
    assert grid(r) == {"strip": (0, 82, 8, 20), "side": (6, 51, 2, 30)}


def test_foot_blocks_stand_side_by_side_from_the_right(tmp_path):
    ads = [
        {"id": "a", "size": "半通栏", "position": "foot"},
        {"id": "b", "columns": 2, "height": "20 lines", "position": "foot"},
    ]
    r = render(page_file(tmp_path, ads, stories=2))
    assert grid(r) == {"a": (4, 82, 4, 20), "b": (2, 82, 2, 20)}


def test_a_block_at_a_top_corner_narrows_the_furniture_and_stops_the_heavy_rule(tmp_path):
    r = render(page_file(tmp_path, [{"id": "eye", "columns": 3, "height": "40 lines", "position": "top-right"}]))
    st, m = r.style, r.makeup
    ad_x = st.column_x(5)
    furniture = [it for it in m.frame.items if isinstance(it, TextItem) and it.role in ("kicker", "banner", "intro")]
    assert furniture and all(it.right <= ad_x for it in furniture)
    heavy = [it for it in m.frame.items if isinstance(it, RuleItem) and it.weight == st.rules["heavy"]]
    assert len(heavy) == 1 and heavy[0].x2 <= ad_x  # the 40 lines reach past the rule: it stops at the block
    assert m.zone_top < 40
    assert check_frame(m.frame) == []


def test_a_top_block_shorter_than_the_furniture_leaves_the_heavy_rule_across(tmp_path):
    r = render(page_file(tmp_path, [{"id": "eye", "columns": 2, "height": "4 lines", "position": "top-left"}]))
    st = r.style
    heavy = [it for it in r.makeup.frame.items if isinstance(it, RuleItem) and it.weight == st.rules["heavy"]]
    assert heavy[0].x1 == st.left and heavy[0].x2 == pytest.approx(st.left + st.type_width)


@pytest.mark.parametrize(
    ("ads", "words"),
    [
        (
            [
                {"id": "a", "size": "报眼", "position": "top-right"},
                {"id": "b", "size": "报眼", "position": "top-right"},
            ],
            ["'a'", "'b'", "both booked top-right"],
        ),
        (
            [{"id": "a", "size": "通栏", "position": "foot"}, {"id": "b", "size": "半通栏", "position": "foot"}],
            ["'a'", "'b'", "more than the 8 columns"],
        ),
        (
            [
                {"id": "a", "columns": 3, "height": "60 lines", "position": "top-right"},
                {"id": "b", "columns": 2, "height": "50 lines", "position": "right"},
            ],
            ["'a'", "'b'", "overlap"],
        ),
        ([{"id": "a", "columns": 9, "height": 50, "position": "foot"}], ["'a'", "9 columns", "the grid has 8"]),
        ([{"id": "a", "size": "整版", "position": "foot"}], ["ads[0].size", "整版", "通栏"]),
        ([{"id": "a", "size": "通栏", "position": "middle"}], ["ads[0].position", "middle", "top-right"]),
        ([{"id": "a", "columns": 8, "height": "99 lines", "position": "foot"}], ["'a'", "does not fit"]),
    ],
)
def test_a_booking_that_cannot_fit_is_an_input_error_naming_both(tmp_path, ads, words):
    with pytest.raises(InputError) as caught:
        render(page_file(tmp_path, ads, stories=1))
    message = str(caught.value)
    assert str(tmp_path / "page.yaml") in message
    for word in words:
        assert word in message


def test_the_report_lists_every_booked_block(tmp_path, make_pdf):
    ads = [
        {"id": "strip", "size": "通栏", "position": "foot"},
        {"id": "eye", "size": "报眼", "position": "top-right"},
    ]
    path = page_file(tmp_path, ads, stories=3)
    report = tmp_path / "report.json"
    proc = make_pdf(path, "-o", tmp_path / "page.pdf", "--report", report)
    assert proc.returncode in (0, 1), proc.stderr
    assert "booked 'strip' 通栏 (foot): 8 columns × 20 lines from column 1, line 83 (352 × 94 mm)" in proc.stderr
    booked = json.loads(report.read_text(encoding="utf-8"))["booked"]
    assert [(b["id"], b["position"], b["column"], b["row"], b["columns"], b["lines"]) for b in booked] == [
        ("eye", "top-right", 5, 0, 3, 16),
        ("strip", "foot", 0, 82, 8, 20),
    ]


def test_a_full_page_around_a_strip_still_sets_every_line_or_reports_it(tmp_path):
    r = render(page_file(tmp_path, [{"id": "strip", "size": "通栏", "position": "foot"}], stories=6))
    m = r.makeup
    lost = sum(mod.overset_chars for mod in m.modules)
    assert check_frame(m.frame) == []
    assert not m.overset or lost > 0  # overset is counted, never silent
    cells = m.zone_rows * r.style.columns
    assert sum(u.span * u.rows for u in m.units) <= cells - 8 * 20


def test_ads_on_the_pages_of_an_edition_with_a_jump_between_them(tmp_path, make_pdf):
    seed = yaml.safe_load((ROOT / "content" / "seed.yaml").read_text(encoding="utf-8"))
    seed["ads"] = [{"id": "strip", "size": "通栏", "position": "foot"}]  # the full page no longer holds its copy
    (tmp_path / "p3.yaml").write_text(yaml.safe_dump(seed, allow_unicode=True), encoding="utf-8")
    second = yaml.safe_load(page_file(tmp_path, [{"id": "eye", "size": "报眼", "position": "top-left"}], 2).read_text())
    second["page"] = 5
    (tmp_path / "p5.yaml").write_text(yaml.safe_dump(second, allow_unicode=True), encoding="utf-8")
    (tmp_path / "ed.yaml").write_text("edition: 辽源日报\npages: [p3.yaml, p5.yaml]\n", encoding="utf-8")
    out = tmp_path / "out" / "ed.pdf"
    proc = make_pdf(tmp_path / "ed.yaml", "-o", out)
    assert proc.returncode in (0, 1), proc.stderr
    assert "下转" in proc.stderr or "continue on 第5版" in proc.stderr  # the copy the strip displaced jumps
    assert "booked 'strip' 通栏 (foot)" in proc.stderr and "booked 'eye' 报眼 (top-left)" in proc.stderr
    again = tmp_path / "again" / "ed.pdf"
    assert make_pdf(tmp_path / "ed.yaml", "-o", again).returncode == proc.returncode
    assert again.read_bytes() == out.read_bytes()


def test_a_slot_the_style_names_puts_a_foot_block_at_its_column(tmp_path):
    style = (ROOT / "layout" / "styles" / "broadsheet.yaml").read_text(encoding="utf-8")
    fonts = ROOT / "fonts"
    style = style.replace("song: BanmianSerifSC", f"song: {fonts}/BanmianSerifSC")
    style = style.replace("hei: BanmianSansSC", f"hei: {fonts}/BanmianSansSC")
    style = style.replace("kai: BanmianKai", f"kai: {fonts}/BanmianKai")
    style += "ad_slots: {左下: {position: foot, column: 1}, 右栏: {position: right}}\n"
    (tmp_path / "paper.yaml").write_text(style, encoding="utf-8")
    ads = [
        {"id": "a", "size": "半通栏", "position": "左下"},
        {"id": "b", "columns": 2, "height": "30 lines", "position": "右栏"},
    ]
    path = page_file(tmp_path, ads, stories=2)
    r = render(path, style=str(tmp_path / "paper.yaml"))
    assert grid(r) == {"a": (0, 82, 4, 20), "b": (6, 72, 2, 30)}
    with pytest.raises(InputError, match="'中缝' is no position: foot, top-left, top-right, left, right, 左下, 右栏"):
        render(
            page_file(tmp_path, [{"id": "c", "size": "通栏", "position": "中缝"}]), style=str(tmp_path / "paper.yaml")
        )


def test_a_slot_with_a_column_off_the_foot_is_a_style_error(tmp_path):
    from layout.model.style import load_style

    style = (ROOT / "layout" / "styles" / "broadsheet.yaml").read_text(encoding="utf-8")
    (tmp_path / "paper.yaml").write_text(style + "ad_slots: {右栏: {position: right, column: 3}}\n", encoding="utf-8")
    with pytest.raises(InputError, match="ad_slots.右栏.column"):
        load_style(tmp_path / "paper.yaml")


def test_open_space_on_a_booked_block_or_on_the_foot_beside_it_is_in_place(tmp_path):
    ads = [{"id": "half", "size": "半通栏", "position": "foot"}]
    r = render(page_file(tmp_path, ads, stories=2))
    m = r.makeup
    assert m.open_areas and m.score.open_parts == 0  # no open rectangle out of place
    for a in m.open_areas:  # each stands on the zone's foot or on the block
        on_block = a.row + a.rows + 1 == 82 - m.zone_top and a.column + a.columns > 4
        assert a.row + a.rows == m.zone_rows or on_block
    from layout.report import short_page

    assert "beside the last modules" not in short_page(r)
