"""What an intake may carry. Types, lengths, codes and the USCC are checked here, so that
one 422 names every field at fault. Art. 9 completeness is not checked here: an incomplete
complaint is kept and flagged, never refused by the machine."""
import re
from decimal import Decimal
from typing import Literal

from django.utils import timezone
from django.utils.translation import gettext_noop
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ombud.businesses import uscc as uscc_rules
from ombud.core.inputs import IsoDate, IsoDatetime, no_nul
from ombud.regions.selectors import region_by_code
from ombud.taxonomy.selectors import active_codes

_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{4,24}$")
Text100 = Field(default="", max_length=100)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    _no_nul = field_validator("*", mode="before")(no_nul)  # every text field, of every nested part


def _known_region(code):
    if code and region_by_code(code) is None:
        raise ValueError(f"unknown region code {code!r}: not in the loaded GB/T 2260 edition")
    return code


def _phone(value):
    if value and not _PHONE.match(value):
        raise ValueError(gettext_noop("a phone number has 5 to 25 digits, optionally with +, spaces or hyphens"))
    return value


class PersonIn(_Strict):
    name: str = Field(default="", max_length=100)
    phone: str = Field(default="", max_length=30)
    email: str = Field(default="", max_length=254)
    address: str = Field(default="", max_length=300)
    region_code: str = Field(default="", max_length=6, description="GB/T 2260 code, if known")
    id_number: str = Field(default="", max_length=30)

    _phone_ok = field_validator("phone")(_phone)
    _region_ok = field_validator("region_code")(_known_region)


class AgentIn(PersonIn):
    power_of_attorney: bool = Field(default=False, description="an agent needs a power of attorney")


class JointIn(PersonIn):
    representative: bool = False


class RespondentIn(_Strict):
    name: str = Field(default="", max_length=200)
    uscc: str = Field(default="", max_length=18, description="统一社会信用代码, checked per GB 32100")
    address: str = Field(default="", max_length=300)
    province: str = Field(default="", max_length=40, description="province or city given apart from the address")
    region_code: str = Field(default="", max_length=6)
    kind: Literal["", "ordinary", "platform", "merchant", "self_operated"] = ""

    _region_ok = field_validator("region_code")(_known_region)

    @field_validator("uscc")
    @classmethod
    def _uscc(cls, value):
        if not value:
            return ""
        try:
            return uscc_rules.validate(value)
        except uscc_rules.USCCError as exc:
            raise ValueError(str(exc)) from None


def _code(scheme, value):
    if value and value not in active_codes(scheme):
        options = ", ".join(sorted(active_codes(scheme)))
        raise ValueError(f"unknown {scheme} code {value!r}; one of: {options}")
    return value


class ReportPartIn(_Strict):
    """The report half of a submission that is both (Art. 7): split into a linked case."""

    facts: str = Field(min_length=1, max_length=10000)
    violation_type: str = Field(default="", max_length=60)
    conduct_address: str = Field(default="", max_length=300)

    @field_validator("violation_type")
    @classmethod
    def _violation(cls, v):
        return _code("violation", v)


class CaseIn(_Strict):
    kind: Literal["complaint", "report", "consultation"]
    channel: Literal["web", "app", "hotline", "letter", "walk_in", "api", "import"] = "api"
    anonymous: bool = Field(default=False, description="reports only")
    complainant: PersonIn = Field(default_factory=PersonIn)
    agent: AgentIn | None = None
    joint_complainants: list[JointIn] = Field(default_factory=list, max_length=50)
    respondent: RespondentIn = Field(default_factory=RespondentIn)
    platform: str = Field(default="", max_length=200, description="platform name or USCC, for online purchases")
    conduct_address: str = Field(default="", max_length=300, description="reports: where the conduct occurred")
    category: str = Field(default="", max_length=60)
    issue_type: str = Field(default="", max_length=60)
    violation_type: str = Field(default="", max_length=60)
    request: str = Field(default="", max_length=2000)
    facts: str = Field(default="", max_length=10000)
    amount: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)
    purchase_date: IsoDate | None = None
    order_number: str = Field(default="", max_length=100)
    consent_disclosure: bool | None = None
    consent_delegated_mediation: bool | None = None
    language: Literal["zh-hans", "en"] | None = Field(
        default=None, description="the complainant's language for messages; default: the request's language")
    received_at: IsoDatetime | None = Field(default=None, description="staff and integrators only; ISO 8601 "
                                            "with a UTC offset, on a day a rule set is in force")
    report: ReportPartIn | None = Field(default=None, description="Art. 7: a report made in the same submission")

    @field_validator("category")
    @classmethod
    def _category(cls, v):
        return _code("category", v)

    @field_validator("issue_type")
    @classmethod
    def _issue(cls, v):
        return _code("issue", v)

    @field_validator("violation_type")
    @classmethod
    def _violation(cls, v):
        return _code("violation", v)

    @field_validator("received_at")
    @classmethod
    def _aware(cls, v):
        if v is not None and v.tzinfo is None:
            raise ValueError(gettext_noop("received_at needs a UTC offset, e.g. 2026-09-25T16:00:00+08:00"))
        return v

    @field_validator("purchase_date")
    @classmethod
    def _past(cls, v):
        if v and v > timezone.localdate():
            raise ValueError(gettext_noop("purchase_date is in the future"))
        return v

    @model_validator(mode="after")
    def _consistent(self):
        if self.anonymous and self.kind != "report":
            raise ValueError(gettext_noop("only a report may be anonymous"))
        if self.report is not None and self.kind != "complaint":
            raise ValueError(gettext_noop("only a complaint can carry a report part to split off (Art. 7)"))
        if sum(1 for j in self.joint_complainants if j.representative) > 2:
            raise ValueError(gettext_noop("a joint complaint has at most two representatives"))
        return self


class BatchIn(BaseModel):
    cases: list[dict] = Field(description="CaseIn objects, each with an optional idempotency_key")


class BatchErrorOut(BaseModel):
    field: str
    message: str
    type: str


class BatchResultOut(BaseModel):
    index: int
    status: int
    ticket: str | None
    authority: str | None
    case_status: str | None
    rule_set: str | None
    incomplete: bool | None
    errors: list[BatchErrorOut]


class BatchOut(BaseModel):
    results: list[BatchResultOut]
    created: int
    failed: int
