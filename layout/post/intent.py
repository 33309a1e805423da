"""The press condition a run targets (values only; no PDF library needed).

``OutputIntent``: the printing condition written into PDF/X output (ISO 15930),
by registered name and optionally with an ICC profile. ``Limits``: a plant's
ink and resolution limits, used by the resolution check before drawing and by
the preflight after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from layout.resources import icc_file

BUNDLED_ICC = icc_file("banmian-newsprint.icc")  # total ink limit 240 %
BUNDLED_ICC_220 = icc_file("banmian-newsprint-220.icc")  # total ink limit 220 %
BUNDLED_LIMITS = {240.0: BUNDLED_ICC, 220.0: BUNDLED_ICC_220}  # built by icc/build_icc.sh; measured in the tests
STANDARDS = ("x1a", "x4")


@dataclass(frozen=True)
class OutputIntent:
    """The printing condition the page is made for (ISO 15930 output intent)."""

    identifier: str  # OutputConditionIdentifier: a registered characterisation name
    condition: str  # OutputCondition: a human description
    info: str
    profile: bytes | None = None  # DestOutputProfile (ICC, CMYK output class); optional for a registered name in X-1a
    registry: str = "http://www.color.org"


# ISO 12647-3 coldset offset on newsprint, as registered in the ICC characterisation registry.
IFRA26 = OutputIntent(
    "IFRA26",
    "Coldset offset on newsprint, ISO 12647-3:2004 (IFRA26)",
    "ISO 12647-3 newsprint, 40 l/cm, tone value increase 26 % at 50 % (GB/T 17934.3)",
)


def bundled_icc(tac: float = 240.0) -> Path:
    """The bundled newsprint profile for a plant's total ink limit: the one with the highest
    limit not above ``tac`` (the 220 % profile for lower limits, whose photos the ink check
    then refuses)."""
    fitting = [limit for limit in BUNDLED_LIMITS if limit <= tac]
    return BUNDLED_LIMITS[max(fitting) if fitting else min(BUNDLED_LIMITS)]


def default_intent(standard: str = "x1a", tac: float = 240.0) -> OutputIntent:
    """The output intent when no profile is given: IFRA26 by its registered name for both
    standards. PDF/X-4 must embed a profile, so there the same condition carries the bundled
    profile for the plant's limit (the closest free characterisation, CGATS TR 002 newsprint;
    /Info says so)."""
    if standard != "x4":
        return IFRA26
    path = bundled_icc(tac)
    return OutputIntent(
        IFRA26.identifier,
        IFRA26.condition,
        f"{IFRA26.info}; embedded profile {path.name} (CGATS TR 002 newsprint data, TAC {_limit_of(path):.0f} %)",
        path.read_bytes(),
        IFRA26.registry,
    )


def _limit_of(path: Path) -> float:
    return next(limit for limit, p in BUNDLED_LIMITS.items() if p == path)


def icc_info(data: bytes) -> tuple[str, str]:
    """(device class, colour space) from an ICC profile header, e.g. ('prtr', 'CMYK')."""
    if len(data) < 128 or data[36:40] != b"acsp":
        raise ValueError("not an ICC profile (no 'acsp' signature)")
    return data[12:16].decode("latin-1").strip(), data[16:20].decode("latin-1").strip()


def output_intent(icc: Path | None, identifier: str | None = None) -> OutputIntent:
    """The output intent for a run: IFRA26 by name, optionally with a profile to embed
    (the user's, e.g. WAN-IFRA's ISOnewspaper26v4.icc; or ``bundled_icc(tac)``). The profile
    must be a CMYK output profile; ``identifier`` names its condition (default IFRA26,
    or the bundled profile's own)."""
    if icc is None:
        return IFRA26 if identifier is None else OutputIntent(identifier, identifier, identifier)
    data = icc.read_bytes()
    device, space = icc_info(data)
    if device != "prtr" or space != "CMYK":
        raise ValueError(f"{icc}: a {space} '{device}' profile; an output intent needs a CMYK output (prtr) profile")
    bundled = {p.resolve(): limit for limit, p in BUNDLED_LIMITS.items()}
    tac = bundled.get(icc.resolve())
    if tac is not None and identifier is None:
        return OutputIntent(
            "CGATS TR 002",
            "Coldset offset on newsprint (CGATS TR 002, SNAP)",
            f"Banmian newsprint profile built from CGATS TR 002 characterisation data, TAC {tac:.0f} %",
            data,
        )
    name = identifier or IFRA26.identifier
    condition = IFRA26.condition if name == IFRA26.identifier else name
    return OutputIntent(name, condition, f"{condition}; profile {icc.name}", data)


@dataclass(frozen=True)
class Limits:
    """A plant's limits; defaults for coldset newsprint (ISO 12647-3:2004, GWG 2015 newspaper)."""

    tac: float = 240.0  # total area coverage, % (220 for the 2013 condition)
    ppi_error: float = 100.0
    ppi_warning: float = 150.0
    min_line: float = 0.25  # points
    overprint_below: float = 12.0  # K text smaller than this should overprint
    reversed_min: float = 10.0  # white (reversed) text at least this size
    rich_black_text: float = 220.0  # K ≥ 85 % text above this total is rich black
    standard: str = "x1a"  # what the file must be: x1a, x4, or "" (no PDF/X checks)
