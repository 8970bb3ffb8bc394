"""Bulk import of cases from files: Ombud's own CSV/JSONL, and the US CFPB public export.

Rows are parsed and checked one by one, then written in batches of plain tuples
(executemany on SQLite, COPY on PostgreSQL), one transaction per batch. Every bad
row goes to a reject file with the physical line where its record starts, so that
rows landed + rows rejected == records in the file.
"""
import csv
import datetime as dt
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import orjson
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from pydantic import ValidationError

from ombud.businesses.models import Business
from ombud.businesses.services import find_or_register_respondent, find_platform, name_key
from ombud.cases import jurisdiction
from ombud.cases.models import Kind, Status
from ombud.cases.tickets import new_ticket
from ombud.regions.models import Authority
from ombud.rules.selectors import citation, rule_set_for

from .schemas import CaseIn
from .services import REQUIRED, missing_fields, resolve_county

BATCH = 2000
ANALYZE_EVERY = 100_000
LOCAL = ZoneInfo(settings.TIME_ZONE)  # OMBUD_TIME_ZONE: the day a record counts as received
UTC = dt.timezone.utc


class ImportError_(Exception):
    """The file cannot be imported at all (unreadable, unknown header)."""


# --------------------------------------------------------------------------- formats

CFPB_TITLE = ["Date received", "Product", "Sub-product", "Issue", "Sub-issue", "Consumer complaint narrative",
              "Company public response", "Company", "State", "ZIP code", "Tags", "Consumer consent provided?",
              "Submitted via", "Date sent to company", "Company response to consumer", "Timely response?",
              "Consumer disputed?", "Complaint ID"]
CFPB_SNAKE = ["date_received", "product", "sub_product", "issue", "sub_issue", "consumer_complaint_narrative",
              "company_public_response", "company", "state", "zip_code", "tags", "consumer_consent_provided",
              "submitted_via", "date_sent_to_company", "company_response_to_consumer", "timely_response",
              "consumer_disputed", "complaint_id"]
CFPB_LEGACY = ["", "Complaint ID", "Product", "Sub-product", "Issue", "Sub-issue", "State", "ZIP code",
               "Date received", "Date sent to company", "Company response", "Timely response?",
               "Consumer disputed?"]
CFPB_NARRATIVE_INDEXED = ["", "Product", "Consumer complaint narrative"]
CFPB_NARRATIVE = ["narrative", "product"]

CFPB_VARIANTS = {
    "cfpb-export": CFPB_TITLE,
    "cfpb-legacy-2015": CFPB_LEGACY,
    "cfpb-api-snake-case": CFPB_SNAKE,
    "cfpb-narratives-indexed": CFPB_NARRATIVE_INDEXED,
    "cfpb-narratives": CFPB_NARRATIVE,
}

# Header name (any variant) -> canonical field.
_ALIASES = {
    "": "row_index", "date received": "date_received", "product": "product", "sub-product": "sub_product",
    "issue": "issue", "sub-issue": "sub_issue", "consumer complaint narrative": "narrative",
    "narrative": "narrative", "company public response": "company_public_response", "company": "company",
    "state": "state", "zip code": "zip", "tags": "tags", "consumer consent provided?": "consent_provided",
    "submitted via": "submitted_via", "date sent to company": "date_sent", "company response to consumer":
    "company_response", "company response": "company_response", "timely response?": "timely_response",
    "consumer disputed?": "consumer_disputed", "complaint id": "complaint_id",
    "consumer_complaint_narrative": "narrative", "zip_code": "zip", "consumer_consent_provided": "consent_provided",
    "date_sent_to_company": "date_sent", "company_response_to_consumer": "company_response",
    "date_received": "date_received", "sub_product": "sub_product", "sub_issue": "sub_issue",
    "company_public_response": "company_public_response", "submitted_via": "submitted_via",
    "timely_response": "timely_response", "consumer_disputed": "consumer_disputed", "complaint_id": "complaint_id",
}

