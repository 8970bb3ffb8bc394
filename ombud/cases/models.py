from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ombud.accounts.models import ApiKey
from ombud.businesses.models import Business
from ombud.regions.models import Authority, Region
from ombud.rules.models import RuleSet


class Kind(models.TextChoices):
    COMPLAINT = "complaint", _("complaint")
    REPORT = "report", _("report")
    CONSULTATION = "consultation", _("consultation")


class Channel(models.TextChoices):
    WEB = "web", _("web portal")
    APP = "app", _("app or mini-program")
    HOTLINE = "hotline", _("hotline")
    LETTER = "letter", _("letter")
    WALK_IN = "walk_in", _("walk-in")
    API = "api", _("API")
    IMPORT = "import", _("bulk import")


class Status(models.TextChoices):
    PENDING_DISPATCH = "pending_dispatch", _("awaiting dispatch")
    RECEIVED = "received", _("received")
    ODR = "odr", _("with the ODR business")
    ODR_FAILED = "odr_failed", _("ODR failed")
    ACCEPTED = "accepted", _("accepted")
    REFUSED = "refused", _("refused")
    MEDIATING = "mediating", _("in mediation")
    AGREED = "agreed", _("agreement reached")
    TERMINATED = "terminated", _("mediation terminated")
    WITHDRAWN = "withdrawn", _("withdrawn")
    FILED = "filed", _("case filed")
    NOT_FILED = "not_filed", _("no case filed")
    PENALIZED = "penalized", _("penalty decided")
    CLOSED = "closed", _("closed")


class Case(models.Model):
    """One complaint, report or consultation.

    References used only for display carry neither an index nor a database constraint:
    each costs every intake and import, and the rows they point at (regions, rule sets,
    authorities, users, keys) are retired, never deleted.
    """

    ticket = models.CharField(max_length=16)  # unique by constraint: no LIKE index to keep up
    kind = models.CharField(max_length=20, choices=Kind.choices)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    status = models.CharField(max_length=30, choices=Status.choices, default=Status.RECEIVED)

    # The complainant or reporter. Reports may be anonymous (Art. 33 keeps a reporter hidden).
    anonymous = models.BooleanField(default=False)
    complainant_name = models.CharField(max_length=100, blank=True)
    complainant_phone = models.CharField(max_length=30, blank=True)
    complainant_email = models.CharField(max_length=254, blank=True)
    complainant_address = models.CharField(max_length=300, blank=True)
    complainant_region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                           db_index=False, db_constraint=False)
    agent = models.JSONField(null=True, blank=True)  # {name, phone, power_of_attorney}
    joint_complainants = models.JSONField(default=list, blank=True)  # [{name, phone, address, representative}]

    respondent = models.ForeignKey(Business, null=True, blank=True, on_delete=models.PROTECT, related_name="cases",
                                   db_index=False)
    respondent_name = models.CharField(max_length=200, blank=True)  # as the complainant gave it
    respondent_address = models.CharField(max_length=300, blank=True)
    platform = models.ForeignKey(Business, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 db_index=False, db_constraint=False)
    conduct_address = models.CharField(max_length=300, blank=True)  # reports: where the conduct occurred
    conduct_region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                       db_index=False, db_constraint=False)

    category = models.CharField(max_length=60, blank=True)
    issue_type = models.CharField(max_length=60, blank=True)
    violation_type = models.CharField(max_length=60, blank=True)
    request = models.TextField(blank=True)
    facts = models.TextField(blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    purchase_date = models.DateField(null=True, blank=True)
    order_number = models.CharField(max_length=100, blank=True)

    consent_disclosure = models.BooleanField(null=True)
    consent_delegated_mediation = models.BooleanField(null=True)

    received_at = models.DateTimeField()
    rule_set = models.ForeignKey(RuleSet, null=True, blank=True, on_delete=models.PROTECT, db_index=False, db_constraint=False)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="cases", db_index=False)
    intake_authority = models.ForeignKey(Authority, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+", db_index=False, db_constraint=False)
    incomplete = models.BooleanField(default=False)
    missing_fields = models.JSONField(default=list, blank=True)
    linked_case = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    db_index=False, db_constraint=False)

    # The procedure's outcome, as columns: disclosure and analytics count them. New columns carry
    # database defaults, so raw bulk writes (the importer) need not name them.
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", db_index=False, db_constraint=False)
    language = models.CharField(max_length=10, blank=True, db_default="")  # the complainant's, for messages
    outcome = models.CharField(max_length=30, blank=True, db_default="")
    closed_at = models.DateTimeField(null=True, blank=True)
    odr_lane = models.BooleanField(default=False, db_default=False)
    amount_recovered = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    remedy_in_kind = models.TextField(blank=True, db_default="")
    verdict_resolved = models.BooleanField(null=True)
    rating_handling = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_business = models.PositiveSmallIntegerField(null=True, blank=True)
    fines = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    confiscations = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    reward_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    # Mediation, identity notice, ODR record...; db defaults keep raw bulk imports valid.
    procedure = models.JSONField(default=dict, blank=True, db_default=models.Value({}, output_field=models.JSONField()))
    public_response = models.TextField(blank=True, db_default="")  # the business's public answer
    # The earliest due moment of the case's open statutory clocks (intake and workflow.services.perform set it), so the
    # handler's queue is one index range scan, not a sort of every case in the county.
    next_due = models.DateTimeField(null=True, blank=True)

    submitted_by_key = models.ForeignKey(ApiKey, null=True, blank=True, on_delete=models.PROTECT, db_index=False)
    submitted_by_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+")
    idempotency_scope = models.CharField(max_length=40, null=True, blank=True)
    idempotency_key = models.CharField(max_length=200, null=True, blank=True)
    idempotency_hash = models.CharField(max_length=64, blank=True)
    source = models.CharField(max_length=30, blank=True)  # e.g. "cfpb" for imported records
    external_id = models.CharField(max_length=64, null=True, blank=True)
    extra = models.JSONField(default=dict, blank=True)  # source-specific fields kept as received
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket"], name="case_ticket"),
            models.UniqueConstraint(fields=["idempotency_scope", "idempotency_key"], name="case_idempotency"),
            models.UniqueConstraint(fields=["source", "external_id"], name="case_source_external_id"),
        ]
        # Few indexes on purpose: each one costs every intake and import. FKs used only for
        # display carry none; the ones below serve the queue, the listing and the respondent page.
        indexes = [
            models.Index(fields=["authority", "status", "-received_at"], name="case_authority_status"),
            models.Index(fields=["authority", "next_due", "received_at"], name="case_authority_next_due"),
            models.Index(fields=["-received_at", "-id"], name="case_received_cursor"),
            models.Index(fields=["respondent", "-received_at"], name="case_respondent"),
            # A business's public answers (its public record): only the few cases that have one.
            models.Index(fields=["respondent", "-closed_at"], condition=~models.Q(public_response=""),
                         name="case_public_response"),
            # a business's penalty decisions (its public record): its penalized reports, then their events
            models.Index(fields=["respondent", "id"], condition=models.Q(kind="report", outcome="penalized"),
                         name="case_penalized"),
            models.Index(fields=["submitted_by_key", "-received_at"], name="case_submitter_key"),
        ]

    def __str__(self):
        return self.ticket


