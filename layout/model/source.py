"""Reading YAML with line numbers (stage 0 helper).

Input: a YAML file. Output: the plain Python value and a map from field
paths such as ``profiles[3].body[2]`` to the 1-based line where each value
starts (and column), so every later error can name file, line and field;
and where each invisible format character of a text value stands, so the
note about its removal (layout/lang/invisible.py) names its own line and
column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from layout.errors import InputError
from layout.lang.invisible import is_format

MAX_BYTES = 8 * 1024 * 1024  # a page is a few hundred kB at most
MAX_NODES = 200_000  # bounds alias expansion ("billion laughs")


@dataclass(frozen=True)
class Located:
    """A YAML document and where each of its values is."""

    file: str
    value: Any
    lines: dict[str, int] = field(default_factory=dict)
    columns: dict[str, int] = field(default_factory=dict)  # 1-based column of each value (and PATH@key)
    # where each invisible format character of a text value stands: (character, line, column) in order,
    # for the values that have them written as they are (not as escapes)
    invisible: dict[str, tuple[tuple[str, int, int], ...]] = field(default_factory=dict)

    def line(self, path: str) -> int | None:
        """The line of ``path`` or of its nearest located parent."""
        return _nearest(self.lines, path)

    def column(self, path: str) -> int | None:
        """The column where ``path`` (or, for a missing field, its nearest parent) starts."""
        return _nearest(self.columns, path)

    def error(self, path: str, message: str) -> InputError:
        return InputError(message, file=self.file, line=self.line(path), field=path or None, column=self.column(path))

    def char_position(self, path: str, char: str, nth: int) -> tuple[int | None, int | None]:
        """Line and column of the ``nth`` (0-based) ``char`` of the text at ``path``: exact for an
        invisible format character written as it is, else where the value starts."""
        found = [(line, column) for ch, line, column in self.invisible.get(path, ()) if ch == char]
        return found[nth] if nth < len(found) else (self.line(path), self.column(path))


def is_edition(doc: Located) -> bool:
    """An edition file lists ``pages``; a page file has ``profiles`` (the command asks this
    of every file, so it lives here, not with the edition machinery)."""
    return isinstance(doc.value, dict) and "pages" in doc.value and "profiles" not in doc.value


def _nearest(where: dict[str, int], path: str) -> int | None:
    """The position of ``path`` or of its nearest parent that has one."""
    while path:
        if path in where:
            return where[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return where.get("")


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


class _Duplicate(Exception):
    def __init__(self, path: str, line: int) -> None:
        super().__init__(path)
        self.path, self.line = path, line


def _path_at(lines: dict[str, int], line: int) -> str | None:
    """The deepest field path starting on ``line``."""
    paths = [p for p, n in lines.items() if n == line and not p.endswith("@key")]
    return max(paths, key=len) if paths else None


class _Dates:
    """Bad timestamps (2021-02-30) as located errors, not ValueError."""

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)  # type: ignore[misc]
        except ValueError as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"not a valid date: {node.value} ({exc})", node.start_mark
            ) from None


class _Loader(_Dates, yaml.SafeLoader):
    """PyYAML's pure-Python SafeLoader: its messages are the ones an editor reads."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)

# libyaml's parser (PyYAML's C extension), when PyYAML was built with it: the same nodes, values
# and marks (line, column, index in characters) in a tenth of the time. A file it cannot read
# is read again by _Loader, so every message is _Loader's.
_CLoader: type | None = None
if getattr(yaml, "__with_libyaml__", False):

    class _CLoader(_Dates, yaml.CSafeLoader):  # type: ignore[no-redef]
        """libyaml's parser with SafeLoader's constructors."""

    _CLoader.add_constructor("tag:yaml.org,2002:timestamp", _CLoader.construct_yaml_timestamp)

# what goes to _Loader directly: characters the pure-Python reader refuses (its NON_PRINTABLE),
# and those libyaml reads otherwise: tabs (the pure-Python scanner refuses many), the line
# breaks NEL, LS and PS, a byte order mark inside the text, and "?" (in a flow collection the
# pure-Python scanner ends a plain scalar there, libyaml does not). Written as the characters
# it matches, not as the complement of those it does not: the same set (every code point
# checked in tests/test_startup.py), compiled in a tenth of the time (~0.4 ms, not ~4.5 ms)
_PURE_ONLY = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x3f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")


LINE_BREAKS = frozenset("\n\x85\u2028\u2029")  # YAML's (and \r not before \n)


def _invisible(node: yaml.ScalarNode, text: str) -> tuple[tuple[str, int, int], ...]:
    """Each invisible format character of a scalar with its line and column, when the file
    ``text`` has them as they are (the same count of each as the value: not written as escapes)."""
    wanted = {ch for ch in node.value if is_format(ch)}
    if not wanted:
        return ()
    raw = text[node.start_mark.index : node.end_mark.index]
    if any(raw.count(ch) != node.value.count(ch) for ch in wanted):
        return ()
    line, column = node.start_mark.line + 1, node.start_mark.column + 1
    out = []
    for i, ch in enumerate(raw):
        if ch in wanted:
            out.append((ch, line, column))
        if ch in LINE_BREAKS or (ch == "\r" and raw[i + 1 : i + 2] != "\n"):
            line, column = line + 1, 1
        else:
            column += 1
    return tuple(out)