OMBUD_COLUMNS = ["kind", "channel", "complainant_name", "complainant_phone", "complainant_address",
                 "respondent_name", "respondent_uscc", "respondent_address", "respondent_province", "category",
                 "issue_type", "violation_type", "request", "facts", "amount", "purchase_date", "order_number",
                 "platform", "conduct_address", "received_at", "consent_disclosure",
                 "consent_delegated_mediation", "external_id"]

EXTRA_KEYS = ("product", "sub_product", "issue", "sub_issue", "state", "zip", "submitted_via", "company_response",
              "timely_response", "tags", "company_public_response", "consent_provided", "consumer_disputed",
              "date_sent", "row_index")


def expected_headers():
    lines = [f"  {name}: {','.join(cols)}" for name, cols in CFPB_VARIANTS.items()]
    lines.append(f"  ombud CSV: a header with some of {','.join(OMBUD_COLUMNS)} (kind required)")
    lines.append("  ombud JSONL (.jsonl/.ndjson): one CaseIn JSON object per line")
    return "\n".join(lines)


def detect(header):
    """The format name for a CSV header, or None."""
    clean = [h.strip() for h in header]
    if clean:
        clean[0] = clean[0].lstrip("\ufeff")
    for name, cols in CFPB_VARIANTS.items():
        if clean == cols:
            return name
    if clean and set(clean) <= set(OMBUD_COLUMNS) and "kind" in clean and len(set(clean)) == len(clean):
        return "ombud-csv"
    return None


# --------------------------------------------------------------------------- CFPB mapping

_FINANCE_WORDS = ("loan", "credit", "bank", "mortgage", "debt", "money", "currency", "account", "financial",
                  "payday", "saving", "checking", "lease", "retail banking", "card", "transfer")

# (keywords, issue code), first match wins: fraud first so "identity theft" never lands elsewhere.
ISSUE_KEYWORDS = [
    (("fraud", "scam", "identity theft", "embezzlement"), "other"),
    (("fee", "interest", "charge"), "price"),
    (("incorrect information", "false", "misleading", "advertising", "marketing"), "false_advertising"),
    (("communication tactics", "privacy", "improper use of", "sharing of info", "improper contact"),
     "personal_rights"),
    (("customer service", "problem with a purchase", "dealing with", "managing", "can't contact",
      "customer relations"), "after_sales"),
    (("loan servicing", "servicing", "account opening", "opening", "closing", "terms", "contract"), "contract"),
]


_memo = {}


def _memoised(fn):
    def wrapper(*args):
        key = (fn, *args)
        hit = _memo.get(key)
        if hit is None:
            hit = fn(*args)
            if len(_memo) < 100_000:
                _memo[key] = hit
        return hit
    wrapper.__wrapped__ = fn
    wrapper.__doc__ = fn.__doc__
    return wrapper


_TERMS = {}  # (scheme, code, English name or Chinese name, lower-cased) -> code; filled as an import starts


def load_terms():
    """Read the taxonomy, so that a value naming a term (by code, or its Chinese or English name, as
    Ombud's own export in CFPB's layout writes it) maps back to it."""
    from ombud.taxonomy.models import Term

    _TERMS.clear()
    _memo.clear()
    for scheme, code, en, zh in Term.objects.values_list("scheme", "code", "name_en", "name_zh"):
        for name in (code, en, zh):
            if name:
                _TERMS[(scheme, name.strip().lower())] = code


def _term(scheme, text):
    return _TERMS.get((scheme, (text or "").strip().lower()))


@_memoised
def product_category(product, sub_product=""):
    known = _term("category", product)
    if known:
        return known
    p = (product or "").lower().replace("_", " ")
    if not p:
        return "other_services"
    if "prepaid" in p and ("credit card" not in p or "prepaid" in (sub_product or "").lower()):
        return "prepaid"
    if any(w in p for w in _FINANCE_WORDS):
        return "finance"
    return "other_services"


@_memoised
def issue_type(issue):
    known = _term("issue", issue)
    if known:
        return known
    text = (issue or "").lower()
    if text:
        for words, code in ISSUE_KEYWORDS:
            if any(w in text for w in words):
                return code
    return "other"


_date_cache = {}


