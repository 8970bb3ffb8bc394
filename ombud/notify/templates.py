"""Message texts. English is the source; each is rendered in the recipient's own language."""
from django.utils.translation import gettext_lazy as _

# template -> (subject, body). Bodies are short enough for one or two SMS.
TEMPLATES = {
    "accepted": (
        _("Complaint {ticket} accepted"),
        _("{authority} accepted complaint {ticket} on {date}. Decision {number}. {link}"),
    ),
    "accepted_respondent": (
        _("A complaint against you was accepted ({ticket})"),
        _("{authority} accepted complaint {ticket} against {respondent} on {date}. Decision {number}. {link}"),
    ),
    "refused": (
        _("Complaint {ticket} not accepted"),
        _("{authority} did not accept complaint {ticket} ({ground}). Decision {number}. You may still turn to a "
          "consumer association, arbitration or a court (CRPL Art. 39). {link}"),
    ),
    "identity_requested": (
        _("Identity materials needed for {ticket}"),
        _("To handle complaint {ticket}, {authority} needs your identity materials by {due}. Notice {number}. {link}"),
    ),
    "mediation_notice": (
        _("Mediation of complaint {ticket}"),
        _("{authority} will mediate complaint {ticket}: {when}, {place}. Notice {number}. {link}"),
    ),
    "mediation_paused": (
        _("Mediation of {ticket} paused"),
        _("The mediation period of complaint {ticket} is paused for {reason}; that time is not counted."),
    ),
    "mediation_resumed": (
        _("Mediation of {ticket} resumed"),
        _("The mediation period of complaint {ticket} runs again; it now ends on {due}."),
    ),
    "agreement": (
        _("Agreement reached on {ticket}"),
        _("Complaint {ticket}: agreement reached, {amount} yuan recovered. Mediation document {number}. {link}"),
    ),
    "terminated": (
        _("Mediation of {ticket} terminated"),
        _("{authority} terminated the mediation of complaint {ticket} ({ground}). Decision {number}. {link}"),
    ),
    "withdrawn": (
        _("Complaint {ticket} withdrawn"),
        _("Complaint {ticket} was withdrawn by the complainant on {date}."),
    ),
    "closed": (
        _("Complaint {ticket} closed: please rate it"),
        _("Complaint {ticket} is closed. Was it resolved? Rate the handling and the business: {link}"),
    ),
    "odr_forwarded": (
        _("Complaint {ticket} for you to settle directly"),
        _("Complaint {ticket} was forwarded to {respondent} through the ODR lane. Settle it by {due}; record "
          "each contact with the consumer."),
    ),
    "odr_forwarded_consumer": (
        _("Complaint {ticket} sent to the business"),
        _("Your complaint {ticket} went straight to {respondent}, which has until {due} to settle it. If it "
          "does not, you can turn to {authority}."),
    ),
    "odr_settled": (
        _("Complaint {ticket} settled"),
        _("Complaint {ticket} was settled with {respondent}: {amount} yuan."),
    ),
    "odr_failed": (
        _("Complaint {ticket} was not settled"),
        _("{respondent} did not settle complaint {ticket}. You can now ask {authority} to handle it: {link}"),
    ),
    "escalated": (
        _("Complaint {ticket} escalated to the authority"),
        _("Complaint {ticket} now goes to {authority}, with its ODR history. It decides on acceptance by {due}."),
    ),
    "report_result": (
        _("Result of your report {ticket}"),
        _("{authority}: {result} on report {ticket}. Notice {number}. {link}"),
    ),
    "overdue_digest": (
        _("{count} statutory deadlines ran out"),
        _("{count} statutory deadlines of {authority} ran out and were escalated:\n{lines}"),
    ),
    "calendar_missing": (
        _("Holiday arrangement for {year} not loaded"),
        _("Deadlines that reach into {year} are provisional: the holiday arrangement for {year} is not loaded. "
          "Load it with `ombud calendar load FILE` or in the admin; open deadlines are then recomputed."),
    ),
}
