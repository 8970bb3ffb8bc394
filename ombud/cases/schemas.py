import datetime as dt
from decimal import Decimal

from ninja import Schema


class AuthorityOut(Schema):
    code: str
    name: str


class EventOut(Schema):
    at: dt.datetime
    action: str
    actor: str  # staff: the account or key label; anyone else: a role (complainant, business, authority, system)
    actor_text: str = ""  # who acted, in the caller's language (a party reads a role, never a name)
    reason: str  # a party reads it only where it is addressed to the parties (cases.disclosure_to_parties)
    article: str  # raw reference, e.g. "R2026 Art. 16(6)"; integrators rely on it
    article_text: str = ""  # the same in the caller's language: 《市场监督管理投诉举报处理办法》第十六条第（六）项
    from_status: str
    to_status: str
    authority: str | None
    data: dict


class RespondentOut(Schema):
    id: int | None = None
    name: str
    uscc: str | None = None
    kind: str | None = None
    address: str = ""


class AttachmentOut(Schema):
    name: str
    content_type: str
    size: int
    sha256: str


class DeadlineOut(Schema):
    step: str
    due: dt.datetime
    last_day: dt.date
    provisional: bool
    paused: bool
    overdue: bool
    met_at: dt.datetime | None
    started_at: dt.datetime
    days: int
    unit: str
    article: str
    article_text: str = ""  # `article` in the caller's language
    extended: bool
    escalated: bool


class DocumentOut(Schema):
    form: str
    title: str
    number: str
    issued_at: dt.datetime
    url: str
    pdf_url: str


class VerdictOut(Schema):
    resolved: bool
    rating_handling: int | None
    rating_business: int | None


class RuleSetOut(Schema):
    code: str
    version: int
    title: str
    instrument: str
    regulation: str = ""  # the regulation's title in the caller's language


class CaseSummaryOut(Schema):
    ticket: str
    display_ticket: str
    kind: str
    channel: str
    status: str
    authority: AuthorityOut
    rule_set: str | None
    received_at: dt.datetime
    category: str
    issue_type: str
    respondent: RespondentOut | None
    incomplete: bool


class CaseOut(CaseSummaryOut):
    violation_type: str
    missing_fields: list[str]
    request: str
    facts: str
    amount: Decimal | None
    purchase_date: dt.date | None
    order_number: str
    platform: str | None
    consent_disclosure: bool | None
    consent_delegated_mediation: bool | None
    anonymous: bool
    complainant: dict | None
    agent: dict | None
    joint_complainants: list[dict]
    linked_ticket: str | None
    attachments: list[AttachmentOut]
    events: list[EventOut]
    deadlines: list[DeadlineOut]
    allowed_actions: list[str]
    documents: list[DocumentOut]
    rule_set_version: RuleSetOut | None
    outcome: str
    closed_at: dt.datetime | None
    odr_lane: bool
    amount_recovered: Decimal | None
    remedy_in_kind: str
    verdict: VerdictOut | None
    fines: Decimal | None
    confiscations: Decimal | None
    reward_amount: Decimal | None
    procedure: dict


class CasePageOut(Schema):
    items: list[CaseSummaryOut]
    next_cursor: str | None
