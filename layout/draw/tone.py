"""Photo tone and ink for the press (part of stage 4, drawing): pure functions on Pillow images.

Input: a photo already in the press's colour space — grey (mode ``L``) for a black-ink page,
or CMYK separated through the output profile for a colour page — and the printing condition
(``Condition``, optionally the output intent's ICC profile) or the plant's total ink limit.
Output: a new image of the same mode and size, the values the plate should carry.

- ``compensate_grey``: newsprint tone correction of a grey photo. The press prints a dot
  larger than the file's (tone value increase, TVI); the photo is pre-compensated so the
  *printed* tone is the original's, shadows end at the condition's shadow limit and the
  lightest printing tone is the minimum dot (paper white stays paper white).
- ``limit_ink``: the plant's total area coverage (TAC) per pixel, by grey-component
  replacement then under-colour removal, whatever profile made the separation.

Everything is table- or integer-arithmetic on Pillow images (``point`` tables, ``ImageMath``),
so the same photo always gives the same bytes.

- ``separation``: the colour transform from a photo's profile to the output profile, built
  once per pair of profiles (and thread), not once per photo.

Pillow is imported when a function needs it: a page without photos never loads it.
"""

from __future__ import annotations

import io
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image, ImageCms


@dataclass(frozen=True)
class Condition:
    """A printing condition's tone figures, in % of full ink (K)."""

    name: str
    tvi_peak: float  # tone value increase at ``tvi_at``, percentage points
    tvi_at: float  # the nominal tone where the TVI is largest
    shadow_limit: float  # the darkest K a photo may carry
    min_dot: float  # the smallest dot that holds on the plate; lighter tones print as paper
    source: str


# Figures and their sources (../shared/reference/newspaper.md §3.3; secondary sources, re-check
# against the standard's text before relying on a decimal): tone value increase 26 % — ISO
# 12647-3:2013 (coldset offset on newsprint; GB/T 17934.3 adopts the 2004 edition) and WAN-IFRA's
# characterisations built on it (IFRA26, ISOnewspaper26v4, WAN-IFRAnewspaper26v5), here at the
# 40 % patch as issue 15 states (the WAN-IFRA profile page quotes it at 50 %); minimum printing
# dot 3 % — a newspaper plant's tonal range 3–85 % (Petit Press specification); shadow limit
# 90 % K — the figure, a house default between that plant's 85 % and a full solid.
IFRA26 = Condition(
    "IFRA26",
    tvi_peak=26.0,
    tvi_at=40.0,
    shadow_limit=90.0,
    min_dot=3.0,
    source="ISO 12647-3:2013 / WAN-IFRA newspaper 26: TVI 26 % at 40 %; shadow limit 90 %, minimum dot 3 %",
)


@dataclass(frozen=True)
class PhotoInk:
    """How photos are inked for a press run: grey photos compensated for ``condition`` (or
    through ``profile``'s K channel when the output intent has one); CMYK photos (colour
    pages, separated through the profile) held to ``tac`` % total ink."""

    condition: Condition = IFRA26
    profile: bytes | None = None  # the output intent's CMYK profile (ICC)
    tac: float = 240.0


def tvi(condition: Condition, nominal: float) -> float:
    """The condition's tone value increase at ``nominal`` % (percentage points).

    Modelled as two parabolic arcs meeting at their common vertex (``tvi_at``, ``tvi_peak``)
    with zero slope, falling to 0 at 0 % and at 100 % (a solid cannot grow): the shape of
    ISO 12647's TVI curves, fixed by the one figure the condition gives."""
    a, p = condition.tvi_at, condition.tvi_peak
    span = a if nominal <= a else 100.0 - a
    return p * (1.0 - ((nominal - a) / span) ** 2)


def printed_tone(condition: Condition, nominal: float) -> float:
    """The tone that prints from a ``nominal`` % dot: nominal + TVI(nominal)."""
    return nominal + tvi(condition, nominal)


def _invert(printed: Callable[[float], float], target: float, top: float = 100.0) -> float:
    """The nominal dot in [0, top] whose printed tone is ``target`` (``printed`` rises;
    bisection to well below an 8-bit step, deterministic)."""
    lo, hi = 0.0, top
    for _ in range(48):
        mid = (lo + hi) / 2
        if printed(mid) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def compensation(condition: Condition, target: float, printed: Callable[[float], float] | None = None) -> float:
    """The nominal K % to put in the file so that ``target`` % prints.

    Derivation: the press prints P(n) = n + TVI(n) (``printed_tone``, or a profile's measured
    K curve as ``printed``). The original's range 0–100 % is first fitted into what the press
    can print up to the shadow limit S (target × P(S) / 100: black-point compensation, so the
    darkest original tone lands exactly on S and shadow detail is kept, not clipped), then
    the curve is inverted: n = P⁻¹(target × P(S) / 100). Any tone other than paper white
    is at least the minimum dot (smaller dots do not hold on newsprint plates)."""
    if target <= 0:
        return 0.0
    curve = printed or (lambda n: printed_tone(condition, n))
    top = condition.shadow_limit
    nominal = _invert(curve, min(target, 100.0) * curve(top) / 100.0, top)
    return max(nominal, condition.min_dot)


def _lab_of_k(profile: bytes) -> list[float]:
    """L* (relative colorimetric) of K-only patches 0…255 through a CMYK output profile."""
    from PIL import Image, ImageCms

    ramp = Image.new("CMYK", (256, 1))
    ramp.putdata([(0, 0, 0, k) for k in range(256)])
    cmyk = ImageCms.ImageCmsProfile(io.BytesIO(profile))
    lab = ImageCms.profileToProfile(
        ramp,
        cmyk,
        ImageCms.createProfile("LAB"),
        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
        outputMode="LAB",
    )
    return [lab.getpixel((k, 0))[0] * 100.0 / 255.0 for k in range(256)]  # type: ignore[index]


