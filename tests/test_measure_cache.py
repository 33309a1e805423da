"""Measurements kept by value (layout/page/measure.py, breaker.broken_lines) and the search's
bounds (zone.py): results identical with and without them; a second render measures only
what changed."""

from __future__ import annotations

import sys
from dataclasses import replace
from itertools import product
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from layout.inline import breaker  # noqa: E402
from layout.model.content import load_page  # noqa: E402
from layout.page import arrange, measure, units, zone  # noqa: E402
from layout.page.arrange import Option, Score  # noqa: E402
from layout.page.briefs import BriefGroup  # noqa: E402
from layout.page.context import Context  # noqa: E402
from layout.page.makeup import FIT, _Policy  # noqa: E402
from layout.page.makeup import make_page as set_page  # noqa: E402
from layout.page.module import Module  # noqa: E402
from layout.page.units import HEAD_PAD_ROWS, MODULE_PAD_ROWS, Mode  # noqa: E402
from layout.render import normalized_texts, render, rules_for  # noqa: E402

SEED = ROOT / "content" / "seed.yaml"
STRIP = {"id": "ad-1", "size": "通栏", "position": "foot"}  # the seed overset around a booked strip


@pytest.fixture(autouse=True)
def empty_caches():
    measure.clear_caches()
    yield
    measure.clear_caches()


def seed_with(tmp_path: Path, name: str = "page.yaml", **changes) -> Path:
    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    data.update(changes)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def made_up(engine, path: Path):
    style, faces = engine
    page = load_page(path)
    texts, _ = normalized_texts(page)
    return set_page(Context(style, faces, rules_for(page.lang)), page, texts, mark_overset=True)


@pytest.mark.parametrize("ads", [False, True], ids=["seed", "seed + 通栏 (overset)"])
def test_a_page_is_the_same_rendered_again_and_with_the_caches_emptied(tmp_path, ads):
    path = seed_with(tmp_path, ads=[STRIP]) if ads else SEED
    first = render(path, mark_overset=True).pdf
    again = render(path, mark_overset=True).pdf  # every measurement from the caches
    measure.clear_caches()
    fresh = render(path, mark_overset=True).pdf
    assert first == again == fresh


def test_a_second_render_measures_only_the_profile_that_changed(tmp_path, engine, monkeypatch):
    before = seed_with(tmp_path, "before.yaml")
    data = yaml.safe_load(before.read_text(encoding="utf-8"))
    body = data["profiles"][1]["body"]
    body[0] = body[0].replace("的", "之", 1)  # one character for another of the same width
    assert body[0] != yaml.safe_load(before.read_text(encoding="utf-8"))["profiles"][1]["body"][0]
    after = tmp_path / "after.yaml"
    after.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    changed = data["profiles"][1]["id"]
    first = made_up(engine, before)

    shaped: list[str] = []
    broken: list[str] = []
    real_shape, real_break = Module._shape, breaker.break_paragraph

    def shape(self, *args):
        shaped.append(self.profile.id)
        return real_shape(self, *args)

    def break_paragraph(text, **kw):
        broken.append(text)
        return real_break(text, **kw)

    made: list[str] = []
    real_store = units.profile_store

    def profile_store(ctx, profile, texts):
        count = measure.stats()["profiles"]
        found = real_store(ctx, profile, texts)
        if measure.stats()["profiles"] > count:
            made.append(profile.id)
        return found

    monkeypatch.setattr(Module, "_shape", shape)
    monkeypatch.setattr(breaker, "break_paragraph", break_paragraph)
    monkeypatch.setattr(units, "profile_store", profile_store)
    second = made_up(engine, after)
    assert set(made) == {changed}  # a store of measurements made anew for it alone
    # only its module may be measured again (here none: its lines and rows are as before, and
    # shapes are kept by geometry, measure.geometry_memo)
    assert set(shaped) <= {changed}
    texts, _ = normalized_texts(load_page(after))
    theirs = "".join(v for k, v in texts.items() if k.startswith("profiles[1]."))
    assert broken and all(t in theirs for t in broken)  # only its paragraphs are broken again
    assert [u.ids for u in second.units] == [u.ids for u in first.units]


def test_a_page_made_up_again_measures_nothing(engine):
    made_up(engine, SEED)
    counts = measure.stats()
    made_up(engine, SEED)
    assert measure.stats() == counts


def reference_options(copy, pos: int, width: int, mode: Mode) -> dict[int, Option]:
    """What Copy._module_options gave before its costs were reckoned without Scores: every
    option made, the first of least cost kept at each height."""
    st = copy.ctx.style
    pin = copy.pins[pos]
    if width < st.min_span and pin.span != width:
        return {}
    p = copy.profiles[pos]
    spans = [None] if p.photo is None else ([min(pin.photo_span, width)] if pin.photo_span else None)
    if spans is None:
        from layout.page.module import photo_spans

        spans = list(photo_spans(width))
    most = copy._largest_photo(pos)
    jumping = pos in mode.jumping
    best: dict[int, Option] = {}

    def keep(option: Option) -> None:
        old = best.get(option.rows)
        if old is None or option.cost < old.cost:
            best[option.rows] = option

    for compact, ps in product((False, True) if mode.compact else (False,), spans):
        md = copy.module(pos, width, ps, compact)
        for shape in md.shapes(
            pad=min(mode.pad, MODULE_PAD_ROWS) if mode.overset else mode.pad,
            overset=mode.overset,
            jumping=jumping,
            photo_jumps=jumping and mode.photos_jump,
        ):
            score = copy._score(md, shape, mode, most)
            keep(Option(shape.rows, score, (md, shape)))
            for head_pad in range(1, HEAD_PAD_ROWS + 1) if mode.head_space or p.photo is None else ():
                padded = copy.module(pos, width, ps, compact, head_pad)
                keep(
                    Option(
                        shape.rows + head_pad,
                        score + Score(head_space=head_pad * width),
                        (padded, replace(shape, rows=shape.rows + head_pad)),
                    )
                )
    return best