def parse_date(text):
    """A CFPB date (YYYY/M/D, MM/DD/YY, M/D/YYYY, YYYY-MM-DD) as midnight Asia/Shanghai; ValueError if not."""
    hit = _date_cache.get(text)
    if hit is not None:
        return hit
    s = text.strip()
    parts = s.replace("-", "/").split("/")
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() for p in parts):
        raise ValueError(f"unparseable date {text!r}")
    a, b, c = parts
    if len(a) == 4:
        y, m, d = int(a), int(b), int(c)
    elif len(c) == 4:
        m, d, y = int(a), int(b), int(c)
    elif len(c) == 2 and "-" not in s:
        m, d, y = int(a), int(b), 2000 + int(c) if int(c) < 70 else 1900 + int(c)
    else:
        raise ValueError(f"unparseable date {text!r}")
    try:
        value = dt.datetime(y, m, d, tzinfo=LOCAL)
    except ValueError:
        raise ValueError(f"unparseable date {text!r}") from None
    if len(_date_cache) < 100_000:
        _date_cache[text] = value
    return value


# --------------------------------------------------------------------------- reading

class LineSource:
    """Iterate a binary file as text lines, counting bytes and keeping the raw text of the current record."""

    def __init__(self, fh):
        self.fh = fh
        self.bytes = 0
        self.buf = []
        self.bad_utf8 = False
        self.first = True

    def __iter__(self):
        return self

    def __next__(self):
        raw = self.fh.readline()
        if not raw:
            raise StopIteration
        self.bytes += len(raw)
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            line = raw.decode("utf-8", errors="replace")
            self.bad_utf8 = True
        if self.first:
            self.first = False
            line = line.lstrip("\ufeff")
        self.buf.append(line)
        return line

    def take(self):
        raw = "".join(self.buf)
        self.buf.clear()
        bad, self.bad_utf8 = self.bad_utf8, False
        return raw, bad


# --------------------------------------------------------------------------- rows ready to write

# Case columns written, in order; id, ticket and respondent_id are filled in at write time.
CASE_COLUMNS = [
    "id", "ticket", "respondent_id", "kind", "channel", "status", "anonymous", "complainant_name",
    "complainant_phone", "complainant_email", "complainant_address", "complainant_region_id", "agent",
    "joint_complainants", "respondent_name", "respondent_address", "platform_id", "conduct_address",
    "conduct_region_id", "category", "issue_type", "violation_type", "request", "facts", "amount",
    "purchase_date", "order_number", "consent_disclosure", "consent_delegated_mediation", "received_at",
    "rule_set_id", "authority_id", "intake_authority_id", "incomplete", "missing_fields", "linked_case_id",
    "submitted_by_key_id", "submitted_by_user_id", "idempotency_scope", "idempotency_key", "idempotency_hash",
    "source", "external_id", "extra", "created_at",
]
EVENT_COLUMNS = ["case_id", "at", "action", "actor_label", "actor_user_id", "actor_key_id", "from_status",
                 "to_status", "authority_id", "reason", "article", "data"]


@dataclass
class Prepared:
    line: int
    raw: str
    external_id: str | None
    received_at: dt.datetime
    company: str | None         # CFPB: the company name, resolved to a Business at write time
    respondent_id: int | None
    rest: tuple                 # case values after respondent_id
    events: list                # event values after case_id


@dataclass
class Stats:
    rows: int = 0
    imported: int = 0
    rejected: int = 0
    duplicates: int = 0
    seconds: float = 0.0
    reject_path: str = ""
    fmt: str = ""
    retries: int = 0
    businesses_created: int = 0

    @property
    def rate(self):
        return self.rows / self.seconds if self.seconds else 0.0


def _json(value):
    return orjson.dumps(value).decode()


