"""Content model: the seed page loads; bad pages raise InputError naming file, line and field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from layout.errors import EXIT_INPUT, InputError
from layout.model.content import load_page

SEED = Path(__file__).resolve().parent.parent / "content" / "seed.yaml"

SEED_IDS = [
    "wang-zhiyong",
    "gan-yuanjing",
    "zhou-hong",
    "cao-huan",
    "zhang-yong",
    "suo-danfeng",
    "yan-qinyou",
    "zhang-lanfeng",
]

# A small valid page; the comments give the line numbers the tests rely on.
GOOD = """\
paper: 测试日报
date: 2021-07-15
page: 3
section: 测试版
headline: 测试标题
profiles:
  - id: first
    headline: 第一篇
    name: 张三
    body:
      - 第一段正文。
  - id: second
    headline: 第二篇
    name: 李四
    body:
      - 第二段正文。
"""
LINES = GOOD.splitlines(keepends=True)


def with_lines(replace: dict[int, str | None]) -> str:
    """GOOD with 1-based line n replaced (None: removed)."""
    out = []
    for n, line in enumerate(LINES, start=1):
        if n in replace:
            if replace[n] is not None:
                out.append(replace[n])
        else:
            out.append(line)
    return "".join(out)


def write(tmp_path: Path, text: str | bytes, name: str = "page.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def load_error(path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        load_page(path)
    assert info.value.exit_code == EXIT_INPUT
    assert info.value.file == str(path)
    return info.value


# --- the seed page ----------------------------------------------------------------------------


def test_seed_page():
    page = load_page(SEED)
    assert len(page.profiles) == 8
    assert [p.id for p in page.profiles] == SEED_IDS
    assert page.date == dt.date(2021, 7, 15)
    assert page.page == 3
    assert page.paper == "辽源日报"
    assert page.section == "“创城”在行动"
    assert page.lang == "zh-Hans"
    assert page.normalize_punctuation is True
    assert page.style == ""
    assert len(page.intro) == 1
    assert [p.index for p in page.profiles] == list(range(8))
    assert [p.path for p in page.profiles][:2] == ["profiles[0]", "profiles[1]"]
    assert [len(p.body) for p in page.profiles] == [3, 3, 4, 3, 4, 2, 4, 3]
    assert [p.name for p in page.profiles] == ["王志勇", "甘元静", "周红", "曹欢", "张勇", "索丹枫", "闫勤友", "张兰峰"]
    assert all(p.photo is not None and p.photo.file is None and p.photo.caption for p in page.profiles)
    assert [p.id for p in page.profiles if p.quote] == [
        "wang-zhiyong",
        "zhou-hong",
        "cao-huan",
        "zhang-yong",
        "zhang-lanfeng",
    ]


def test_seed_line_numbers():
    page = load_page(SEED)
    lines = SEED.read_text(encoding="utf-8").splitlines()
    assert lines[page.source.line("date") - 1].startswith("date: 2021-07-15")
    assert lines[page.source.line("profiles[0]") - 1].strip() == "- id: wang-zhiyong"
    assert lines[page.source.line("profiles[7].id") - 1].strip() == "- id: zhang-lanfeng"
    assert lines[page.source.line("profiles[3].body[1]") - 1].strip().startswith("- '不怕脏")


def test_good_page(tmp_path):
    page = load_page(write(tmp_path, GOOD))
    assert [p.id for p in page.profiles] == ["first", "second"]
    assert page.profiles[1].body == ("第二段正文。",)
    assert page.source.line("profiles[1].body[0]") == 16


PARAGRAPHS_AS_TEXT = "expected a list of paragraphs, got text: write each paragraph as a '- ' item"


def test_body_as_one_text_is_refused(tmp_path):
    # YAML folds the two lines of a plain text into one paragraph, with a stray space: never set that
    path = write(tmp_path, with_lines({15: "    body:\n", 16: "      第一段正文，\n      第二段正文。\n"}))
    err = load_error(path)
    assert str(err) == f"{path}:16:7: profiles[1].body: {PARAGRAPHS_AS_TEXT}"


def test_body_as_a_block_of_text_is_refused(tmp_path):
    text = with_lines({15: "    body: |\n", 16: "      第一段\n      接着。\n\n      第二段。\n"})
    path = write(tmp_path, text)
    assert str(load_error(path)) == f"{path}:15:11: profiles[1].body: {PARAGRAPHS_AS_TEXT}"


def test_intro_as_one_text_is_refused(tmp_path):
    path = write(tmp_path, with_lines({5: "headline: 测试标题\nintro: >\n  导语第一段。\n  导语接着。\n"}))
    assert str(load_error(path)) == f"{path}:6:8: intro: {PARAGRAPHS_AS_TEXT}"


def test_filler_body_as_one_text_is_refused(tmp_path):
    path = write(tmp_path, GOOD + "fillers:\n  - id: notice\n    body: 欢迎订阅本报。\n")
    assert str(load_error(path)) == f"{path}:19:11: fillers[0].body: {PARAGRAPHS_AS_TEXT}"


# --- bad pages: exact messages and lines ------------------------------------------------------


def test_missing_page_headline(tmp_path):
    path = write(tmp_path, with_lines({5: None}))
    err = load_error(path)
    assert str(err) == f"{path}:1:1: headline: required field is missing"
    assert err.line == 1


def test_missing_profile_headline(tmp_path):
    path = write(tmp_path, with_lines({13: None}))
    err = load_error(path)
    assert str(err) == f"{path}:12:5: profiles[1].headline: required field is missing"
    assert (err.line, err.field) == (12, "profiles[1].headline")


def test_empty_profile_headline(tmp_path):
    path = write(tmp_path, with_lines({13: "    headline: ''\n"}))
    err = load_error(path)
    assert str(err) == f"{path}:13:15: profiles[1].headline: 'headline' is empty"


def test_misspelt_page_field_is_an_error(tmp_path):
    # a misspelt field would drop its copy from the page: an error with the field it means
    path = write(tmp_path, with_lines({5: "headline: 测试标题\nsubhed: 副题\n"}))
    assert str(load_error(path)) == f"{path}:6:1: subhed: unknown field 'subhed' (did you mean 'subhead'?)"


def test_misspelt_profile_field_is_an_error(tmp_path):
    path = write(tmp_path, with_lines({14: "    name: 李四\n    qoute:\n      text: 一句话。\n"}))
    assert str(load_error(path)) == f"{path}:15:5: profiles[1].qoute: unknown field 'qoute' (did you mean 'quote'?)"


@pytest.mark.parametrize(
    ("key", "meant"),
    [("Quote", "quote"), ("qoute", "quote"), ("quotes", "quote"), ("qute", "quote"), ("qiotr", "quote"), ("di", "id")],
)
def test_misspellings_within_two_edits(tmp_path, key, meant):
    path = write(tmp_path, with_lines({14: f"    name: 李四\n    {key}: x\n"}))
    assert str(load_error(path)) == f"{path}:15:5: profiles[1].{key}: unknown field '{key}' (did you mean '{meant}'?)"


@pytest.mark.parametrize("key", ["quotation", "x", "notes_for_desk"])
def test_fields_far_from_every_known_one_stay_warnings(tmp_path, key):
    path = write(tmp_path, with_lines({14: f"    name: 李四\n    {key}: x\n"}))
    (warning,) = load_page(path).warnings  # the page loads without the field
    assert warning.startswith(f"{path}:15:5: warning: profiles[1].{key}: unknown field '{key}', ignored (")


def test_misspelt_nested_field_is_an_error(tmp_path):
    path = write(tmp_path, with_lines({14: "    name: 李四\n    photo:\n      captoin: 图片说明\n"}))
    err = load_error(path)
    assert str(err) == f"{path}:16:7: profiles[1].photo.captoin: unknown field 'captoin' (did you mean 'caption'?)"


def test_edit_distance():
    from layout.model.validate import edit_distance

    assert edit_distance("qoute", "quote") == 1  # one swap of neighbours
    assert edit_distance("Quote", "quote") == 0
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("", "abc") == edit_distance("abc", "") == 3
    assert edit_distance("ca", "abc") == 3  # optimal string alignment: no edit of a swapped pair


def test_unknown_field_without_close_match(tmp_path):
    path = write(tmp_path, with_lines({3: "page: 3\nzzz: 1\n"}))
    (warning,) = load_page(path).warnings
    known = "known fields: ads, date, editor, "
    assert warning.startswith(f"{path}:4:1: warning: zzz: unknown field 'zzz', ignored ({known}")


def test_every_problem_at_once_with_line_and_column(tmp_path):
    text = with_lines(
        {2: "date: tomorrow\n", 3: "page: 0\n", 8: "    headline: 7\n", 14: "    name: 李四\n    bodi: x\n"}
    )
    path = write(tmp_path, text)
    err = load_error(path)
    assert str(err) == (
        f"{path}:2: 4 problems:\n"
        f"  {path}:2:7: date: found the text 'tomorrow'; expected a date like 2021-07-15\n"
        f"  {path}:3:7: page: found the number 0; expected at least 1\n"
        f"  {path}:8:15: profiles[0].headline: found the number 7; expected text\n"
        f"  {path}:15:5: profiles[1].bodi: unknown field 'bodi' (did you mean 'body'?)"
    )


def test_body_as_text_among_other_problems(tmp_path):
    path = write(tmp_path, with_lines({3: "page: 0\n", 15: "    body: 第二段正文。\n", 16: None}))
    assert str(load_error(path)) == (
        f"{path}:3: 2 problems:\n"
        f"  {path}:3:7: page: found the number 0; expected at least 1\n"
        f"  {path}:15:11: profiles[1].body: found the text '第二段正文。'; expected a list of paragraphs"
    )


def test_duplicate_id(tmp_path):
    path = write(tmp_path, with_lines({12: "  - id: first\n"}))
    err = load_error(path)
    assert str(err) == f"{path}:12:9: profiles[1].id: id 'first' is used twice (also profiles[0])"


def test_bad_id(tmp_path):
    path = write(tmp_path, with_lines({12: "  - id: 第二\n"}))
    err = load_error(path)
    assert str(err) == f"{path}:12:9: profiles[1].id: id '第二' must be letters, digits, '-' or '_' (at most 64)"


def test_body_not_a_list(tmp_path):
    path = write(tmp_path, with_lines({15: "    body: 42\n", 16: None}))
    err = load_error(path)
    assert str(err) == f"{path}:15:11: profiles[1].body: expected a list of paragraphs, got int"


def test_body_a_mapping(tmp_path):
    path = write(tmp_path, with_lines({16: "      text: 第二段正文。\n"}))
    err = load_error(path)
    assert str(err) == f"{path}:16:7: profiles[1].body: expected a list of paragraphs, got a mapping"


def test_body_item_not_text(tmp_path):
    path = write(tmp_path, with_lines({16: "      - [1, 2]\n"}))
    err = load_error(path)
    assert str(err) == f"{path}:16:9: profiles[1].body[0]: expected a non-empty paragraph of text, got a list"


def test_missing_body(tmp_path):
    path = write(tmp_path, with_lines({15: None, 16: None}))
    err = load_error(path)
    assert str(err) == f"{path}:12:5: profiles[1].body: required field is missing"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        pytest.param("tomorrow", "'tomorrow'", id="word"),
        pytest.param("'2021-02-30'", "'2021-02-30'", id="quoted-impossible-day"),
        pytest.param("20210715", "20210715", id="number"),
        pytest.param("'15/07/2021'", "'15/07/2021'", id="slashes"),
    ],
)
def test_bad_date(tmp_path, value, shown):
    path = write(tmp_path, with_lines({2: f"date: {value}\n"}))
    err = load_error(path)
    assert str(err) == f"{path}:2:7: date: expected a date like 2021-07-15, got {shown}"


def test_date_as_quoted_text(tmp_path):
    page = load_page(write(tmp_path, with_lines({2: "date: '2021-07-15'\n"})))
    assert page.date == dt.date(2021, 7, 15)


@pytest.mark.parametrize("value", ["2021-13-45", "2021-02-30"])
def test_impossible_unquoted_date(tmp_path, value):
    path = write(tmp_path, with_lines({2: f"date: {value}\n"}))
    err = load_error(path)
    assert err.line == 2
    assert err.field == "date"


@pytest.mark.parametrize(
    ("value", "shown"),
    [("0", "0"), ("1000", "1000"), ("-1", "-1"), ("三", "'三'"), ("true", "True"), ("2.5", "2.5")],
)
def test_bad_page_number(tmp_path, value, shown):
    path = write(tmp_path, with_lines({3: f"page: {value}\n"}))
    err = load_error(path)
    assert str(err) == f"{path}:3:7: page: expected a page number (版次) from 1 to 999, got {shown}"


def test_yaml_syntax_error_line(tmp_path):
    path = write(tmp_path, with_lines({9: "    name: 张三: 李\n"}))
    err = load_error(path)
    assert err.line == 9
    assert str(err).startswith(f"{path}:9: YAML syntax: ")
    assert "mapping values are not allowed here" in str(err)


def test_yaml_bad_indent_line(tmp_path):
    path = write(tmp_path, with_lines({11: "      - 第一段正文。\n     - 缩进错了\n"}))
    err = load_error(path)
    assert err.line == 12
    assert str(err).startswith(f"{path}:12: YAML syntax: ")


def test_not_utf8_gbk(tmp_path):
    # ASCII up to line 3; the first GBK bytes are on line 4
    text = with_lines({1: "paper: Test Daily\n"})
    path = write(tmp_path, text.encode("gbk"))
    err = load_error(path)
    assert str(err) == f"{path}:4: not UTF-8 text (save the file as UTF-8; GBK files must be converted)"


def test_utf8_bom_accepted(tmp_path):
    page = load_page(write(tmp_path, b"\xef\xbb\xbf" + GOOD.encode("utf-8")))
    assert page.paper == "测试日报"


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_file(tmp_path, text):
    path = write(tmp_path, text)
    err = load_error(path)
    assert str(err) == f"{path}: the file is empty"


def test_not_a_mapping(tmp_path):
    path = write(tmp_path, "- a\n- b\n")
    err = load_error(path)
    assert str(err) == f"{path}:1:1: expected a mapping of fields, got a list"


def test_folder(tmp_path):
    folder = tmp_path / "page.yaml"
    folder.mkdir()
    err = load_error(folder)
    assert str(err) == f"{folder}: is a folder, not a YAML file"


def test_missing_file(tmp_path):
    err = load_error(tmp_path / "nothing.yaml")
    assert str(err) == f"{tmp_path / 'nothing.yaml'}: no such file"


def test_profiles_not_a_list(tmp_path):
    path = write(tmp_path, "".join(LINES[:5]) + "profiles: none\n")
    err = load_error(path)
    assert str(err) == f"{path}:6:11: profiles: expected a non-empty list of profiles"


def test_bad_lang(tmp_path):
    path = write(tmp_path, GOOD + "lang: en\n")
    err = load_error(path)
    assert str(err) == f"{path}:17:7: lang: lang must be one of zh-Hans, zh-Hant, got 'en'"


def test_alias_bomb_is_bounded(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 8):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    path = write(tmp_path, "\n".join(lines) + "\n")
    err = load_error(path)
    assert "more than" in str(err)


def test_duplicate_key(tmp_path):
    path = write(tmp_path, with_lines({3: "page: 3\npage: 4\n"}))
    err = load_error(path)
    assert err.line == 4
    assert err.field == "page"


# --- invisible format characters: removed with a note, kept in emoji, refused where they mean something ---


def test_invisible_characters_are_removed_with_a_note_each(tmp_path):
    text = with_lines(
        {
            13: "    headline: 第二篇Photo\u00adgraphy\n",
            14: "    name: 李\ufeff四\n    photo:\n      caption: 图\u202e片说明\n",
            16: "      - 第二\u200b段正文\u200b。\n",
        }
    )
    path = write(tmp_path, text)
    page = load_page(path)
    second = page.profiles[1]
    assert (second.headline, second.name, second.photo.caption) == ("第二篇Photography", "李四", "图片说明")
    assert second.body == ("第二段正文。",)
    assert page.notes == (
        f"{path}:13:23: note: profiles[1].headline: removed U+00AD SOFT HYPHEN (a soft hyphen: lines here break "
        "without hyphens)",
        f"{path}:14:12: note: profiles[1].name: removed U+FEFF ZERO WIDTH NO-BREAK SPACE (a byte-order mark inside "
        "the text)",
        f"{path}:16:17: note: profiles[1].photo.caption: removed U+202E RIGHT-TO-LEFT OVERRIDE (an invisible format "
        "character)",
        f"{path}:18:11: note: profiles[1].body[0]: removed U+200B ZERO WIDTH SPACE (a zero-width character), "
        "2 times (the first here)",
    )
    assert page.warnings == ()
    assert page.source.line("profiles[1].photo.caption") == 16  # the YAML's lines are untouched


def test_a_clean_page_has_no_notes(tmp_path):
    assert load_page(write(tmp_path, GOOD)).notes == ()


def test_emoji_sequences_keep_their_joiners(tmp_path):
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # 👨‍👩‍👧
    eye = "\U0001f441\ufe0f\u200d\U0001f5e8\ufe0f"  # 👁️‍🗨️: the joiner after a presentation selector
    england = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"  # a tag sequence
    path = write(tmp_path, with_lines({16: f"      - 一家{family}{eye}{england}正\u200d文。\n"}))
    page = load_page(path)
    assert page.profiles[1].body == (f"一家{family}{eye}{england}正文。",)
    assert page.notes == (
        f"{path}:16:29: note: profiles[1].body[0]: removed U+200D ZERO WIDTH JOINER (a zero-width character)",
    )


def test_variation_selectors_are_not_format_characters(tmp_path):
    path = write(tmp_path, with_lines({16: "      - 葛\U000e0100城\u2764\ufe0f。\n"}))
    page = load_page(path)
    assert page.profiles[1].body == ("葛\U000e0100城\u2764\ufe0f。",)
    assert page.notes == ()


def test_an_escaped_invisible_character_is_noted_where_its_text_starts(tmp_path):
    path = write(tmp_path, with_lines({16: '      - "第二段\\u202E正文。"\n'}))
    page = load_page(path)
    assert page.profiles[1].body == ("第二段正文。",)
    assert page.notes == (
        f"{path}:16:9: note: profiles[1].body[0]: removed U+202E RIGHT-TO-LEFT OVERRIDE (an invisible format "
        "character)",
    )


def test_a_paragraph_of_only_invisible_characters_is_empty(tmp_path):
    path = write(tmp_path, with_lines({16: "      - \u200b\u200b\n"}))
    assert (
        str(load_error(path)) == f"{path}:16:9: profiles[1].body[0]: an empty paragraph (nothing but spaces): remove it"
    )


@pytest.mark.parametrize("mark", ["\u200f", "\u061c", "\u2067"])  # RLM and ALM are of bidi class R and AL
def test_bidi_controls_in_chinese_text_are_removed(tmp_path, mark):
    path = write(tmp_path, with_lines({16: f"      - 第二段{mark}正文。\n"}))
    page = load_page(path)
    assert page.profiles[1].body == ("第二段正文。",)
    (note,) = page.notes
    assert note.startswith(f"{path}:16:12: note: profiles[1].body[0]: removed U+{ord(mark):04X} ")


def test_bidi_controls_among_right_to_left_letters_are_refused(tmp_path):
    path = write(tmp_path, with_lines({16: "      - 以色列报纸\u202bשלום\u202c报道。\n"}))
    assert str(load_error(path)) == (
        f"{path}:16:14: profiles[1].body[0]: U+202B RIGHT-TO-LEFT EMBEDDING among right-to-left letters "
        "(U+05E9 HEBREW LETTER SHIN): this engine cannot set right-to-left text, and removing the control would "
        "change the order it is read in"
    )


def test_a_joiner_in_a_shaped_script_is_refused(tmp_path):
    path = write(tmp_path, with_lines({13: "    headline: می\u200cخواهم\n"}))
    assert str(load_error(path)) == (
        f"{path}:13:17: profiles[1].headline: U+200C ZERO WIDTH NON-JOINER next to U+06CC ARABIC LETTER FARSI YEH: "
        "it shapes that script, which this engine cannot set, and removing it would change the spelling"
    )


def test_an_escaped_control_character_is_refused(tmp_path):
    path = write(tmp_path, with_lines({13: '    headline: "第二\\a篇"\n'}))
    assert str(load_error(path)) == (
        f"{path}:13:15: profiles[1].headline: control character U+0007 in text (a quoted escape such as \\a?): "
        "remove it"
    )
