"""Where a stretch of a field's normalised text is in the YAML file (review stage helper).

Input: the YAML file's text, a field path (``profiles[3].body[2]``), the field's
text as set (cleaned of invisible characters, stripped, punctuation normalised)
and offsets in it. Output: the span of the file's own characters that holds
that stretch, for plain, single- and double-quoted, literal and folded
scalars (line folds and indentation, quote doubling), so an edit replaces
exactly those characters and nothing else; ``replace_span`` writes new text
there, quoted as the scalar's style needs. A field whose characters cannot be
lined up (escapes such as ``\\u4e2d``) is an input error: the edit is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from layout.errors import InputError
from layout.lang.invisible import is_format
from layout.lang.normalize import FULL_WIDTH
from layout.lang.zh import HANT_QUOTES

PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


@dataclass(frozen=True)
class Span:
    start: int  # character offsets in the file's text
    end: int
    style: str | None  # the scalar's style: None (plain), "'", '"', "|", ">"


def field_span(text: str, path: str, shown: str, start: int, end: int) -> Span:
    """The file characters holding ``shown[start:end]`` of the field at ``path`` (an
    insertion point when start == end)."""
    node = scalar_node(text, path)
    value_at = _align_shown(node.value, shown, path)  # shown index → value index
    if start == end:
        a = value_at[start] if start < len(shown) else _after(value_at, node.value)
        b = a
    else:
        a, b = value_at[start], value_at[end - 1] + 1
    raw_at = _align_raw(text, node, path)  # value index → file index
    raw_a = raw_at[a] if a < len(node.value) else raw_at[-1] + 1
    raw_b = raw_at[b - 1] + 1 if b > a else raw_a
    return Span(raw_a, raw_b, node.style)


def _after(value_at: list[int], value: str) -> int:
    """The value index just after the last shown character (before trailing space)."""
    return value_at[-1] + 1 if value_at else len(value)


def scalar_node(text: str, path: str) -> yaml.ScalarNode:
    """The scalar node at ``path`` in the YAML text."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise InputError(f"the YAML cannot be read: {exc}") from None
    for name, index in PATH_PART.findall(path):
        if isinstance(node, yaml.MappingNode) and name:
            node = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == name), None)
        elif isinstance(node, yaml.SequenceNode) and index:
            node = node.value[int(index)] if int(index) < len(node.value) else None
        else:
            node = None
        if node is None:
            break
    if not isinstance(node, yaml.ScalarNode):
        raise InputError(f"no text at {path} in the YAML")
    return node


def _align_shown(value: str, shown: str, path: str) -> list[int]:
    """For each character of the shown text, the index of the value's character it came
    from: equal, or made full-width (or a corner quote); the value's spaces and invisible
    characters that the cleaning and normalisation dropped are passed over."""
    out: list[int] = []
    i = 0
    for ch in shown:
        while i < len(value) and not _same(value[i], ch):
            if not (value[i].isspace() or is_format(value[i])):
                raise InputError(f"the text of {path} in the YAML does not match the text set ({value[i]!r})")
            i += 1
        if i == len(value):
            raise InputError(f"the text of {path} in the YAML does not match the text set")
        out.append(i)
        i += 1
    return out


def _same(a: str, b: str) -> bool:
    return a == b or FULL_WIDTH.get(a) == b or HANT_QUOTES.get(a) == b


def _align_raw(text: str, node: yaml.ScalarNode, path: str) -> list[int]:
    """For each character of the scalar's value, its index in the file: line folds,
    indentation and quote doubling are passed over; escapes cannot be lined up."""
    k = node.start_mark.index
    end = node.end_mark.index
    if node.style in ("|", ">"):
        k = text.index("\n", k) + 1  # past the header line (|, >-, |2 …)
    elif node.style in ("'", '"'):
        k += 1
    skip = " \t\r\n" + {"'": "'", '"': "\\"}.get(node.style or "", "")
    out: list[int] = []
    for ch in node.value:
        while k < end and not (text[k] == ch or (ch in " \n" and text[k] in " \r\n")):
            if text[k] not in skip:
                raise InputError(f"the YAML writes the text of {path} with escapes: edit it by hand")
            k += 1
        if k >= end:
            raise InputError(f"the YAML writes the text of {path} with escapes: edit it by hand")
        out.append(k)
        k += 1
    if not out:
        raise InputError(f"no text at {path} in the YAML")
    return out


def replace_span(text: str, span: Span, new: str) -> str:
    """``text`` with the span's characters replaced by ``new``, quoted for the scalar's style."""
    if any(ch in new for ch in "\r\n\x85\u2028\u2029"):
        raise InputError("the new text has a line break: edit the paragraphs by hand")
    if span.style == "'":
        new = new.replace("'", "''")
    elif span.style == '"':
        new = new.replace("\\", "\\\\").replace('"', '\\"')
    return text[: span.start] + new + text[span.end :]
