"""Style model (stage 0).

Input: a style YAML file: a built-in name (``broadsheet``, ``tabloid``) or a
path. Output: a frozen ``Style`` with page format, grid, fonts and sizes by
role, all in points. Nothing about a page format lives in code.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from layout.errors import InputError
from layout.model.source import Located, load_yaml
from layout.model.validate import checked
from layout.resources import styles_dir
from layout.units import mm, size_pt

DEFAULT_STYLE = "broadsheet"
ROLES = (
    "body",
    "intro",
    "kicker",
    "banner",
    "subhead",
    "headline",
    "byline",
    "name",
    "caption",
    "quote",
    "head",
    "head_paper",
    "staff",
)
# Roles a style may leave out: (role, the role it copies when missing, size in points or None to keep)
OPTIONAL_ROLES = (
    ("brief_title", "headline", 15.0),  # a briefs group's heading (小三), set once over its items
    ("brief_head", "name", 10.5),  # an item's small head inside a briefs group (五号)
)
OPEN_AREAS = ("foot", "corner")
VERTICAL_HEADLINES = ("never", "allowed")  # may the search set a headline vertically (竖题)?
VERTICAL_HEADLINE_SIDES = ("right", "left")  # the side of its module a vertical headline stands on
AD_POSITIONS = ("foot", "top-left", "top-right", "left", "right")  # where a booked block may stand
FALLBACKS = ("none", "system")  # none: only the style's fonts; system: installed fonts (fontconfig) too
# A colour page's coloured parts: the kicker, the running head's section label (报眉, role
# head_paper) and the rules; text in colour is checked at the smallest size its role sets.
COLOURED_TEXT = {"kicker": "kicker", "section": "head_paper"}
TWO_INK_MIN_SIZE = 12.0  # points: a solid two-ink mix in text at this size or more (newspaper.md §3.3)
MULTI_INK_MIN_RULE = 0.5  # points: a rule in two or more inks at least this heavy (misregistration)


@dataclass(frozen=True)
class Role:
    """How one kind of text is set: its font and size."""

    font: str  # key into Style.fonts
    size: float  # points
    min_size: float  # points; equals size unless the role may shrink to fit


@dataclass(frozen=True)
class Legibility:
    """The rules every module of the makeup obeys (style ``modules:``), in grid lines.
    Defaults from design practice: legs of roughly 2 to 10 inches (makeup-quality.md §b)."""

    min_leg: int = 10  # least lines in one column of a module's body text
    max_leg: int = 60  # most lines in one column
    min_under_photo: int = 6  # least lines under a photo that does not fill its columns' depth
    head_fill: float = 0.34  # a headline's longest line covers at least this share of its module's width


@dataclass(frozen=True)
class Briefs:
    """Short items set together in one module (style ``briefs:``)."""

    columns: int = 3  # widest briefs module, in grid columns
    max_lines: int = 20  # an item of at most this many one-column lines may be set as a brief


@dataclass(frozen=True)
class Space:
    """A standard space on the page (for ads, fillers and open areas), in grid units."""

    name: str
    columns: int
    lines: int


@dataclass(frozen=True)
class AdSlot:
    """A place for booked blocks the style names (``ad_slots:``): one of the built-in
    positions, and for the foot the first column (None: at the right, as ``foot``)."""

    position: str
    column: int | None = None


@dataclass(frozen=True)
class Style:
    """A style file read and checked: page, grid, fonts, roles and rules, in points."""

    name: str
    file: str
    folder: Path
    page_width: float  # points, trim
    page_height: float
    top: float  # type area top, from the trim top
    columns: int
    chars: int
    gutter_chars: float
    body_size: float
    leading: float
    lines: int
    fonts: dict[str, str]
    roles: dict[str, Role]
    min_span: int
    photo_height: tuple[float, float]
    photo_height_narrow: tuple[float, float]
    headline_lines: int
    intro_span: int
    rules: dict[str, float]
    kinsoku: str = ""  # clreq prohibition level: basic, gb, strict ("" = the language's default)
    punctuation: str = ""  # compression scheme: mainland, kaiming, quanjiao ("" = the language's default)
    halve_opening_at_line_start: bool = False
    hanging: str = ""  # hanging punctuation: none, pause-stop ("" = auto: zh-Hant vertical lines hang)
    headline_sizes: dict[int, float] = field(default_factory=dict)  # module span → largest headline size
    quote_span: int = 3  # a pull quote's widest measure, in columns
    leading_min: float = 0.0  # copyfit: the tightest leading allowed (0: the leading never changes)
    legibility: Legibility = Legibility()
    briefs: Briefs = Briefs()
    open_area: str = "foot"  # a short page's open area: "foot" (a band across) or "corner" (bottom right)
    spaces: tuple[Space, ...] = ()  # standard spaces, largest first
    ad_slots: dict[str, AdSlot] = field(default_factory=dict)  # named places for booked blocks
    fallback: str = "none"  # "system": characters no style font has may come from installed fonts
    colours: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)  # part → CMYK 0–1
    warnings: tuple[str, ...] = ()  # e.g. unknown fields (ignored)
    # 竖排: "vertical" reads the grid as bands (columns, top to bottom, ``chars`` long) and
    # vertical lines (``lines`` of ``leading`` pitch, right to left): see page/vertical.py
    writing: str = "horizontal"
    vertical_bands: tuple[int, int] = (0, 0)  # a horizontal style's bands and chars for vertical pages (0: derived)
    # 竖题 (``modules:``): "allowed": the search may set a module's headline vertically beside its
    # body where that scores better ("never": only where a profile says headline_vertical: true)
    vertical_headlines: str = "never"
    vertical_headline_side: str = "right"

    def with_leading(self, leading: float) -> Style:
        """The same style on a tighter (or looser) grid: as many lines as fit the type area."""
        return replace(self, leading=leading, lines=int(self.type_height / leading + 1e-6))

    @property
    def column_width(self) -> float:
        return self.chars * self.body_size

    @property
    def gutter(self) -> float:
        return self.gutter_chars * self.body_size

    @property
    def type_width(self) -> float:
        return self.columns * self.column_width + (self.columns - 1) * self.gutter

    @property
    def type_height(self) -> float:
        return self.lines * self.leading

    @property
    def left(self) -> float:
        return (self.page_width - self.type_width) / 2

    @property
    def area_fits(self) -> bool:
        """Does the type area fit on the page? (A vertical grid's bands run down the page.)"""
        if self.writing == "vertical":
            across, down = self.type_height, self.type_width
        else:
            across, down = self.type_width, self.type_height
        return across <= self.page_width and self.top + down <= self.page_height

    def span_width(self, span: int) -> float:
        return span * self.column_width + (span - 1) * self.gutter

    def column_x(self, column: int) -> float:
        """Left edge of grid column ``column`` (0-based), from the trim left."""
        return self.left + column * (self.column_width + self.gutter)


def _num(doc: Located, m: dict[str, Any], key: str, path: str, lo: float, hi: float) -> float:
    value = m.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo <= value <= hi:
        raise doc.error(f"{path}.{key}", f"expected a number from {lo} to {hi}, got {value!r}")
    return float(value)


def _map(doc: Located, value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise doc.error(path, "expected a mapping")
    return value


def _size(doc: Located, value: Any, path: str) -> float:
    try:
        return size_pt(value)
    except ValueError as exc:
        raise doc.error(path, str(exc)) from None


def _roles(doc: Located, m: dict[str, Any], fonts: dict[str, str]) -> dict[str, Role]:
    roles_in = _map(doc, m.get("roles"), "roles")
    roles: dict[str, Role] = {}
    for name in ROLES:
        path = f"roles.{name}"
        r = _map(doc, roles_in.get(name), path)
        font = r.get("font")
        if font not in fonts:
            raise doc.error(f"{path}.font", f"font '{font}' is not one of the style's fonts ({', '.join(fonts)})")
        size = _size(doc, r.get("size"), f"{path}.size")
        min_size = _size(doc, r["min_size"], f"{path}.min_size") if "min_size" in r else size
        roles[name] = Role(font=font, size=size, min_size=min(size, min_size))
    for name, like, size in OPTIONAL_ROLES:
        if name not in roles_in:
            base = roles[like]
            roles[name] = base if size is None else Role(base.font, size, size)
            continue
        path = f"roles.{name}"
        r = _map(doc, roles_in[name], path)
        font = r.get("font")
        if font not in fonts:
            raise doc.error(f"{path}.font", f"font '{font}' is not one of the style's fonts ({', '.join(fonts)})")
        size = _size(doc, r.get("size"), f"{path}.size")
        roles[name] = Role(font=font, size=size, min_size=size)
    known = set(ROLES) | {name for name, _, _ in OPTIONAL_ROLES}
    unknown = set(roles_in) - known
    if unknown:
        raise doc.error(f"roles.{sorted(unknown)[0]}", f"unknown role (roles are {', '.join(sorted(known))})")
    return roles


def _int(doc: Located, m: dict[str, Any], key: str, path: str, default: int, lo: int, hi: int) -> int:
    if key not in m:
        return default
    value = m[key]
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise doc.error(f"{path}.{key}", f"expected a whole number from {lo} to {hi}, got {value!r}")
    return value


def _legibility(doc: Located, mods: dict[str, Any]) -> Legibility:
    d = Legibility()
    rules = Legibility(
        min_leg=_int(doc, mods, "min_leg", "modules", d.min_leg, 1, 500),
        max_leg=_int(doc, mods, "max_leg", "modules", d.max_leg, 1, 1000),
        min_under_photo=_int(doc, mods, "min_under_photo", "modules", d.min_under_photo, 1, 500),
        head_fill=_num(doc, mods, "head_fill", "modules", 0, 1) if "head_fill" in mods else d.head_fill,
    )
    if rules.max_leg < rules.min_leg:
        raise doc.error("modules.max_leg", f"max_leg ({rules.max_leg}) is below min_leg ({rules.min_leg})")
    return rules


def _briefs(doc: Located, m: dict[str, Any]) -> Briefs:
    b = _map(doc, m.get("briefs", {}), "briefs")
    d = Briefs()
    return Briefs(
        columns=_int(doc, b, "columns", "briefs", d.columns, 1, 24),
        max_lines=_int(doc, b, "max_lines", "briefs", d.max_lines, 1, 500),
    )


def _spaces(doc: Located, m: dict[str, Any], columns: int, lines: int) -> tuple[Space, ...]:
    """Standard spaces as [columns, lines]; largest first."""
    given = _map(doc, m.get("spaces", {}) or {}, "spaces")
    out = []
    for name, value in given.items():
        path = f"spaces.{name}"
        if not (
            isinstance(value, list)
            and len(value) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            and 1 <= value[0] <= columns
            and 1 <= value[1] <= lines
        ):
            raise doc.error(path, f"expected [columns, lines] within the grid ({columns} columns, {lines} lines)")
        out.append(Space(str(name), value[0], value[1]))
    return tuple(sorted(out, key=lambda s: (-s.columns * s.lines, s.name)))


def _ratio_pair(doc: Located, mods: dict[str, Any], key: str, default: list[float]) -> tuple[float, float]:
    pair = mods.get(key, default)
    if not (
        isinstance(pair, list)
        and len(pair) == 2
        and all(isinstance(v, (int, float)) for v in pair)
        and 0.1 <= pair[0] <= pair[1] <= 3
    ):
        raise doc.error(f"modules.{key}", "expected [min, max] height-to-width ratios, 0.1 to 3")
    return float(pair[0]), float(pair[1])


def _ad_slots(doc: Located, m: dict[str, Any], columns: int) -> dict[str, AdSlot]:
    """Named places for booked blocks: ``{name: {position, column}}``."""
    out = {}
    for name, value in _map(doc, m.get("ad_slots", {}) or {}, "ad_slots").items():
        path = f"ad_slots.{name}"
        slot = _map(doc, value, path)
        position = slot.get("position")
        if position not in AD_POSITIONS:
            raise doc.error(f"{path}.position", f"expected one of {', '.join(AD_POSITIONS)}, got {position!r}")
        column = slot.get("column")
        if column is not None and (position != "foot" or not isinstance(column, int) or not 1 <= column <= columns):
            raise doc.error(f"{path}.column", f"a first column (1 to {columns}) is given only for a slot on the foot")
        out[str(name)] = AdSlot(position, column)
    return out


def _open_area(doc: Located, mods: dict[str, Any]) -> str:
    value = mods.get("open_area", "foot")
    if value not in OPEN_AREAS:
        raise doc.error("modules.open_area", f"expected one of {', '.join(OPEN_AREAS)}, got {value!r}")
    return str(value)


def _module_choice(doc: Located, mods: dict[str, Any], key: str, choices: tuple[str, ...]) -> str:
    """One of ``choices`` (the first by default) for ``modules.<key>``."""
    value = mods.get(key, choices[0])
    if value not in choices:
        raise doc.error(f"modules.{key}", f"expected one of {', '.join(choices)}, got {value!r}")
    return str(value)


def _fallback(doc: Located, m: dict[str, Any]) -> str:
    value = m.get("fallback", "none")
    if value not in FALLBACKS:
        raise doc.error("fallback", f"expected one of {', '.join(FALLBACKS)}, got {value!r}")
    return str(value)


def _colours(doc: Located, m: dict[str, Any], style: Style) -> dict[str, tuple[float, float, float, float]]:
    """A colour page's process colours (``colours:``, CMYK in %) as fractions, checked:
    text in one ink, or a solid two-ink mix at 12 pt or more; rules in several inks only
    when every rule is at least 0.5 pt."""
    given = _map(doc, m.get("colours", {}), "colours")
    colours = {}
    for part, value in given.items():
        cmyk = tuple(float(v) / 100 for v in value)
        inks = [v for v in cmyk if v > 0]
        where = f"colours.{part}"
        if not inks:
            raise doc.error(where, "a colour needs at least one ink (leave the part out for no colour)")
        if part in COLOURED_TEXT and len(inks) > 1:
            size = style.roles[COLOURED_TEXT[part]].min_size
            if len(inks) > 2 or any(v < 1 for v in inks) or size < TWO_INK_MIN_SIZE:
                raise doc.error(
                    where,
                    f"text in colour is one ink, or a solid two-ink mix (both 100) at {TWO_INK_MIN_SIZE:g} pt or "
                    f"more: this is {len(inks)} inks for {size:g} pt text, which misregisters on newsprint",
                )
        if part == "rules" and len(inks) > 1 and min(style.rules.values()) < MULTI_INK_MIN_RULE:
            raise doc.error(
                where, f"rules in several inks must all be at least {MULTI_INK_MIN_RULE:g} pt (rules: in this style)"
            )
        colours[str(part)] = cmyk
    return colours  # type: ignore[return-value]


def style_path(spec: str, base: Path) -> Path:
    """A built-in style name or a path (relative to ``base``)."""
    spec = spec or DEFAULT_STYLE
    builtin = styles_dir() / f"{spec}.yaml"
    if "/" not in spec and "." not in spec and builtin.is_file():
        return builtin
    path = Path(spec).expanduser()
    path = path if path.is_absolute() else base / path
    if "/" not in spec and "." not in spec and not path.exists():
        names = ", ".join(sorted(p.stem for p in styles_dir().glob("*.yaml")))
        raise InputError(f"no style '{spec}': the built-in styles are {names}; or give a style file (name.yaml)")
    return path


def load_style(path: Path) -> Style:
    """Load and check a style YAML file; every schema problem is reported at once."""
    doc = load_yaml(path)
    style, warnings = checked(doc, "style", lambda: _load_style(path, doc))
    return replace(style, warnings=warnings)


def _load_style(path: Path, doc: Located) -> Style:
    m = _map(doc, doc.value, "")
    page = _map(doc, m.get("page"), "page")
    grid = _map(doc, m.get("grid"), "grid")
    area = _map(doc, m.get("type_area", {}), "type_area")
    mods = _map(doc, m.get("modules", {}), "modules")
    fonts = {str(k): str(v) for k, v in _map(doc, m.get("fonts"), "fonts").items()}
    rules = {str(k): float(v) for k, v in _map(doc, m.get("rules"), "rules").items()}
    for key in ("hairline", "module", "heavy"):
        if key not in rules or rules[key] < 0.25:
            raise doc.error(f"rules.{key}", "each rule weight must be given and at least 0.25 pt")
    photo = _ratio_pair(doc, mods, "photo_height", [0.5, 0.9])
    narrow = _ratio_pair(doc, mods, "photo_height_narrow", [0.8, 1.5])
    comp = _map(doc, m.get("composition", {}), "composition")
    kinsoku = str(comp.get("kinsoku", "auto")).replace("auto", "")
    punctuation = str(comp.get("punctuation", "auto")).replace("auto", "")
    if kinsoku and kinsoku not in ("none", "basic", "gb", "strict"):
        raise doc.error("composition.kinsoku", f"expected auto, none, basic, gb or strict, got '{kinsoku}'")
    if punctuation and punctuation not in ("mainland", "kaiming", "quanjiao"):
        raise doc.error("composition.punctuation", f"expected auto, mainland, kaiming or quanjiao, got '{punctuation}'")
    halve_open = comp.get("halve_opening_at_line_start", False)
    if not isinstance(halve_open, bool):
        raise doc.error("composition.halve_opening_at_line_start", "expected true or false")
    hanging = str(comp.get("hanging", "auto")).replace("auto", "")
    if hanging and hanging not in ("none", "pause-stop"):
        raise doc.error("composition.hanging", f"expected auto, none or pause-stop, got '{hanging}'")
    sizes_in = mods.get("headline_sizes", {}) or {}
    if not isinstance(sizes_in, dict):
        raise doc.error("modules.headline_sizes", "expected a mapping of module span (columns) to a type size")
    headline_sizes: dict[int, float] = {}
    for span, value in sizes_in.items():
        if isinstance(span, bool) or not isinstance(span, int) or span < 1:
            raise doc.error(f"modules.headline_sizes.{span}", "keys are module spans in columns (1, 2, 3, …)")
        headline_sizes[span] = _size(doc, value, f"modules.headline_sizes.{span}")
    style = Style(
        name=str(m.get("name", path.stem)),
        file=str(path),
        folder=path.resolve().parent,
        page_width=mm(_num(doc, page, "width", "page", 50, 2000)),
        page_height=mm(_num(doc, page, "height", "page", 50, 2000)),
        top=mm(_num(doc, area, "top", "type_area", 0, 500)),
        columns=int(_num(doc, grid, "columns", "grid", 1, 24)),
        chars=int(_num(doc, grid, "chars", "grid", 4, 80)),
        gutter_chars=_num(doc, grid, "gutter", "grid", 0, 4),
        body_size=_size(doc, grid.get("size"), "grid.size"),
        leading=_num(doc, grid, "leading", "grid", 4, 60),
        lines=int(_num(doc, grid, "lines", "grid", 10, 1000)),
        fonts=fonts,
        roles=_roles(doc, m, fonts),
        min_span=int(mods.get("min_span", 2)),
        photo_height=photo,
        photo_height_narrow=narrow,
        headline_lines=int(mods.get("headline_lines", 2)),
        intro_span=int(mods.get("intro_span", 2)),
        rules=rules,
        kinsoku=kinsoku,
        punctuation=punctuation,
        halve_opening_at_line_start=halve_open,
        hanging=hanging,
        headline_sizes=headline_sizes,
        quote_span=int(_num(doc, mods, "quote_span", "modules", 1, 24)) if "quote_span" in mods else 3,
        leading_min=_num(doc, grid, "leading_min", "grid", 4, 60) if "leading_min" in grid else 0.0,
        legibility=_legibility(doc, mods),
        briefs=_briefs(doc, m),
        open_area=_open_area(doc, mods),
        spaces=_spaces(doc, m, int(grid.get("columns", 1)), int(grid.get("lines", 1))),
        fallback=_fallback(doc, m),
        ad_slots=_ad_slots(doc, m, int(grid.get("columns", 1))),
        writing=_writing(doc, m),
        vertical_bands=_vertical_bands(doc, m),
        vertical_headlines=_module_choice(doc, mods, "vertical_headlines", VERTICAL_HEADLINES),
        vertical_headline_side=_module_choice(doc, mods, "vertical_headline_side", VERTICAL_HEADLINE_SIDES),
    )
    style = replace(style, colours=_colours(doc, m, style))
    if style.leading < style.body_size:
        raise doc.error("grid.leading", "leading must be at least the body size")
    if style.leading_min and not style.body_size <= style.leading_min <= style.leading:
        raise doc.error("grid.leading_min", "leading_min must lie between the body size and the leading")
    if not style.area_fits:
        raise InputError("the type area does not fit on the page", file=str(path), field="grid")
    return style


def _writing(doc: Located, m: dict[str, Any]) -> str:
    writing = m.get("writing", "horizontal")
    if writing not in ("horizontal", "vertical"):
        raise doc.error("writing", f"expected horizontal or vertical, got {writing!r}")
    return writing


def _vertical_bands(doc: Located, m: dict[str, Any]) -> tuple[int, int]:
    v = _map(doc, m.get("vertical", {}), "vertical")
    columns = int(_num(doc, v, "columns", "vertical", 1, 24)) if "columns" in v else 0
    chars = int(_num(doc, v, "chars", "vertical", 4, 200)) if "chars" in v else 0
    return columns, chars