class Importer:
    def __init__(self, path, *, authority_code=None, rejects=None, progress=True, batch_size=BATCH,
                 source=None, stderr=None):
        self.path = Path(path)
        self.label = f"import:{self.path.name}"[:120]
        self.reject_path = Path(rejects) if rejects else self.path.with_name(self.path.name + ".rejects.csv")
        self.progress = progress
        self.batch_size = batch_size
        self.source_override = source
        self.stderr = stderr or sys.stderr
        self.stats = Stats(reject_path=str(self.reject_path))
        self.vendor = connection.vendor
        code = authority_code or settings.OMBUD_NATIONAL_AUTHORITY
        self.authority = Authority.objects.filter(code=code).first()
        if self.authority is None:
            raise ImportError_(f"no authority with code {code!r}")
        self.now = timezone.now()
        self.seen_ids = set()        # external ids of the batch being built
        self._since_analyze, self._analyzed = 0, False
        self.companies = {}          # name_key -> Business id (filled after commit)
        self._reject_fh = None
        self._reject_writer = None
        self._rule_sets = {}         # local date -> rule set
        self._cfpb_constant = {}     # rule set id -> (held decision, routed event tuple)
        self._missing = {}           # (has company, has narrative) -> missing list
        self._cache = {}             # per-run lookups for the Ombud format
        self._dtvals = {}

    # ---------------------------------------------------------------- helpers
    def dtval(self, value):
        hit = self._dtvals.get(value)
        if hit is None:
            hit = self._dtval(value)
            if len(self._dtvals) < 100_000:
                self._dtvals[value] = hit
        return hit

    def _dtval(self, value):
        if self.vendor == "sqlite":
            return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
        return value.isoformat()

    def reject(self, line, reason, raw, *, duplicate=False):
        if self._reject_writer is None:
            self._reject_fh = open(self.reject_path, "w", newline="", encoding="utf-8")
            self._reject_writer = csv.writer(self._reject_fh)
            self._reject_writer.writerow(["line", "reason", "record"])
        self._reject_writer.writerow([line, reason, raw.rstrip("\r\n")])
        self.stats.rejected += 1
        if duplicate:
            self.stats.duplicates += 1

    def rule_set(self, received_at):
        day = received_at.astimezone(LOCAL).date()
        if day not in self._rule_sets:
            self._rule_sets[day] = rule_set_for(received_at)
        return self._rule_sets[day]

    # ---------------------------------------------------------------- run
    def run(self):
        started = time.perf_counter()
        load_terms()
        try:
            fh = open(self.path, "rb")
        except OSError as exc:
            raise ImportError_(f"cannot read {self.path}: {exc.strerror or exc}") from exc
        total = os.fstat(fh.fileno()).st_size
        bar = None
        if self.progress:
            from tqdm import tqdm

            bar = tqdm(total=total, unit="B", unit_scale=True, desc=self.path.name, file=self.stderr)
        try:
            with fh:
                src = LineSource(fh)
                rows = self._rows(src)
                batch = []
                done = 0
                for item in rows:
                    batch.append(item)
                    if len(batch) >= self.batch_size:
                        self.flush(batch)
                        batch = []
                        if bar is not None:
                            bar.update(src.bytes - done)
                            done = src.bytes
                if batch:
                    self.flush(batch)
                if bar is not None:
                    bar.update(src.bytes - done)
        finally:
            if bar is not None:
                bar.close()
            if self._reject_fh:
                self._reject_fh.close()
        self.stats.seconds = time.perf_counter() - started
        return self.stats

    def _rows(self, src):
        """Prepared rows; rejects are written as they are found."""
        is_jsonl = self.path.suffix.lower() in (".jsonl", ".ndjson")
        if is_jsonl:
            self.stats.fmt = "ombud-jsonl"
            self.source = self.source_override or "ombud"
            yield from self._jsonl(src)
            return
        csv.field_size_limit(sys.maxsize if sys.maxsize < 2**63 else 2**31 - 1)
        reader = csv.reader(src)
        try:
            header = next(reader)
        except StopIteration:
            raise ImportError_(f"{self.path} is empty; expected one of these headers:\n{expected_headers()}")
        except csv.Error as exc:
            raise ImportError_(f"cannot read the header of {self.path}: {exc}") from exc
        src.take()
        fmt = detect(header)
        if fmt is None:
            shown = ",".join(header)[:300]
            raise ImportError_(f"the header of {self.path} matches no known format:\n  {shown}\n"
                               f"expected one of:\n{expected_headers()}")
        self.stats.fmt = fmt
        if fmt == "ombud-csv":
            self.source = self.source_override or "ombud"
            handle = self._ombud_csv_row
            cols = [h.strip().lstrip("\ufeff") for h in header]
        else:
            self.source = self.source_override or "cfpb"
            handle = self._cfpb_row
            cols = [_ALIASES[h.strip().lstrip("\ufeff").lower()] for h in header]
        width = len(cols)
        while True:
            line = reader.line_num + 1
            try:
                fields = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raw, _ = src.take()
                self.stats.rows += 1
                self.reject(line, f"unreadable CSV record: {exc}", raw)
                continue
            raw, bad = src.take()
            if not fields:
                continue  # a blank line is no record
            # A record starts on the first line it consumed; blank lines skipped before it shift it.
            lead = len(raw) - len(raw.lstrip("\r\n"))
            if lead:
                line += raw[:lead].count("\n")
                raw = raw[lead:]
            self.stats.rows += 1
            if bad:
                self.reject(line, "the record is not valid UTF-8", raw)
                continue
            if "\x00" in raw:  # PostgreSQL cannot store a NUL character
                self.reject(line, "the record contains a NUL character", raw)
                continue
            if len(fields) != width:
                self.reject(line, f"wrong number of fields: {len(fields)}, the header has {width}", raw)
                continue
            try:
                item = handle(line, raw, cols, fields)
            except RowError as exc:
                self.reject(line, str(exc), raw, duplicate=exc.duplicate)
                continue
            yield item

    def _jsonl(self, src):
        line = 0
        for text in src:
            line += 1
            raw, bad = src.take()
            if not text.strip():
                continue
            self.stats.rows += 1
            if bad:
                self.reject(line, "the record is not valid UTF-8", raw)
                continue
            try:
                obj = orjson.loads(text)
            except orjson.JSONDecodeError as exc:
                self.reject(line, f"not valid JSON: {exc}", raw)
                continue
            if not isinstance(obj, dict):
                self.reject(line, "a line must hold one JSON object", raw)
                continue
            try:
                yield self._ombud(line, raw, obj)
            except RowError as exc:
                self.reject(line, str(exc), raw, duplicate=exc.duplicate)

    # ---------------------------------------------------------------- duplicates within the file
    def _external_id(self, value):
        if value is None or value == "":
            return None
        value = str(value).strip()
        if "\x00" in value:
            raise RowError("the external id contains a NUL character")
        if len(value) > 64:
            raise RowError(f"external id longer than 64 characters: {value[:20]}…")
        if value in self.seen_ids:
            raise RowError(f"duplicate of an earlier record in this file (external id {value})", duplicate=True)
        self.seen_ids.add(value)
        return value

    # ---------------------------------------------------------------- CFPB
    def _cfpb_constants(self, rule_set):
        key = rule_set.pk if rule_set else None
        hit = self._cfpb_constant.get(key)
        if hit is None:
            # A US case has no Chinese county: route() holds it at the intake authority, with its reason.
            decision = jurisdiction.route(kind=Kind.COMPLAINT, respondent=None, rule_set=rule_set,
                                          intake_authority=self.authority)
            status = Status.RECEIVED if decision.routed else Status.PENDING_DISPATCH
            routed = (
                self.dtval(self.now), "routed" if decision.routed else "held_for_dispatch", "system", None, None,
                "", status, decision.authority.pk, decision.reason, citation(rule_set, decision.citation_key),
                _json({"authority": decision.authority.code, "region": decision.region_code,
                       "rule": decision.citation_key,
                       "article_confirmed": bool(rule_set and rule_set.citations.get(
                           decision.citation_key, {}).get("confirmed"))}),
            )
            hit = self._cfpb_constant[key] = (decision, status, routed)
        return hit

    def _cfpb_missing(self, has_company, has_facts):
        key = (has_company, has_facts)
        if key not in self._missing:
            stub = SimpleNamespace(
                complainant=SimpleNamespace(name="", phone="", address=""),
                respondent=SimpleNamespace(name="x" if has_company else "", address="", uscc=""),
                request="", facts="x" if has_facts else "",
            )
            self._missing[key] = [name for name, get in REQUIRED.items() if not get(stub)]
        return self._missing[key]

    def _cfpb_row(self, line, raw, cols, fields):
        rec = dict(zip(cols, fields))
        product = rec.get("product", "").strip()
        narrative = rec.get("narrative", "").strip()
        company = rec.get("company", "").strip()
        if not (product or narrative or company):
            raise RowError("no product, no narrative and no company: nothing to import")
        if "date_received" in rec:
            text = rec["date_received"].strip()
            if not text:
                raise RowError("missing date received")
            try:
                received_at = parse_date(text)
            except ValueError as exc:
                raise RowError(str(exc)) from None
            if received_at > self.now + dt.timedelta(days=1):
                raise RowError(f"date received {text} is in the future")
            known_date = True
        else:
            received_at = self.now  # this variant carries no date: the import time, flagged in extra
            known_date = False
        if len(company) > 200:
            raise RowError("company name longer than 200 characters")
        external_id = self._external_id(rec.get("complaint_id"))
        rule_set = self.rule_set(received_at)
        decision, status, routed = self._cfpb_constants(rule_set)
        missing = self._cfpb_missing(bool(company), bool(narrative))
        issue = rec.get("issue", "").strip()
        extra = {k: rec[k].strip() for k in EXTRA_KEYS if rec.get(k, "").strip()}
        if not known_date:
            extra["received_at_is_import_time"] = True
        category = product_category(product, rec.get("sub_product", ""))
        rs_id = rule_set.pk if rule_set else None
        received_dt = self.dtval(received_at)
        missing_json = _json(missing)
        rest = (
            Kind.COMPLAINT, "import", status, False, "", "", "", "", None, None, "[]", company, "", None, "",
            None, category, issue_type(issue or rec.get("sub_issue", "")), "", "", narrative, None, None, "",
            None, None, received_dt, rs_id, decision.authority.pk, self.authority.pk, bool(missing), missing_json,
            None, None, None, None, None, "", self.source, external_id, _json(extra), self.dtval(self.now),
        )
        received = (
            received_dt, "received", self.label, None, None, "", status, self.authority.pk,
            "received; required content missing: " + ", ".join(missing) if missing else "received",
            citation(rule_set, "intake.required") if missing else "",
            _json({"channel": "import", "incomplete": bool(missing), "missing_fields": missing,
                   "rule_set": rule_set.label if rule_set else None, "source": self.source, "line": line}),
        )
        return Prepared(line, raw, external_id, received_at, company or None, None, rest, [received, routed])

    # ---------------------------------------------------------------- Ombud format
    def _ombud_csv_row(self, line, raw, cols, fields):
        rec = {c: v for c, v in zip(cols, fields)}
        obj = {}
        person = {k: rec.pop(f"complainant_{k}") for k in ("name", "phone", "address") if f"complainant_{k}" in rec}
        resp = {k: rec.pop(f"respondent_{k}") for k in ("name", "uscc", "address", "province")
                if f"respondent_{k}" in rec}
        if any(v for v in person.values()):
            obj["complainant"] = person
        if any(v for v in resp.values()):
            obj["respondent"] = resp
        for k, v in rec.items():
            if v.strip() == "":
                continue
            if k == "received_at":
                try:
                    v = parse_date(v).isoformat()
                except ValueError:
                    pass  # a full timestamp: CaseIn checks it
            obj[k] = v
        return self._ombud(line, raw, obj)

    def _cached(self, key, fn):
        if key not in self._cache:
            self._cache[key] = fn()
        return self._cache[key]

    def _ombud(self, line, raw, obj):
        obj = dict(obj)
        external_id = obj.pop("external_id", None)
        obj.setdefault("channel", "import")
        try:
            data = CaseIn.model_validate(obj)
        except ValidationError as exc:
            raise RowError("invalid: " + "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'record'}: {e['msg']}" for e in exc.errors())) from None
        if data.report is not None:
            raise RowError("a complaint with a report part (Art. 7 split) cannot be bulk-imported; "
                           "give the complaint and the report as two records")
        received_at = data.received_at or self.now
        if received_at > self.now + dt.timedelta(minutes=5):
            raise RowError("received_at is in the future")
        if data.received_at is not None and self.rule_set(received_at) is None:
            raise RowError(f"received_at {received_at.isoformat()}: no rule set is in force on that date")
        external_id = self._external_id(external_id)
        rule_set = self.rule_set(received_at)
        resp = data.respondent
        platform = self._cached(("platform", data.platform), lambda: find_platform(data.platform))
        respondent_region = self._cached(("region", resp.address, resp.region_code, resp.province),
                                         lambda: resolve_county(resp.address, resp.region_code, resp.province))
        respondent = self._cached(
            ("respondent", resp.name, resp.uscc, resp.address, resp.province, resp.kind, platform and platform.pk),
            lambda: find_or_register_respondent(
                name=resp.name, uscc=resp.uscc, address=resp.address, province_hint=resp.province,
                kind=resp.kind, platform=platform, region=respondent_region,
            ) if (resp.name or resp.uscc) else None)
        person = data.complainant
        anonymous = data.anonymous
        complainant_region = None if anonymous else self._cached(
            ("region", person.address, person.region_code, ""),
            lambda: resolve_county(person.address, person.region_code))
        conduct_region = self._cached(("region", data.conduct_address, "", ""),
                                      lambda: resolve_county(data.conduct_address))
        decision = jurisdiction.route(
            kind=data.kind, respondent=respondent, respondent_region=respondent_region,
            conduct_region=conduct_region, violation_type=data.violation_type, rule_set=rule_set,
            intake_authority=self.authority,
        )
        missing = missing_fields(data)
        status = Status.RECEIVED if decision.routed else Status.PENDING_DISPATCH
        platform_obj = platform or (respondent.platform if respondent else None)
        received_dt = self.dtval(received_at)
        rest = (
            data.kind, data.channel, status, anonymous, "" if anonymous else person.name,
            "" if anonymous else person.phone, "" if anonymous else person.email,
            "" if anonymous else person.address, complainant_region.pk if complainant_region else None,
            _json(data.agent.model_dump()) if data.agent else None,
            _json([j.model_dump() for j in data.joint_complainants]), resp.name, resp.address,
            platform_obj.pk if platform_obj else None, data.conduct_address,
            conduct_region.pk if conduct_region else None, data.category, data.issue_type, data.violation_type,
            data.request, data.facts, data.amount,
            data.purchase_date.isoformat() if data.purchase_date else None, data.order_number,
            data.consent_disclosure, data.consent_delegated_mediation, received_dt,
            rule_set.pk if rule_set else None, decision.authority.pk, self.authority.pk, bool(missing),
            _json(missing), None, None, None, None, None, "", self.source, external_id, "{}", self.dtval(self.now),
        )
        received = (
            received_dt, "received", self.label, None, None, "", status, self.authority.pk,
            "received; required content missing: " + ", ".join(missing) if missing else "received",
            citation(rule_set, "intake.required") if missing else "",
            _json({"channel": data.channel, "incomplete": bool(missing), "missing_fields": missing,
                   "rule_set": rule_set.label if rule_set else None, "source": self.source, "line": line}),
        )
        routed = (
            self.dtval(self.now), "routed" if decision.routed else "held_for_dispatch", "system", None, None, "",
            status, decision.authority.pk, decision.reason, citation(rule_set, decision.citation_key),
            _json({"authority": decision.authority.code, "region": decision.region_code,
                   "rule": decision.citation_key,
                   "article_confirmed": bool(rule_set and rule_set.citations.get(
                       decision.citation_key, {}).get("confirmed"))}),
        )
        return Prepared(line, raw, external_id, received_at, None, respondent.pk if respondent else None,
                        rest, [received, routed])

    # ---------------------------------------------------------------- writing
    def flush(self, batch):
        for attempt in range(5):
            try:
                with connection.wrap_database_errors, transaction.atomic():
                    written, dups, created = self._write(batch)
            except IntegrityError:
                # Most likely a ticket collided: the whole batch rolled back; try again with new tickets.
                self.stats.retries += 1
                if attempt == 4:
                    raise
                continue
            self.companies.update(created)
            self.stats.businesses_created += self._new_businesses
            self.stats.imported += written
            # Memory stays flat: earlier batches are in the database, whose check catches their duplicates.
            self.seen_ids.clear()
            self._refresh_statistics(written)
            for item in dups:
                self.reject(item.line, f"duplicate of an already imported case (external id {item.external_id})",
                            item.raw, duplicate=True)
            return

    def _refresh_statistics(self, written):
        """PostgreSQL plans the duplicate check from table statistics; a bulk load makes them stale
        (and autovacuum may be off), so refresh them as the table grows."""
        if self.vendor != "postgresql":
            return
        self._since_analyze += written
        if self._since_analyze >= ANALYZE_EVERY or not self._analyzed:
            with connection.cursor() as cur:
                cur.execute("ANALYZE cases_case")
            self._since_analyze, self._analyzed = 0, True

    def _write(self, batch):
        self._new_businesses = 0
        with connection.cursor() as cur:
            # Duplicates of cases already in the database (checked inside the write transaction).
            ids = [p.external_id for p in batch if p.external_id is not None]
            existing = set()
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                cur.execute(
                    "SELECT external_id FROM cases_case WHERE source = %s AND external_id IN ("
                    + ",".join(["%s"] * len(chunk)) + ")", [self.source, *chunk])
                existing.update(r[0] for r in cur.fetchall())
            dups = [p for p in batch if p.external_id is not None and p.external_id in existing]
            rows = [p for p in batch if p.external_id is None or p.external_id not in existing]
            created = self._businesses(rows)
            companies = {**self.companies, **created}
            n = len(rows)
            if not n:
                return 0, dups, created
            if self.vendor == "postgresql":
                cur.execute("SELECT nextval(pg_get_serial_sequence('cases_case','id')) FROM generate_series(1,%s)",
                            [n])
                case_ids = [r[0] for r in cur.fetchall()]
            else:
                cur.execute("SELECT MAX(id) FROM cases_case")
                top = cur.fetchone()[0] or 0
                cur.execute("SELECT seq FROM sqlite_sequence WHERE name = 'cases_case'")
                seq = cur.fetchone()
                start = max(top, seq[0] if seq else 0) + 1
                case_ids = range(start, start + n)
            tickets = set()
            cases, events = [], []
            for cid, p in zip(case_ids, rows):
                ticket = new_ticket(p.received_at)
                while ticket in tickets:
                    ticket = new_ticket(p.received_at)
                tickets.add(ticket)
                resp = p.respondent_id if p.company is None else companies[name_key(p.company)]
                cases.append((cid, ticket, resp, *p.rest))
                for ev in p.events:
                    events.append((cid, *ev))
            self._insert(cur, "cases_case", CASE_COLUMNS, cases)
            self._insert(cur, "cases_caseevent", EVENT_COLUMNS, events)
        return n, dups, created

    def _insert(self, cur, table, columns, rows):
        cols = ", ".join(columns)
        if self.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)

    def _businesses(self, rows):
        """CFPB companies: find US businesses by normalised name, create the missing ones."""
        wanted = {}
        for p in rows:
            if p.company is not None:
                key = name_key(p.company)
                if key not in self.companies and key not in wanted:
                    wanted[key] = p.company
        if not wanted:
            return {}
        found = {}
        keys = list(wanted)
        for i in range(0, len(keys), 500):
            for bid, key in (Business.objects.filter(name_key__in=keys[i:i + 500], country="US")
                             .order_by("id").values_list("id", "name_key")):
                found.setdefault(key, bid)
        new = [Business(name=wanted[k], name_key=k, country="US", kind=Business.Kind.ORDINARY)
               for k in keys if k not in found]
        if new:
            Business.objects.bulk_create(new, batch_size=500)
            for b in new:
                found[b.name_key] = b.pk
        self._new_businesses = len(new)
        return found


class RowError(Exception):
    def __init__(self, message, duplicate=False):
        super().__init__(message)
        self.duplicate = duplicate


def import_file(path, **kwargs):
    return Importer(path, **kwargs).run()
