from ninja import Router, Schema

from .selectors import search_businesses

router = Router(tags=["businesses"])


class BusinessOut(Schema):
    id: int
    name: str
    uscc: str | None
    kind: str
    platform: str | None
    registered_address: str
    registered_region: str | None
    operating_address: str
    operating_region: str | None
    odr_enrolled: bool
    address_needs_review: bool


@router.get("/businesses", response=list[BusinessOut], summary="Find a business by name or USCC (typeahead)")
def businesses(request, q: str = "", kind: str = "", odr: bool | None = None, region: str = "", limit: int = 20):
    return [
        {"id": b.pk, "name": b.name, "uscc": b.uscc, "kind": b.kind, "platform": b.platform.name if b.platform else None,
         "registered_address": b.registered_address, "registered_region": b.registered_region_id,
         "operating_address": b.operating_address, "operating_region": b.operating_region_id,
         "odr_enrolled": b.odr_enrolled, "address_needs_review": b.address_needs_review}
        for b in search_businesses(q=q, kind=kind, odr=odr, region=region, limit=max(1, min(limit, 100)))
    ]
