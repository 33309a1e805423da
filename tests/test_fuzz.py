"""Fuzzing: random content structures and random Unicode text. Every run either
loads (and renders) or ends in a BanmianError naming file, line and field; no
other exception, ever."""

from __future__ import annotations

import string
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layout.errors import BanmianError, InputError
from layout.model.content import load_page

ROOT = Path(__file__).resolve().parent.parent
SEED = yaml.safe_load((ROOT / "content" / "seed.yaml").read_text(encoding="utf-8"))
FIELDS = ["paper", "date", "page", "section", "headline", "profiles", "intro", "lang", "style", "subhead", "editor"]
PROFILE_FIELDS = ["id", "headline", "name", "role", "body", "photo", "quote", "span", "lead", "row", "column"]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**6), 10**6), st.floats(allow_nan=True), st.text(max_size=30)
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
profiles = st.fixed_dictionaries({}, optional={k: values for k in PROFILE_FIELDS})
pages = st.fixed_dictionaries(
    {}, optional={**{k: values for k in FIELDS}, "profiles": st.lists(profiles | values, max_size=4)}
)


def write(tmp: Path, data) -> Path:
    path = tmp / "page.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=pages)
def test_random_structures_load_or_are_refused_with_a_place(tmp_path, data):
    path = write(tmp_path, data)
    try:
        load_page(path)
    except InputError as exc:
        assert exc.file == str(path)
        assert str(exc).startswith(str(path))


# text as pages have it (characters every bundled face has), and text from anywhere in Unicode
chinese = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FEA)  # Noto lacks U+9FEB–9FFF
punctuation = st.sampled_from(list("，。、；：？！“”‘’（）《》—…·「」『』,.;:?!()[]-/%"))
latin = st.sampled_from(string.ascii_letters + string.digits + " ")
page_text = st.text(st.one_of(chinese, chinese, chinese, punctuation, latin), min_size=1, max_size=300).filter(
    str.strip
)  # a paragraph of nothing but spaces is refused, rightly
any_text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60)


def page_with(tmp: Path, headline: str, body: list[str], name: str, lang: str) -> Path:
    profile = dict(SEED["profiles"][0], headline=headline, body=body, name=name, photo=None)
    return write(tmp, {**SEED, "lang": lang, "profiles": [profile, *SEED["profiles"][1:3]]})


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    headline=page_text,
    body=st.lists(page_text, min_size=1, max_size=4),
    name=page_text,
    lang=st.sampled_from(["zh-Hans", "zh-Hant"]),
)
def test_random_page_text_always_renders(tmp_path, headline, body, name, lang):
    from layout.render import render

    rendered = render(page_with(tmp_path, headline, body, name, lang), mark_overset=True)
    assert rendered.pdf.startswith(b"%PDF")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(headline=any_text, body=st.lists(any_text, min_size=1, max_size=3), name=any_text)
def test_any_unicode_renders_or_is_refused_with_a_place(tmp_path, headline, body, name):
    from layout.render import render

    path = page_with(tmp_path, headline, body, name, "zh-Hans")
    try:
        rendered = render(path, mark_overset=True)
    except BanmianError as exc:
        assert exc.exit_code == 2 and str(exc).startswith(str(path)), str(exc)
        return
    assert rendered.pdf.startswith(b"%PDF")
