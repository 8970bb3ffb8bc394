"""What each action's body carries. Unknown fields are refused, so a typo is an error, not a no-op."""
from decimal import Decimal
from typing import Literal

from django.utils.translation import gettext_noop
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ombud.core.inputs import IsoDatetime, no_nul


class ActionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    _no_nul = field_validator("*", mode="before")(no_nul)  # PostgreSQL cannot store a NUL


def _required(value):
    if not (value or "").strip():
        raise ValueError(gettext_noop("must not be blank"))
    return value.strip()


class NoteIn(ActionIn):
    notes: str = Field("", max_length=4000)


class ReasonIn(ActionIn):
    reason: str = Field(..., max_length=4000)
    _check = field_validator("reason")(_required)


class OptionalReasonIn(ActionIn):
    reason: str = Field("", max_length=4000)


class TransferIn(ReasonIn):
    to_authority: str = Field(..., max_length=20)


class TakeoverIn(ReasonIn):
    by_authority: str = Field(..., max_length=20)


class DispatchIn(ActionIn):
    to_authority: str = Field(..., max_length=20)
    report_back_days: int = Field(7, ge=1, le=60, description="working days to report back (form 3)")
    reason: str = Field("dispatched by the intake unit", max_length=4000)


class IdentityIn(ActionIn):
    days: int | None = Field(None, ge=1, le=60, description="working days to provide them; default from the rule set")
    materials: str = Field("", max_length=1000)


class GroundIn(ActionIn):
    ground: int = Field(..., ge=1, le=20, description="item number in the rule set's list")
    reason: str = Field("", max_length=4000)


class MediationIn(ActionIn):
    consent_complainant: bool
    consent_respondent: bool
    mode: Literal["remote", "in_person"]
    mediator: str = Field(..., max_length=100)
    scheduled_at: IsoDatetime | None = None
    place: str = Field("", max_length=300)
    bring: str = Field("", max_length=500)
    delegated_to: str = Field("", max_length=200, description="consumer association mediating on delegation")
    _check = field_validator("mediator")(_required)


class RecuseIn(ReasonIn):
    mediator: str = Field(..., max_length=100, description="the mediator who takes over")
    _check_mediator = field_validator("mediator")(_required)


class PauseIn(ActionIn):
    reason: Literal["testing", "appraisal"]
    notes: str = Field("", max_length=4000)


class AgreeIn(ActionIn):
    amount_recovered: Decimal = Field(..., ge=0, max_digits=14, decimal_places=2)
    remedy_in_kind: str = Field("", max_length=1000)
    document: Literal["signed", "record"] = Field(..., description="a signed mediation document, or a record")
    terms: str = Field("", max_length=4000)


class ServeIn(ActionIn):
    method: Literal["sms", "email", "letter", "in_person", "online"]
    notes: str = Field("", max_length=4000)


class VerdictIn(ActionIn):
    resolved: bool
    rating_handling: int = Field(..., ge=1, le=5)
    rating_business: int = Field(..., ge=1, le=5)
    comment: str = Field("", max_length=2000)


class ReturnVisitIn(ActionIn):
    reached: bool
    satisfied: bool | None = None
    notes: str = Field("", max_length=4000)


class OdrRecordIn(ActionIn):
    at: IsoDatetime
    method: Literal["phone", "online", "in_person", "other"]
    process: str = Field(..., max_length=4000)
    outcome: str = Field(..., max_length=1000)
    _check = field_validator("process", "outcome")(_required)


class SettleIn(ActionIn):
    amount_recovered: Decimal = Field(..., ge=0, max_digits=14, decimal_places=2)
    remedy_in_kind: str = Field("", max_length=1000)
    notes: str = Field("", max_length=4000)


class FindingIn(ActionIn):
    finding: str = Field(..., max_length=4000)
    _check = field_validator("finding")(_required)


class FileIn(ActionIn):
    case_number: str = Field("", max_length=100)
    notes: str = Field("", max_length=4000)


class PenaltyIn(ActionIn):
    fines: Decimal = Field(..., ge=0, max_digits=16, decimal_places=2)
    confiscations: Decimal = Field(0, ge=0, max_digits=16, decimal_places=2)
    decision_number: str = Field("", max_length=100)


class RewardIn(ActionIn):
    eligible: bool
    tier: int | None = Field(None, ge=1, le=3)
    natural_person: bool = True
    reason: str = Field("", max_length=4000)


class AnswerIn(ActionIn):
    answer: str = Field(..., max_length=8000)
    _check = field_validator("answer")(_required)