class CaseEvent(models.Model):
    """Append-only history: who, when, what, why, and the article it rests on."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", db_index=False)
    at = models.DateTimeField()
    action = models.CharField(max_length=40)
    actor_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", db_index=False, db_constraint=False)
    actor_key = models.ForeignKey(ApiKey, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  db_index=False, db_constraint=False)
    actor_label = models.CharField(max_length=120, blank=True)  # "system", "import", an operator's name
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30, blank=True)
    authority = models.ForeignKey(Authority, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                  db_index=False, db_constraint=False)
    reason = models.TextField(blank=True)
    article = models.CharField(max_length=60, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="event_case_at"),
                   # Penalty decisions on a business's record: found from the few penalty events, not by
                   # scanning its report cases (docs/benchmarks.md, the busy business page).
                   models.Index(fields=["at"], condition=models.Q(action="penalty_recorded"), name="event_penalty_at"),
                   # a business's penalty decisions read from the index alone (PostgreSQL; SQLite ignores include)
                   models.Index(fields=["case"], include=["at", "data"], condition=models.Q(action="penalty_recorded"),
                                name="event_penalty_case")]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("case events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("case events are append-only")


class PersonalDataView(models.Model):
    """Who saw a case's personal data, and when: every staff view of the parties is logged."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    role = models.CharField(max_length=20)
    at = models.DateTimeField(auto_now_add=True)
    where = models.CharField(max_length=40)  # the page that showed it

    class Meta:
        indexes = [models.Index(fields=["case", "at"], name="pdview_case_at")]


class SavedView(models.Model):
    """A handler's named queue filter."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=60)
    query = models.CharField(max_length=500)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="savedview_user_name")]
        ordering = ["name"]


class Attachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)
