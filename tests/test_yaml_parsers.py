"""libyaml's parser gives exactly what PyYAML's pure-Python parser gives (model/source.py).

For every YAML file of the project and many damaged variants of them: when libyaml reads a
file, the pure-Python parser reads it too, to the same values, lines, columns and invisible
characters; ``load_yaml`` returns the same ``Located`` or raises the same message either way.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from layout.errors import InputError
from layout.model import source

pytestmark = pytest.mark.skipif(source._CLoader is None, reason="PyYAML without libyaml")

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ["\t", " ", "  ", "\n", "\r\n", "\r", ":", ": ", "- ", "#", "'", '"', "&a ", "*a", "!!str ", "{", "}", "[",
            "]", ",", "?", "|", ">", "\\", "\u200b", "\u200d", "\ufeff", "\u2028", "\x85", "中", "𠀀", "%", "@", "`",
            "2021-02-30", "\x00", "\x07", "---\n", "...\n", "<<: ", "!x ", "\\u200b", "~", "!!binary ", "!!set ",
            "- [", "{a: ", ": |\n", ": >-\n  x\n", "'a\n  b'", '"\\\n"', "    ", "\n  - ", "?", "*", "&", ".nan",
            "0x1F", "1e3", "yes", "null", "12:30", "\u3000", "\\t", "# c\n"]  # fmt: skip


def _texts() -> list[str]:
    files = [*ROOT.glob("content/*.yaml"), *ROOT.glob("layout/styles/*.yaml"), *ROOT.glob("tests/bad_inputs/**/*.yaml")]
    files += [*Path("/work/shared/samples").glob("*.yaml")]
    texts = []
    for f in sorted(f for f in set(files) if f.is_file()):
        try:
            texts.append(f.read_bytes().decode("utf-8-sig"))
        except UnicodeDecodeError:
            continue
    texts += ["a: 1\na: 2\n", "x: &a [*a]\n", "- a\n-\tb\n", "k: 'it''s'\n", "d: 2021-07-15\n", "t: \u200bx\u200b\n"]
    texts += [
        'q: "\\u200b\u200b"\n',
        "m: {a: 1, b: [1, 2]}\n",
        "? a\n: b\n",
        "%YAML 1.2\n---\na: 1\n",
        "a: |\n  x\n   y\n",
    ]
    return texts


def _mutations(text: str, rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        t = text
        for _ in range(rng.choice((1, 1, 2, 4))):
            i = rng.randrange(len(t) + 1)
            if rng.random() < 0.7:
                t = t[:i] + rng.choice(SNIPPETS) + t[i:]
            else:
                t = t[:i] + t[i + rng.randrange(1, 8) :]
        out.append(t)
    return out


def _outcome(parse, text: str):
    try:
        return parse(text)
    except (yaml.YAMLError, InputError, source._Duplicate, RecursionError, source._Reread) as exc:
        return type(exc)


def _messages(text: str, tmp: Path):
    f = tmp / "page.yaml"
    f.write_text(text, encoding="utf-8")
    try:
        return source.load_yaml(f)
    except InputError as exc:
        return str(exc)


def test_same_documents_and_positions(tmp_path):
    rng = random.Random(16)
    agreed = 0
    for text in _texts():
        short = text if len(text) < 4000 else text[:4000]
        for t in [text, *_mutations(short, rng, 40)]:
            fast = _outcome(lambda s: source._parse(s, "f.yaml", source._CLoader), t)
            if isinstance(fast, type):
                continue  # load_yaml reads it again with the pure-Python parser
            slow = _outcome(lambda s: source._parse(s, "f.yaml", source._Loader), t)
            if source._PURE_ONLY.search(t):
                continue  # never given to libyaml
            assert slow == fast, repr(t)
            agreed += 1
    assert agreed > 500


def test_load_yaml_as_with_the_pure_parser(tmp_path, monkeypatch):
    """Every file (good or bad) gives the same Located or the same message with and without libyaml."""
    rng = random.Random(7)
    cases = []
    for text in _texts()[:40]:
        cases += [text, *_mutations(text[:3000], rng, 6)]
    with_c = [_messages(t, tmp_path) for t in cases]
    monkeypatch.setattr(source, "_CLoader", None)
    without = [_messages(t, tmp_path) for t in cases]
    assert with_c == without