def test_module_options_are_the_best_of_every_option_in_order(tmp_path, engine):
    style, faces = engine
    page = load_page(seed_with(tmp_path, ads=[STRIP]))
    texts, _ = normalized_texts(page)
    policy = _Policy(Context(style, faces, rules_for(page.lang)), page, texts, ())
    modes = [Mode(), FIT, Mode(briefs=True, compact=True, overset=True, pad=40, stacks=False)]
    for sheet, mode in product((policy.base, policy.tightest), modes):
        copy = sheet.copy
        for pos, width in product(range(len(copy.profiles)), range(1, style.columns + 1)):
            want = reference_options(copy, pos, width, mode)
            got = copy._module_options(pos, width, mode)
            assert list(got) == list(want)  # heights in the same order
            for rows, option in got.items():
                assert option.score == want[rows].score and option.cost == want[rows].cost
                assert option.shape[0] is want[rows].shape[0] and option.shape[1] == want[rows].shape[1]


def test_bounds_and_shared_rectangles_change_no_arrangement(tmp_path, engine, monkeypatch):
    path = seed_with(tmp_path, ads=[STRIP, {"id": "ad-2", "size": "报眼", "position": "top-right"}])
    pruned = made_up(engine, path)
    measure.clear_caches()
    real = zone._solve_layout

    def unbounded(problem, layout, lead_width, rects=None, bound=None):
        return real(problem, layout, lead_width)  # a search of its own per layout, no bound

    monkeypatch.setattr(zone, "_solve_layout", unbounded)
    monkeypatch.setattr(arrange.RectSearch, "_drop_dead", lambda self, stack, b: None)
    plain = made_up(engine, path)
    assert pruned.score == plain.score and pruned.units == plain.units and pruned.frame == plain.frame


def test_dropping_stacks_without_room_changes_no_arrangement(tmp_path, engine, monkeypatch):
    from pagegen import make_page

    path = tmp_path / "twenty.yaml"  # 20 items, a tight page: every step searched, one fits
    path.write_text(yaml.safe_dump(make_page(20, 100, 300, 14), allow_unicode=True), encoding="utf-8")
    bounded = made_up(engine, path)
    measure.clear_caches()
    monkeypatch.setattr(arrange.RectSearch, "_drop_dead", lambda self, stack, b: None)
    plain = made_up(engine, path)
    assert bounded.searches == plain.searches > 1
    assert bounded.score == plain.score and bounded.units == plain.units and bounded.frame == plain.frame


def test_caches_are_bounded(engine, monkeypatch):
    monkeypatch.setattr(measure._profiles, "size", 3)
    monkeypatch.setattr(breaker, "MAX_BROKEN", 5)
    made_up(engine, SEED)
    assert len(measure._profiles) <= 3 and len(breaker._BROKEN) <= 5


def test_a_face_with_other_metrics_is_another_key(engine):
    _, faces = engine
    face = next(iter(faces.values()))
    other = replace(face, advances={**face.advances, ord("中"): face.units_per_em // 2})
    assert other.cache_key == face.cache_key  # same name and file ...
    assert breaker.measure_key(other) != breaker.measure_key(face)  # ... measured anew
    assert breaker.measure_key(face) == breaker.measure_key(replace(face))


def test_shapes_are_kept_by_geometry_across_leadings(engine):
    """A module at another leading with the same lines and rows shares its shapes (measured
    once), and they are the shapes measured afresh at that leading."""
    style, faces = engine
    page = load_page(SEED)
    texts, _ = normalized_texts(page)
    profile = page.profiles[0]
    looser, tighter = (Context(style.with_leading(L), faces, rules_for(page.lang)) for L in (style.leading, 13.0))
    first, second = (Module(ctx, profile, texts, 2) for ctx in (looser, tighter))
    assert (len(first.body), first.fixed_rows) == (len(second.body), second.fixed_rows)
    assert second.shapes_memo is first.shapes_memo
    rows, photo = first.shape_list(pad=3)[0].rows, first.photo_range[0]
    assert second.shape(rows, photo) is first.shape(rows, photo)  # measured once
    tight = second.shape_list(pad=3)
    measure.clear_caches()
    assert Module(tighter, profile, texts, 2).shape_list(pad=3) == tight  # as measured afresh
    briefs = [BriefGroup(ctx, (profile,), texts, 2, "", "") for ctx in (looser, tighter)]
    assert briefs[0].shape(30, 0) is briefs[1].shape(30, 0)
