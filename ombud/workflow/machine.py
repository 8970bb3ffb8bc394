"""The three state machines of DESIGN.md, as one table of transitions.

A transition names the kinds and states it applies to, who may take it, the citation
key of the article it rests on, the body it takes, an optional guard (why it is not
possible *now*), and `apply`, which does the work on a `Step`. An action whose citation
key the case's rule set lacks is not available under that rule set (e.g. return visits
are new in R2026), so rule sets stay data, not branches.
"""
from dataclasses import dataclass, field

from ombud.cases.models import Kind, Status as S

from . import schemas as s

COMPLAINT, REPORT, CONSULTATION = frozenset({Kind.COMPLAINT}), frozenset({Kind.REPORT}), frozenset({Kind.CONSULTATION})
ALL_KINDS = COMPLAINT | REPORT | CONSULTATION
STAFF = frozenset({"handler", "supervisor", "admin"})
DESK = STAFF | {"operator"}
APPROVERS = frozenset({"supervisor", "admin"})
CONSUMER = frozenset({"consumer"}) | DESK  # the complainant, or staff recording what they said
BUSINESS = frozenset({"business"})
OPEN_COMPLAINT = frozenset({S.RECEIVED, S.ACCEPTED, S.MEDIATING, S.ODR})
# Where testing or appraisal may pause a clock: mediation, and the check of a report.
PAUSABLE = ((COMPLAINT, frozenset({S.MEDIATING})), (REPORT, frozenset({S.RECEIVED})))


@dataclass(frozen=True)
class Transition:
    action: str
    kinds: frozenset
    sources: frozenset
    target: str | None  # None: the state does not change
    roles: frozenset
    cite: str
    schema: type
    apply: object = None  # apply(step) -> None; see workflow.steps
    guard: object = None  # guard(case, clocks) -> reason it is not possible now, or None
    document: str = ""  # the form this action issues
    help: str = ""


@dataclass
class Step:
    """One action being taken: what `apply` reads and fills in."""

    case: object
    actor: object
    data: object
    at: object
    clocks: dict  # open clocks by step
    rule: Transition
    reason: str = ""
    article: str = ""  # overrides the transition's citation (a ground's item)
    info: dict = field(default_factory=dict)  # the event's data
    documents: list = field(default_factory=list)  # [(form, data)]
    messages: list = field(default_factory=list)  # [(party, template, context)]
    authority: object = None  # the event's authority when the case moves


def _clock(step):
    return lambda case, clocks: None if step in clocks else f"no open {step} clock"


def _no_clock(step):
    return lambda case, clocks: f"the {step} clock is already running" if step in clocks else None


def _pausable(case, clocks):
    from .deadlines import period

    running = [c for c in clocks.values() if period(case, c.step).get("pausable")]
    if not running:
        return "no pausable clock is running"
    return "the clock is already paused" if running[0].paused_at else None


def _paused(case, clocks):
    return None if any(c.paused_at for c in clocks.values()) else "no clock is paused"


def _odr_available(case, clocks):
    if case.respondent is None or not case.respondent.odr_enrolled:
        return "the respondent is not enrolled in ODR"
    return None


def _odr_over(case, clocks):
    from django.utils import timezone

    if case.status == S.ODR_FAILED:
        return None
    clock = clocks.get("odr")
    return None if clock and timezone.now() >= clock.due else "ODR has neither failed nor timed out"


def _served(case, clocks):
    return "the termination notice has not been served" if "termination_notice" in clocks else None


def _reporter_told(case, clocks):
    return "the reporter has not been told the result" if "reporter_notice" in clocks else None


def _not_yet(key, what):
    return lambda case, clocks: f"{what} is already recorded" if key in case.procedure else None


def _no_verdict(case, clocks):
    return "the consumer's verdict is already recorded" if case.verdict_resolved is not None else None


def _all(*guards):
    def check(case, clocks):
        return next((r for r in (g(case, clocks) for g in guards) if r), None)
    return check


def _extendable(step_name):
    def check(case, clocks):
        clock = clocks.get(step_name)
        if clock is None:
            return f"no open {step_name} clock"
        return f"the {step_name} period was already extended" if clock.extended else None
    return check


