from ninja import Router, Schema

from .address import resolve
from .selectors import search_regions

router = Router(tags=["regions"])


class RegionOut(Schema):
    code: str
    name: str
    full_name: str
    level: int
    parent: str | None


class ResolutionOut(Schema):
    region: RegionOut | None
    county: str | None
    confidence: float
    needs_review: bool
    candidates: list[RegionOut]
    matched: str


def _region(r):
    return {"code": r.code, "name": r.name, "full_name": r.full_name, "level": r.level, "parent": r.parent_id}


@router.get("/regions", response=list[RegionOut], summary="Search GB/T 2260 divisions by code or name")
def regions(request, q: str = "", level: int | None = None, parent: str = "", limit: int = 50):
    return [_region(r) for r in search_regions(q=q, level=level, parent=parent, limit=max(1, min(limit, 500)))]


@router.get("/regions/resolve", response=ResolutionOut, summary="Resolve free address text to a county")
def resolve_address(request, address: str, hint: str = ""):
    from .selectors import region_by_code

    res = resolve(address, hint=hint)
    return {
        "region": _region(res.region) if res.region else None,
        "county": res.county.code if res.county else None,
        "confidence": res.confidence, "needs_review": res.needs_review,
        "candidates": [_region(region_by_code(c)) for c in res.candidates], "matched": res.matched,
    }
