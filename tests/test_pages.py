"""Generated pages the engine was not tuned on: any mix of profile counts and
lengths must give a checked page (no overlaps, nothing outside its box) or a
clear report, never an internal error."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from pagegen import make_page  # noqa: E402

from layout.errors import InputError  # noqa: E402
from layout.page.check import check_frame  # noqa: E402
from layout.render import render  # noqa: E402


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