def _named(case, clocks):
    return "an anonymous reporter is not told" if case.anonymous else None


def build_table():
    from . import steps as a

    T = Transition
    return [
        # -- moving a case between authorities (all kinds)
        T("dispatch", ALL_KINDS, frozenset({S.PENDING_DISPATCH}), S.RECEIVED, DESK, "routing.dispatch", s.DispatchIn,
          a.dispatch, document="dispatch", help="the intake unit sends the case to the competent authority"),
        T("transfer", ALL_KINDS, frozenset({S.PENDING_DISPATCH, S.RECEIVED}), S.RECEIVED, DESK, "routing.transfer",
          s.TransferIn, a.transfer, help="pass the case to the competent authority"),
        T("return", ALL_KINDS, frozenset({S.RECEIVED}), S.PENDING_DISPATCH, DESK, "routing.return", s.ReasonIn,
          a.return_to_intake, help="send a case this department does not own back to the intake unit"),
        *[T("takeover", kinds, sources, None, STAFF, "routing.takeover", s.TakeoverIn, a.take_over,
            help="a higher authority takes the case over")
          for kinds, sources in ((COMPLAINT, frozenset({S.RECEIVED, S.ACCEPTED, S.MEDIATING})),
                                 (REPORT, frozenset({S.RECEIVED, S.FILED})), (CONSULTATION, frozenset({S.RECEIVED})))],
        # -- complaint: acceptance
        T("request_identity", COMPLAINT, frozenset({S.RECEIVED}), None, STAFF, "identity_notice", s.IdentityIn,
          a.request_identity, _no_clock("identity"), document="identity"),
        T("provide_identity", COMPLAINT, frozenset({S.RECEIVED}), None, CONSUMER, "identity_notice", s.NoteIn,
          a.provide_identity, _clock("identity")),
        T("accept", COMPLAINT, frozenset({S.RECEIVED}), S.ACCEPTED, STAFF, "acceptance", s.NoteIn, a.accept,
          document="acceptance"),
        T("refuse", COMPLAINT, frozenset({S.RECEIVED}), S.REFUSED, STAFF, "refusal", s.GroundIn, a.refuse,
          document="refusal"),
        # -- complaint: the ODR lane
        T("odr_opt_in", COMPLAINT, frozenset({S.RECEIVED}), S.ODR, CONSUMER, "odr", s.NoteIn, a.odr_opt_in,
          _odr_available, help="the consumer sends the complaint straight to the enrolled business"),
        T("odr_record", COMPLAINT, frozenset({S.ODR}), None, BUSINESS | STAFF, "odr", s.OdrRecordIn, a.odr_record),
        T("odr_settle", COMPLAINT, frozenset({S.ODR}), S.CLOSED, BUSINESS | CONSUMER, "odr", s.SettleIn, a.odr_settle),
        T("odr_fail", COMPLAINT, frozenset({S.ODR}), S.ODR_FAILED, BUSINESS | CONSUMER, "odr", s.ReasonIn, a.odr_fail),
        T("escalate", COMPLAINT, frozenset({S.ODR, S.ODR_FAILED}), S.RECEIVED, CONSUMER, "odr.escalation",
          s.OptionalReasonIn, a.escalate, _odr_over, help="after ODR failed or timed out"),
        # -- complaint: mediation
        T("start_mediation", COMPLAINT, frozenset({S.ACCEPTED}), S.MEDIATING, STAFF, "mediation", s.MediationIn,
          a.start_mediation, document="mediation_notice"),
        T("recuse", COMPLAINT, frozenset({S.MEDIATING}), None, STAFF, "mediation.recusal", s.RecuseIn, a.recuse),
        *[T("pause", kinds, sources, None, STAFF, "mediation.pause", s.PauseIn, a.pause, _pausable,
            help="testing or appraisal: the time is not counted") for kinds, sources in PAUSABLE],
        *[T("resume", kinds, sources, None, STAFF, "mediation.resume", s.NoteIn, a.resume, _paused)
          for kinds, sources in PAUSABLE],
        T("flag_violation", COMPLAINT, frozenset({S.MEDIATING}), None, STAFF, "violation", s.FindingIn,
          a.flag_violation, _no_clock("violation_check")),
        T("check_violation", COMPLAINT, frozenset({S.MEDIATING, S.AGREED, S.TERMINATED, S.CLOSED}), None, STAFF,
          "violation", s.FindingIn, a.check_violation, _clock("violation_check")),
        T("agree", COMPLAINT, frozenset({S.MEDIATING}), S.AGREED, STAFF, "agreement", s.AgreeIn, a.agree),
        T("terminate", COMPLAINT, frozenset({S.ACCEPTED, S.MEDIATING}), S.TERMINATED, STAFF, "termination",
          s.GroundIn, a.terminate, document="termination"),
        T("serve_termination", COMPLAINT, frozenset({S.TERMINATED}), None, STAFF, "termination.notice", s.ServeIn,
          a.serve_termination, _clock("termination_notice")),
        T("withdraw", COMPLAINT, OPEN_COMPLAINT, S.WITHDRAWN, CONSUMER, "withdrawal", s.OptionalReasonIn, a.withdraw),
        T("close", COMPLAINT, frozenset({S.AGREED, S.TERMINATED}), S.CLOSED, STAFF, "closure", s.NoteIn,
          a.close_complaint, _served),
        T("verdict", COMPLAINT, frozenset({S.CLOSED, S.REFUSED, S.WITHDRAWN}), None, CONSUMER, "verdict",
          s.VerdictIn, a.verdict, _no_verdict, help="resolved or not; 1–5 for the handling and for the business"),
        T("return_visit", COMPLAINT, frozenset({S.CLOSED}), None, DESK, "return_visit", s.ReturnVisitIn,
          a.return_visit, _not_yet("return_visit", "a return visit")),
        # -- report
        T("extend_verification", REPORT, frozenset({S.RECEIVED}), None, APPROVERS, "report.verification", s.ReasonIn,
          a.extend("verification"), _extendable("verification"), help="+15 working days, with approval"),
        T("file_case", REPORT, frozenset({S.RECEIVED}), S.FILED, STAFF, "report.filing", s.FileIn, a.file_case),
        T("decline_case", REPORT, frozenset({S.RECEIVED}), S.NOT_FILED, STAFF, "report.filing", s.ReasonIn,
          a.decline_case),
        T("notify_reporter", REPORT, frozenset({S.FILED, S.NOT_FILED, S.PENALIZED}), None, STAFF, "report.notice",
          s.NoteIn, a.notify_reporter, _all(_named, _clock("reporter_notice")), document="report_result"),
        T("extend_case_decision", REPORT, frozenset({S.FILED}), None, APPROVERS, "report.penalty", s.ReasonIn,
          a.extend("case_decision"), _extendable("case_decision"), help="+30 days, with approval"),
        T("record_penalty", REPORT, frozenset({S.FILED}), S.PENALIZED, STAFF, "report.penalty", s.PenaltyIn,
          a.record_penalty),
        T("decide_reward", REPORT, frozenset({S.PENALIZED}), None, APPROVERS, "report.reward", s.RewardIn,
          a.decide_reward, _all(_named, _not_yet("reward", "a reward decision"))),
        T("close", REPORT, frozenset({S.NOT_FILED, S.PENALIZED}), S.CLOSED, STAFF, "report.closure", s.NoteIn,
          a.close_report, _reporter_told),
        # -- consultation
        T("answer", CONSULTATION, frozenset({S.PENDING_DISPATCH, S.RECEIVED}), S.CLOSED, DESK, "consultation.answer", s.AnswerIn,
          a.answer),
    ]


_table = []


def table():
    if not _table:
        _table.extend(build_table())
    return _table


def find(kind, action):
    return next((t for t in table() if t.action == action and kind in t.kinds), None)


def available(case, clocks):
    """Transitions possible now for this case, whoever asks."""
    citations = case.rule_set.citations if case.rule_set else {}
    return [t for t in table() if case.kind in t.kinds and case.status in t.sources and t.cite in citations
            and (t.guard is None or t.guard(case, clocks) is None)]
