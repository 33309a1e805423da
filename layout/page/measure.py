"""Measurements kept between candidates, policy steps and renders (stage 3 helper).

Input: a ``Context`` (style, faces, rules), a profile and the page's normalised
texts. Output: a ``ProfileStore``: the dictionaries in which a profile's
measurements at that context are memoised (its blocks, body lines, shapes at
every height, options per width and mode), shared by every ``Module`` and
``BriefGroup`` that sets the profile, in every search of the page and in every
later render in the same process.

Stores are keyed by values, never by the identity of a render's objects: the
context by its style (leading included), its faces' metrics and its rules; the
profile by its fields and its texts. So a second render of a page measures only
the profiles that changed (the watch mode), and a policy step at a leading
already tried measures nothing. A module's shapes (and a briefs group's) are kept apart,
by their geometry in lines and rows (``geometry_memo``): they do not depend on the leading,
so the leadings the policy tries share them. Stores are kept least recently used first out
(``MAX_PROFILES``, ``MAX_GEOMETRIES``); ``clear_caches()`` empties them, the line breaker's
cache and the searches ``recall`` remembers.
"""

from __future__ import annotations

import hashlib
import itertools
from collections import OrderedDict
from typing import Any

from layout.inline import breaker
from layout.model.content import Profile
from layout.page import recall

MAX_PROFILES = 1024  # profiles × contexts (leadings) kept: a few pages, every leading the policy tries
MAX_GROUPS = 2048  # briefs groups (their members, heading and width) kept: a page of 30 briefs makes ~600
MAX_GEOMETRIES = 8192  # module geometries kept (shapes by lines, span, photo and fixed rows): ~1,500 a page

_stats = {"profiles": 0, "groups": 0}  # stores made since the last clear_caches()


class LRU:
    """A dictionary bounded in size: the least recently used entry goes first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.data: OrderedDict[Any, Any] = OrderedDict()

    def get(self, key: Any) -> Any:
        hit = self.data.get(key)
        if hit is not None:
            self.data.move_to_end(key)
        return hit

    def put(self, key: Any, value: Any) -> Any:
        self.data[key] = value
        if len(self.data) > self.size:
            self.data.popitem(last=False)
        return value

    def clear(self) -> None:
        self.data.clear()

    def __len__(self) -> int:
        return len(self.data)


class ProfileStore:
    """One profile's (or briefs group's) measurements at one context: named dictionaries,
    made on first use. ``serial`` names the store for the groups its profile joins (never
    reused, so a group's store is found only while its members' stores are the same)."""

    __slots__ = ("dicts", "serial")

    def __init__(self) -> None:
        self.dicts: dict[tuple, dict] = {}
        self.serial = next(_serials)

    def memo(self, *key: Any) -> dict:
        found = self.dicts.get(key)
        if found is None:
            found = self.dicts[key] = {}
        return found


_serials = itertools.count()
_profiles = LRU(MAX_PROFILES)
_groups = LRU(MAX_GROUPS)
_geometries = LRU(MAX_GEOMETRIES)


def context_key(ctx: Any) -> tuple:
    """What a context's measurements depend on, as values: the style (its leading too),
    the faces' metrics and the language rules (memoised on the context)."""
    key = ctx.memo.get(("context key",))
    if key is None:
        style = hashlib.sha1(repr(ctx.style).encode("utf-8")).hexdigest()
        faces = tuple((name, breaker.measure_key(face)) for name, face in ctx.faces.items())
        key = ctx.memo[("context key",)] = (style, faces, ctx.rules)
    return key


def profile_key(profile: Profile, texts: dict[str, str]) -> tuple:
    """A profile as measured: its fields and its normalised texts."""
    prefix = profile.path + "."
    return (profile, tuple(sorted((k, v) for k, v in texts.items() if k.startswith(prefix))))


def profile_store(ctx: Any, profile: Profile, texts: dict[str, str]) -> ProfileStore:
    """The store of ``profile``'s measurements at ``ctx`` (made if new)."""
    key = (context_key(ctx), profile_key(profile, texts))
    found = _profiles.get(key)
    if found is None:
        _stats["profiles"] += 1
        found = _profiles.put(key, ProfileStore())
    return found


def group_store(members: tuple[ProfileStore, ...], *key: Any) -> ProfileStore:
    """The store of a briefs group's measurements: its members' stores (their profiles at
    one context), then ``key`` (width, heading)."""
    full = (tuple(m.serial for m in members), key)
    found = _groups.get(full)
    if found is None:
        _stats["groups"] += 1
        found = _groups.put(full, ProfileStore())
    return found


def geometry_memo(*key: Any) -> dict:
    """The measurements of a module that depend only on ``key``, its geometry in lines and
    rows (body lines, span, photo span, fixed rows, caption rows, the legibility rules: see
    ``Module.shapes_memo``), never on the leading or the text: shared by every module of the
    same geometry, at every leading the policy tries (shapes are pure functions of it)."""
    found = _geometries.get(key)
    if found is None:
        found = _geometries.put(key, {})
    return found


def stats() -> dict[str, int]:
    """Stores made since the last ``clear_caches()`` (each one a profile or group measured
    anew at a context), and the line breaker's paragraphs broken."""
    return {**_stats, "paragraphs": breaker.cache_stats()["broken"]}


def clear_caches() -> None:
    """Forget every measurement and every remembered search (recall.py): tests, benchmarks
    of a fresh process, a long-running process that wants its memory back."""
    _profiles.clear()
    _groups.clear()
    _geometries.clear()
    _stats.update(profiles=0, groups=0)
    breaker.clear_cache()
    recall.forget()