def profile_printed(profile: bytes) -> Callable[[float], float]:
    """The printed tone of a K dot as the profile characterises it: Murray–Davies tone value
    100 × (1 − Y/Yₚ) / (1 − Yₛ/Yₚ) from the L* of each K patch (paper Yₚ, solid Yₛ),
    interpolated between the 256 patches and made non-decreasing."""
    ys = [((v + 16) / 116) ** 3 if v > 8 else v / 903.3 for v in _lab_of_k(profile)]
    paper, solid = ys[0], ys[-1]
    tones, top = [], 0.0
    for y in ys:
        top = max(top, 100.0 * (paper - y) / (paper - solid))
        tones.append(top)

    def printed(nominal: float) -> float:
        x = nominal * 255.0 / 100.0
        i = min(int(x), 254)
        return tones[i] + (tones[i + 1] - tones[i]) * (x - i)

    return printed


@lru_cache(maxsize=8)
def grey_table(condition: Condition, profile: bytes | None = None) -> tuple[int, ...]:
    """The 256-entry ``point`` table for a grey (``L``) photo: pixel value v is the target
    tone 100 × (255 − v) / 255 %, the result the grey value of the compensated K dot."""
    printed = profile_printed(profile) if profile is not None else None
    darkest = math.floor(condition.shadow_limit * 255.0 / 100.0)  # 8-bit steps never over the limit
    table = []
    for v in range(256):
        nominal = compensation(condition, 100.0 * (255 - v) / 255.0, printed)
        table.append(255 - min(math.floor(nominal * 255.0 / 100.0 + 0.5), darkest))
    return tuple(table)


def compensate_grey(img: Image.Image, condition: Condition = IFRA26, profile: bytes | None = None) -> Image.Image:
    """A grey photo (mode ``L``) with newsprint tone correction: through ``profile``'s K
    channel when the output intent has a profile, else ``condition``'s TVI model."""
    return img.point(list(grey_table(condition, profile)))


def ink_limit(tac: float) -> int:
    """The most C+M+Y+K a pixel may carry, in 8-bit units (255 = 100 %), never over ``tac``."""
    return math.floor(tac * 255.0 / 100.0 + 1e-9)


def limit_ink(cmyk: Image.Image, tac: float) -> Image.Image:
    """``cmyk`` with no pixel's total ink over ``tac`` %.

    Pixels within the limit are untouched. Over it: grey-component replacement first (the
    common part of C, M and Y is replaced by K, each unit taking 3 of ink away and adding 1,
    as far as K has room and the excess needs), then under-colour removal (C, M, Y scaled
    down together, rounded down, until the total fits). Integer arithmetic throughout."""
    from PIL import Image, ImageMath

    limit = ink_limit(tac)
    c, m, y, k = (band.convert("I") for band in cmyk.split())

    def gcr(e: dict) -> Image.Image:
        over = e["max"](e["c"] + e["m"] + e["y"] + e["k"] - limit, 0)
        common = e["min"](e["min"](e["c"], e["m"]), e["y"])
        return e["min"](e["min"](common, 255 - e["k"]), (over + 1) / 2)

    r = ImageMath.lambda_eval(gcr, c=c, m=m, y=y, k=k)
    c, m, y = (ImageMath.lambda_eval(lambda e: e["a"] - e["r"], a=band, r=r) for band in (c, m, y))
    k = ImageMath.lambda_eval(lambda e: e["k"] + e["r"], k=k, r=r)

    def ucr(band: Image.Image) -> Image.Image:
        def scaled(e: dict) -> Image.Image:
            cmy = e["c"] + e["m"] + e["y"]
            over = (cmy + e["k"]) > limit
            return e["a"] - over * (e["a"] - e["a"] * (limit - e["k"]) / e["max"](cmy, 1))

        return ImageMath.lambda_eval(scaled, a=band, c=c, m=m, y=y, k=k)

    bands = [ucr(band) for band in (c, m, y)] + [k]
    return Image.merge("CMYK", [band.convert("L") for band in bands])


def max_total_ink(cmyk: Image.Image) -> float:
    """The highest C+M+Y+K of any pixel of ``cmyk``, in %."""
    from PIL import ImageMath

    c, m, y, k = (band.convert("I") for band in cmyk.split())
    total = ImageMath.lambda_eval(lambda e: e["c"] + e["m"] + e["y"] + e["k"], c=c, m=m, y=y, k=k)
    return total.getextrema()[1] * 100.0 / 255.0


_transforms = threading.local()  # a LittleCMS transform is not to be shared between threads


def separation(source_icc: bytes | None, output_icc: bytes) -> ImageCms.ImageCmsTransform:
    """The RGB → CMYK transform from ``source_icc`` (None: sRGB) to ``output_icc``, relative
    colorimetric with black-point compensation (the output profile's ink limits hold):
    built once per pair of profiles in each thread. Raises ``ImageCms.PyCMSError`` or
    ``OSError`` for a profile LittleCMS cannot use."""
    cache = getattr(_transforms, "cache", None)
    if cache is None:
        cache = _transforms.cache = {}
    key = (source_icc, output_icc)
    if key not in cache:
        from PIL import ImageCms

        src = ImageCms.ImageCmsProfile(io.BytesIO(source_icc)) if source_icc else ImageCms.createProfile("sRGB")
        cache[key] = ImageCms.buildTransform(
            src,
            ImageCms.ImageCmsProfile(io.BytesIO(output_icc)),
            "RGB",
            "CMYK",
            renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
            flags=ImageCms.Flags.BLACKPOINTCOMPENSATION,
        )
    return cache[key]