def _walk(
    node: yaml.Node,
    path: str,
    lines: dict[str, int],
    budget: list[int],
    columns: dict[str, int] | None = None,
    invisible: dict[str, tuple[tuple[str, int, int], ...]] | None = None,
    text: str = "",
) -> None:
    budget[0] -= 1
    if budget[0] < 0:
        raise yaml.YAMLError(f"more than {MAX_NODES} values (alias expansion?)")
    lines.setdefault(path, node.start_mark.line + 1)
    if columns is not None:
        columns.setdefault(path, node.start_mark.column + 1)
    if invisible is not None and isinstance(node, yaml.ScalarNode):
        found = _invisible(node, text)
        if found:
            invisible.setdefault(path, found)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
            if key in seen:
                raise _Duplicate(join(path, key), key_node.start_mark.line + 1)
            seen.add(key)
            if columns is not None:  # where the key is: for messages about the field itself (unknown, twice)
                columns.setdefault(f"{join(path, key)}@key", key_node.start_mark.column + 1)
                lines.setdefault(f"{join(path, key)}@key", key_node.start_mark.line + 1)
            _walk(value_node, join(path, key), lines, budget, columns, invisible, text)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, join(path, i), lines, budget, columns, invisible, text)


def read_text(path: Path) -> str:
    """Read a UTF-8 text file (a BOM is accepted) or raise InputError."""
    name = str(path)
    try:
        if path.is_dir():
            raise InputError("is a folder, not a YAML file", file=name)
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(f"file is {size} bytes; the limit is {MAX_BYTES}", file=name)
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", file=name) from None
    except PermissionError:
        raise InputError("cannot read the file (permission denied)", file=name) from None
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", file=name) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("UTF-16 text: save the file as UTF-8", file=name, line=1)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            "not UTF-8 text (save the file as UTF-8; GBK files must be converted)", file=name, line=line
        ) from None


class _Reread(Exception):
    """libyaml's reading may differ from the pure-Python parser's: read the file with that."""


def _has_empty_scalar(root: yaml.Node) -> bool:
    """True when the document has an empty value (``key:`` with nothing after it): libyaml
    places some of them elsewhere than the pure-Python parser (at the next token)."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            if not node.value and node.start_mark.index == node.end_mark.index:
                return True
        elif isinstance(node, yaml.MappingNode):
            stack += [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            stack += node.value
    return False


def load_yaml(path: Path) -> Located:
    """Parse one YAML document; InputError names the line of a syntax error."""
    text = read_text(path)
    name = str(path)
    if _CLoader is not None and not _PURE_ONLY.search(text):
        try:
            return _parse(text, name, _CLoader)
        except (yaml.YAMLError, InputError, _Duplicate, RecursionError, _Reread):
            pass  # read again below: the pure-Python parser's message, as always
    return _read(text, name)


def _parse(text: str, name: str, loader_class: type) -> Located:
    """The document, its values' positions and invisible characters, with ``loader_class``."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise InputError("the file is empty", file=name)
        if loader_class is _CLoader and _has_empty_scalar(node):
            raise _Reread("an empty value")
        lines: dict[str, int] = {}
        columns: dict[str, int] = {}
        invisible: dict[str, tuple[tuple[str, int, int], ...]] = {}
        _walk(node, "", lines, [MAX_NODES], columns, invisible, text)
        try:
            value = loader.construct_document(node)
        except yaml.constructor.ConstructorError as exc:
            line = exc.problem_mark.line + 1 if exc.problem_mark else None
            field = _path_at(lines, line) if line else None
            raise InputError(str(exc.problem), file=name, line=line, field=field) from None
    finally:
        loader.dispose()
    return Located(name, value, lines, columns, invisible)


def _read(text: str, name: str) -> Located:
    """``_parse`` with the pure-Python parser, its errors as InputError."""
    try:
        return _parse(text, name, _Loader)
    except _Duplicate as dup:
        raise InputError("given twice in the same mapping", file=name, line=dup.line, field=dup.path) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = str(exc.problem or exc.context)
        if "'\\t'" in problem:
            problem = "a tab character: YAML indents with spaces only (replace the tabs with spaces)"
        raise InputError(f"YAML syntax: {problem}", file=name, line=line) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, e.g. a control character
        line = text[: exc.position].count("\n") + 1
        raise InputError(
            f"character U+{exc.character:04X} is not allowed in YAML (binary data or a stray control character?)",
            file=name,
            line=line,
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML: {exc}", file=name) from None
    except RecursionError:
        raise InputError("YAML nested too deeply", file=name) from None
