"""Generated pages the engine was not tuned on: any mix of profile counts and
lengths must give a checked page (no overlaps, nothing outside its box) or a
clear report, never an internal error."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from pagegen import make_page  # noqa: E402

from layout.errors import InputError  # noqa: E402
from layout.frame import TextItem  # noqa: E402
from layout.model.content import load_page  # noqa: E402
from layout.model.style import load_style  # noqa: E402
from layout.page.arrange import NoArrangement  # noqa: E402
from layout.page.check import check_frame  # noqa: E402
from layout.page.context import Context  # noqa: E402
from layout.page.makeup import make_page as set_page  # noqa: E402
from layout.render import normalized_texts, render, rules_for  # noqa: E402


def write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "page.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("profiles", "lo", "hi", "seed"),
    [
        (3, 200, 600, 1),
        (5, 250, 650, 2),
        (6, 250, 650, 3),
        (7, 300, 700, 4),
        (8, 300, 700, 5),
        (9, 150, 500, 6),
        (10, 150, 900, 7),
        (12, 150, 900, 8),
        (14, 100, 400, 9),
        (20, 100, 300, 10),
    ],
)
def test_generated_page_is_clean_or_reported(tmp_path, profiles, lo, hi, seed):
    page = write(tmp_path, make_page(profiles, lo, hi, seed))
    try:
        rendered = render(page, mark_overset=True)
    except InputError as exc:  # a page that cannot be arranged at all is bad input, named as such
        assert "cannot be arranged" in str(exc)
        return
    m = rendered.makeup
    assert check_frame(m.frame) == []
    assert len(m.modules) == profiles
    assert 0.0 <= m.fill <= 1.0
    for report in m.modules:
        assert report.rows >= 1 and report.overset_chars >= 0


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_similar_size_pages_fill_the_zone(tmp_path, seed):
    """Pages of the seed's size (about 4,000-5,000 characters in 7-9 profiles) fit and fill."""
    n = 7 + seed % 3
    page = write(tmp_path, make_page(n, 4000 // n, 5000 // n, seed))
    m = render(page).makeup
    assert sum(r.overset_chars for r in m.modules) == 0
    assert m.fill >= 0.9


def test_too_many_profiles_is_bad_input(tmp_path):
    page = write(tmp_path, make_page(40, 300, 600, 1))
    with pytest.raises(InputError, match="cannot be arranged"):
        render(page)


def seed_with(tmp_path: Path, changes) -> Path:
    data = yaml.safe_load((ROOT / "content" / "seed.yaml").read_text(encoding="utf-8"))
    changes(data["profiles"])
    return write(tmp_path, data)


def test_editor_pins_are_kept(tmp_path):
    def pin(profiles):
        profiles[5]["lead"] = True
        profiles[0]["span"] = 3
        profiles[1]["photo"]["span"] = 1

    modules = {m.id: m for m in render(seed_with(tmp_path, pin), mark_overset=True).makeup.modules}
    lead = modules["suo-danfeng"]
    first_row = [m for m in modules.values() if m.row == 0]
    assert lead.row == 0 and lead.column == 0  # leads the page: top left
    assert lead.span == max(m.span for m in first_row)  # and the widest module of the first row
    assert modules["wang-zhiyong"].span == 3
    assert modules["gan-yuanjing"].photo_span == 1


def test_impossible_pins_are_reported(tmp_path):
    def pin(profiles):
        profiles[0]["lead"] = True
        profiles[0]["span"] = 2
        profiles[1]["span"] = 6

    with pytest.raises(InputError, match="editor's pins"):
        render(seed_with(tmp_path, pin))


def test_copyfit_only_when_text_would_be_overset(tmp_path):
    # the seed page fits at full sizes: nothing copyfitted
    assert all(not m.copyfit for m in render(ROOT / "content" / "seed.yaml").makeup.modules)
    # 14 profiles of ~350 characters overset: modules give up headline and quote size, within the style's bounds
    crowded = render(write(tmp_path, make_page(14, 100, 500, 4)), mark_overset=True).makeup
    fitted = [m for m in crowded.modules if m.copyfit]
    assert fitted
    assert all("quote 10.5pt" in m.copyfit or "quote" not in m.copyfit for m in fitted)


# -- the whole makeup on random pages, and editions with jumps --------------------------------


def body_coverage(frames, own, name: str, field: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of every body line set from ``field`` of page file ``name``: on
    its own page ``own``, or as continued text on any page of the edition ('name#field')."""
    out = []
    for frame in frames:
        for item in frame.items:
            if not isinstance(item, TextItem):
                continue
            if (frame is own and item.source == field) or item.source == f"{name}#{field}":
                out.append((item.start, item.end, item.text))
    return sorted(out)


def assert_every_body_character_once(rendered_pages, overset: dict[str, int] | None = None):
    """Each body paragraph is set exactly once, in order, across the pages (less any overset)."""
    frames = [r.makeup.frame for r in rendered_pages]
    for r in rendered_pages:
        texts, _ = normalized_texts(r.page)
        name = Path(r.page.file).name
        for p in r.page.profiles:
            missing = 0
            for j in range(len(p.body)):
                field = f"{p.path}.body[{j}]"
                text = texts[field]
                at = 0
                for start, end, shown in body_coverage(frames, r.makeup.frame, name, field):
                    assert start == at, (field, start, at)  # no gap, no repeat
                    assert shown == text[start:end]
                    at = end
                missing += len(text) - at
            assert missing == (overset or {}).get(p.id, 0), p.id


@settings(max_examples=12, deadline=None)
@given(
    n=st.integers(1, 16),
    lo=st.integers(100, 1500),
    spread=st.integers(0, 1500),
    photo=st.floats(0, 1),
    quote=st.floats(0, 1),
    seed=st.integers(0, 10_000),
)
def test_random_pages_are_clean_complete_and_reported(engine, tmp_path_factory, n, lo, spread, photo, quote, seed):
    from layout import report
    from layout.render import Rendered

    style, faces = engine
    hi = min(lo + spread, max(lo, 9000 // n))  # from a short page to about twice a full one
    lo = min(lo, hi)
    path = write(tmp_path_factory.mktemp("page"), make_page(n, lo, hi, seed, photo, quote))
    page = load_page(path)
    texts, counts = normalized_texts(page)
    try:
        m = set_page(Context(style, faces, rules_for(page.lang)), page, texts)
    except NoArrangement:
        return  # too many profiles for the zone even at their least: reported as bad input by render
    assert check_frame(m.frame) == []  # no overlaps, nothing outside the page
    zone_top = style.lines - m.zone_rows
    for box in m.frame.boxes:  # every module inside the type area
        assert style.left - 0.01 <= box.x and box.x + box.width <= style.left + style.type_width + 0.01
        assert style.top + zone_top * style.leading - 0.01 <= box.y
        assert box.y + box.height <= style.top + style.type_height + 0.01
    for mod in m.modules:  # column ends within one line (briefs: pieces kept whole, no white beyond the rule)
        assert mod.balance <= 1 or mod.overset_chars or mod.brief
    # every body character is set once, or counted as overset
    overset_body = {mod.id: mod.overset_body for mod in m.modules}
    for mod in m.modules:  # the report counts the body's characters and the rest it could not set
        assert mod.overset_chars >= mod.overset_body
    assert_every_body_character_once([Rendered(b"", m, page, style, counts)], overset_body)
    # full, or an explicit report: overset profiles or a short-page warning with the shortfall
    r = report.as_dict(Rendered(b"", m, page, style, counts))
    assert r["fill"] >= 0.98 or r["overset"] or r["warnings"]


def jump_edition(tmp_path: Path) -> Path:
    first = make_page(9, 500, 900, 21)
    first["page"] = 1
    second = make_page(3, 300, 600, 3)
    second["page"] = 2
    write(tmp_path, first).rename(tmp_path / "a.yaml")
    write(tmp_path, second).rename(tmp_path / "b.yaml")
    path = tmp_path / "edition.yaml"
    path.write_text("edition: 示例\npages: [a.yaml, b.yaml]\n", encoding="utf-8")
    return path


def test_an_over_full_page_jumps_to_the_next_page_of_the_edition(tmp_path):
    from layout.edition import load_edition, render_edition

    alone = render(write(tmp_path, {**make_page(9, 500, 900, 21), "page": 1}), mark_overset=True).makeup
    assert alone.overset  # the first page alone does not fit
    pages = render_edition(load_edition(jump_edition(tmp_path)), jobs=1)
    first, second = (r.makeup for r in pages)
    assert not first.overset and not second.overset
    jumped = [m for m in first.modules if m.jump_to]
    assert jumped and all(m.jump_to == 2 and m.jumped_chars > 0 for m in jumped)
    assert len(jumped) < len(first.modules)  # only the longest jump, not every profile
    continued = [m for m in second.modules if m.jump_from]
    assert [m.id for m in continued] == [f"{m.id}（续）" for m in jumped]
    assert all(m.jump_from == 1 and m.file.endswith("a.yaml") for m in continued)
    lines = {i.text for f in (first.frame, second.frame) for i in f.items if isinstance(i, TextItem)}
    assert "（下转第2版）" in lines and "（上接第1版）" in lines
    assert_every_body_character_once(pages)
    assert check_frame(first.frame) == [] and check_frame(second.frame) == []


def test_jumps_can_be_turned_off(tmp_path):
    from layout.edition import load_edition, render_edition

    path = jump_edition(tmp_path)
    path.write_text("edition: 示例\npages: [{file: a.yaml, jump_to: none}, b.yaml]\n", encoding="utf-8")
    first, _ = render_edition(load_edition(path), jobs=1, mark_overset=True)
    assert first.makeup.overset and not first.makeup.jumps


def test_a_jump_must_go_forward(tmp_path):
    from layout.edition import load_edition, render_edition

    path = jump_edition(tmp_path)
    path.write_text("edition: 示例\npages: [a.yaml, {file: b.yaml, jump_to: 1}]\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"edition.yaml:2:\d+: pages\[1\].jump_to: no later page .* 版次 1"):
        render_edition(load_edition(path), jobs=1)


def test_edition_with_jumps_end_to_end(tmp_path, make_pdf):
    out = tmp_path / "out" / "e.pdf"
    proc = make_pdf(jump_edition(tmp_path), "-o", out, "--report", tmp_path / "r.json")
    assert proc.returncode in (0, 1), proc.stderr  # 1: the second page may be short
    assert "characters continue on 第2版 (下转)" in proc.stderr
    text = subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True, text=True, check=True).stdout
    flat = text.replace(" ", "")
    assert "（下转第2版）" in flat and "（上接第1版）" in flat
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert [p["number"] for p in report] == [1, 2]
    assert report[0]["jumps"] and not report[0]["overset"]


def test_position_pins(tmp_path):
    def pin(profiles):
        profiles[2]["row"] = "last"  # zhou-hong to the foot of the page
        profiles[4]["row"] = 1
        profiles[4]["column"] = 1  # zhang-yong to the top left

    m = render(seed_with(tmp_path, pin), mark_overset=True).makeup
    mods = {r.id: r for r in m.modules}
    assert mods["zhang-yong"].row == 0 and mods["zhang-yong"].column == 0
    # the last band of modules, on the foot of the zone
    foot = max(r.row + r.rows for r in m.modules)
    assert mods["zhou-hong"].row + mods["zhou-hong"].rows == foot == m.zone_rows


def test_pins_that_cause_overset_say_so(tmp_path):
    from layout.render import Rendered
    from layout.report import overset_messages

    def pin(profiles):
        for p in profiles:
            p["span"] = 8  # every module full width: far too tall for the page

    rendered = render(seed_with(tmp_path, pin), mark_overset=True)
    assert rendered.makeup.overset and rendered.makeup.pins_overset
    assert any("fits without the editor's pins" in msg for msg in overset_messages(rendered))
    assert isinstance(rendered, Rendered)


def test_short_page_keeps_modules_tight_and_reports_the_open_area(tmp_path, make_pdf):
    page = write(tmp_path, make_page(2, 400, 600, 7))
    proc = make_pdf(page, "-o", tmp_path / "short.pdf", "--report", tmp_path / "r.json")
    assert proc.returncode == 1  # written, with a warning
    assert "short page (缺稿): the copy leaves an open area of " in proc.stderr
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    area = report["open_area"]
    assert area["columns"] * area["lines"] > 0 and area["space"] and area["characters"] > 0
    assert report["largest_hole"]["id"] == "(open area)"
    assert all(m["hole_cells"] <= m["span"] for m in report["modules"])  # the white is not inside modules
    assert not report["broken"]


def test_leading_tightens_only_when_text_would_be_overset(tmp_path):
    from layout.report import as_dict, table

    seed = render(ROOT / "content" / "seed.yaml")
    assert seed.makeup.leading == seed.style.leading == 13.5  # fits: the style's grid
    # a page a little too full at 13.5 pt fits at a tighter leading, within the style's bound (13 pt)
    tight = render(write(tmp_path, make_page(8, 780, 840, 30)))
    m = tight.makeup
    assert not m.overset
    assert 13.0 <= m.leading < 13.5
    assert m.zone_rows > seed.makeup.zone_rows  # more lines on the tighter grid
    report = as_dict(tight)
    assert report["leading"] == m.leading and report["style_leading"] == 13.5
    assert f"leading {m.leading:g} pt instead of the style's 13.5 pt" in table(tight)
    leadings = {round(i.baseline - j.baseline, 3) for i, j in _consecutive_body_lines(m.frame)}
    assert leadings == {m.leading}  # every body line on the tighter grid


def _consecutive_body_lines(frame):
    """Pairs of body lines one above the other in the same column of the same module."""
    body = sorted(
        (i for i in frame.items if isinstance(i, TextItem) and i.role == "body"), key=lambda i: (i.x, i.baseline)
    )
    return [
        (b, a)
        for a, b in zip(body, body[1:])
        if abs(a.x - b.x) < 0.01 and a.source == b.source and 0 < b.baseline - a.baseline < 20
    ]


def test_leading_min_is_checked(tmp_path):

    text = (ROOT / "layout" / "styles" / "broadsheet.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("leading_min: 13 ", "leading_min: 14 "), encoding="utf-8")
    with pytest.raises(InputError, match=r"grid.leading_min: leading_min must lie between"):
        load_style(bad)


def test_a_middle_page_both_receives_and_passes_on_text(tmp_path):
    from layout.edition import load_edition, render_edition

    for name, n, seed, number in (("a", 9, 21, 1), ("b", 9, 22, 2), ("c", 2, 3, 3)):
        data = make_page(n, 500, 900, seed) if n > 2 else make_page(n, 200, 300, seed)
        data["page"] = number
        write(tmp_path, data).rename(tmp_path / f"{name}.yaml")
    path = tmp_path / "edition.yaml"
    path.write_text("edition: 示例\npages: [a.yaml, b.yaml, c.yaml]\n", encoding="utf-8")
    pages = render_edition(load_edition(path), jobs=1, mark_overset=True)
    middle = {i.text for i in pages[1].makeup.frame.items if isinstance(i, TextItem)}
    assert "（上接第1版）" in middle and "（下转第3版）" in middle
    assert all("（续）（续）" not in m.id for r in pages for m in r.makeup.modules)
    assert_every_body_character_once(pages, {m.id: m.overset_chars for r in pages for m in r.makeup.modules})
