"""Built-in styles and type sizes: every number exact."""

from __future__ import annotations

from pathlib import Path

import pytest

from layout.errors import InputError
from layout.model.style import load_style, style_path
from layout.resources import styles_dir
from layout.units import HAO_PT, MM, mm, size_pt


def load(name: str):
    return load_style(style_path(name, Path(".")))


def test_builtin_style_paths():
    assert style_path("broadsheet", Path("/nowhere")) == styles_dir() / "broadsheet.yaml"
    assert style_path("", Path("/nowhere")) == styles_dir() / "broadsheet.yaml"
    assert style_path("tabloid", Path("/nowhere")) == styles_dir() / "tabloid.yaml"
    assert style_path("my.yaml", Path("/pages")) == Path("/pages/my.yaml")


def test_broadsheet():
    st = load("broadsheet")
    assert st.name == "broadsheet"
    # 对开: 390 × 540 mm
    assert st.page_width == 390 * 72 / 25.4
    assert st.page_height == 540 * 72 / 25.4
    assert st.page_width == pytest.approx(1105.5118110236222)
    assert (st.columns, st.chars, st.gutter_chars) == (8, 13, 1.0)
    assert st.body_size == 9.0
    assert st.column_width == 117.0
    assert st.gutter == 9.0
    # 8 × 13 × 9 + 7 × 9
    assert st.type_width == 8 * 13 * 9 + 7 * 9 == 999.0
    assert st.leading == 13.5
    assert st.lines == 102
    assert st.type_height == 1377.0
    assert st.top == mm(30)
    assert st.left == (st.page_width - 999) / 2
    assert st.column_x(0) == st.left
    assert st.column_x(7) + st.column_width == pytest.approx(st.left + 999)
    assert st.span_width(4) == 4 * 117 + 3 * 9 == 495.0
    assert st.top + st.type_height <= st.page_height
    assert set(st.fonts) == {"song", "hei", "kai"}
    assert st.roles["body"].size == 9.0
    assert st.roles["headline"].size == 26.0  # 一号, for modules of four or more columns
    assert st.headline_sizes == {1: 16.0, 2: 18.0, 3: 22.0}
    assert st.roles["headline"].min_size == 15.0
    assert st.roles["banner"].size == 72.0
    assert st.roles["banner"].min_size == 36.0
    assert st.roles["intro"].size == 10.5
    assert st.rules == {"hairline": 0.25, "module": 0.5, "heavy": 1.5}


def test_tabloid():
    st = load("tabloid")
    assert st.name == "tabloid"
    # 四开: 270 × 390 mm
    assert st.page_width == 270 * 72 / 25.4
    assert st.page_height == 390 * 72 / 25.4
    assert st.columns == 6
    assert st.chars == 12
    assert st.body_size == 9.0
    assert st.type_width == 6 * 12 * 9 + 5 * 9 == 693.0
    assert st.type_height == 73 * 13.5
    assert st.left == (st.page_width - 693) / 2
    assert st.top + st.type_height <= st.page_height


def test_every_role_has_a_known_font():
    for name in ("broadsheet", "tabloid"):
        st = load(name)
        for role in st.roles.values():
            assert role.font in st.fonts
            assert 0 < role.min_size <= role.size


def test_units():
    assert MM == 72 / 25.4
    assert mm(25.4) == 72.0
    assert size_pt("小五") == 9
    assert size_pt("五号") == 10.5
    assert size_pt("初号") == 42
    assert size_pt("八号") == 5
    assert size_pt(" 小四 ") == 12
    assert size_pt(12) == 12.0
    assert size_pt(9.5) == 9.5
    assert size_pt("12pt") == 12.0
    assert size_pt("7.5") == 7.5
    assert len(HAO_PT) == 16


@pytest.mark.parametrize("bad", ["大五", "五", "", "pt", "12px", 0, -3, "0", True, None, [9], {"size": 9}])
def test_bad_size(bad):
    with pytest.raises(ValueError):
        size_pt(bad)


def test_bad_size_message_lists_names():
    with pytest.raises(ValueError, match="大五.*小五"):
        size_pt("大五")


def test_bad_style_size_names_line_and_field(tmp_path):
    text = (styles_dir() / "broadsheet.yaml").read_text(encoding="utf-8")
    assert "  size: 小五" in text
    lines = text.splitlines(keepends=True)
    n = next(i for i, ln in enumerate(lines, 1) if ln.startswith("  size: 小五"))
    lines[n - 1] = "  size: 大五\n"
    path = tmp_path / "bad.yaml"
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_style(path)
    assert info.value.line == n
    assert info.value.field == "grid.size"
    assert str(info.value).startswith(f"{path}:{n}:9: grid.size: not a type size: '大五'")
