"""Resolve free Chinese address text to a county, with a confidence.

Matching walks the text from the left: a province, then a prefecture inside it, then a
county inside that, each by full or short name. A name that fits more than one region
is never guessed: the result lists the candidates and asks for a person.
"""
import re
import threading
import time
from dataclasses import dataclass, field

from .models import Region

# Suffixes that may be dropped in everyday writing ("浦东" for 浦东新区).
_SUFFIXES = sorted(
    ["特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县", "自治旗",
     "新区", "地区", "省", "市", "区", "县", "盟", "旗"],
    key=len, reverse=True,
)
_NOISE = re.compile(r"[\s,，、:：;；()（）\[\]【】]+")
_REFRESH_SECONDS = 60


@dataclass
class Resolution:
    region: Region | None = None          # the most specific region found
    county: Region | None = None          # set only when a county (or county-less prefecture) is certain
    confidence: float = 0.0
    candidates: list = field(default_factory=list)  # codes, when ambiguous
    matched: str = ""

    @property
    def needs_review(self):
        return self.county is None


def short_name(name):
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


class _Index:
    def __init__(self, regions):
        self.by_code = {r.code: r for r in regions}
        self.children = {}
        self.names = {}  # name -> [(region, is_full_name)]
        for r in regions:
            if r.level == 0:
                continue
            self.children.setdefault(r.parent_id, []).append(r)
            self.names.setdefault(r.name, []).append((r, True))
            short = short_name(r.name)
            if short != r.name:
                self.names.setdefault(short, []).append((r, False))
        self.max_len = max((len(n) for n in self.names), default=0)
        self.has_children = {code for code in self.children}

    def within(self, region, ancestor):
        return ancestor is None or region.path.startswith(ancestor.path)

    def match_at(self, text, pos, scope, deeper_than):
        """Longest name at `pos` naming a region inside `scope`, deeper than `deeper_than`."""
        for length in range(min(self.max_len, len(text) - pos), 1, -1):
            hits = [
                (r, full) for r, full in self.names.get(text[pos: pos + length], ())
                if r.level > deeper_than and self.within(r, scope)
            ]
            if hits:
                return text[pos: pos + length], hits
        return None, []


_index = None
_index_checked = 0.0
_index_edition = None
_lock = threading.Lock()


def _current_index():
    global _index, _index_checked, _index_edition
    now = time.monotonic()
    if _index is not None and now - _index_checked < _REFRESH_SECONDS:
        return _index
    with _lock:
        from .models import RegionEdition

        edition = RegionEdition.objects.filter(is_current=True).values_list("id", flat=True).first()
        if _index is None or edition != _index_edition:
            _index = _Index(list(Region.objects.filter(active=True)))
            _index_edition = edition
        _index_checked = now
    return _index


def reset_cache():
    global _index
    _index = None


def _is_final(index, region):
    """A county, or a prefecture-level city that has no counties under it (东莞市, 中山市)."""
    return region.level == 3 or (region.level == 2 and region.code not in index.has_children)


def resolve(text, *, hint=""):
    """Resolve `text`; `hint` is province or city text given elsewhere (a form field, a caller ID)."""
    index = _current_index()
    scope = None
    confidence = 1.0
    if hint:
        hinted = resolve(hint)
        scope = hinted.region if hinted.region and not hinted.candidates else None
    text = _NOISE.sub("", text or "")
    if text.startswith("中国"):
        text = text[2:]
    pos, found, used_short, matched = 0, scope, False, []
    ambiguous = []
    while pos < len(text):
        name, hits = index.match_at(text, pos, found, found.level if found else 0)
        if not hits:
            break
        regions = {r.code: r for r, _ in hits}
        deepest = max(regions.values(), key=lambda r: r.level)
        if all(deepest.path.startswith(r.path) for r in regions.values()):
            regions = {deepest.code: deepest}  # 上海市 names the province and its city alike
        if len(regions) > 1:
            # Prefer a direct child of what we have; otherwise this is a real ambiguity.
            direct = [r for r in regions.values() if found is not None and r.parent_id == found.code]
            if len(direct) != 1:
                ambiguous = sorted(regions)
                matched.append(name)
                break
            regions = {direct[0].code: direct[0]}
        region = next(iter(regions.values()))
        used_short = used_short or not any(full for r, full in hits if r.code == region.code)
        found = region
        matched.append(name)
        pos += len(name)
        if _is_final(index, region):
            break
    if ambiguous:
        return Resolution(region=scope, candidates=ambiguous, confidence=0.0, matched="".join(matched))
    if found is None or found is scope:
        return Resolution(region=scope, confidence=0.3 if scope else 0.0, matched="".join(matched))
    if not _is_final(index, found):
        return Resolution(region=found, confidence=0.5, matched="".join(matched))
    # A county reached with no province or city before it leans on the name alone.
    anchored = len(matched) > 1 or scope is not None
    confidence = (1.0 if anchored else 0.85) - (0.1 if used_short else 0.0)
    return Resolution(region=found, county=found, confidence=round(confidence, 2), matched="".join(matched))
