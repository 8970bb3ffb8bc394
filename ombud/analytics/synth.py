"""`ombud synth`: a synthetic but calibrated national year, written straight into the case tables.

The year is planned once (cases per day, kinds, complaint paths, the money recovered per day) from
the seed, then generated one day at a time with numpy: a day is one transaction (COPY on
PostgreSQL), recorded in `SynthRun.days_done`, so a stopped run resumes where it stopped and gives
the same rows. Each case gets the events and clocks a walk through workflow/machine.py would
leave: the same actions, statuses, articles (from the case's rule set) and periods (working days
from the official calendar), cut off at `as_of` so late cases are still open. analytics.checks holds
every case to the same consistency checks as cases written by the services.
"""
import datetime as dt
import io
import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from . import calibration as cal

CST = ZoneInfo("Asia/Shanghai")
DAY = 86400
TZ_OFFSET = 8 * 3600  # Asia/Shanghai has had no DST since 1991
SOURCE = "synth"
NULL = -1  # a missing instant in the int64 columns

KINDS = ["complaint", "report", "consultation"]
# Complaint paths, one per case, drawn per day in the plan so that each day's money is known up front.
ODR_SETTLED, ODR_STOPPED = 0, 1
NORMAL = ["refused", "withdrawn_early", "terminated_at_acceptance", "agreed", "terminated", "withdrawn_in_mediation"]
PATHS = ["odr_settled", "odr_stopped"] + [f"{lane}:{p}" for lane in ("direct", "escalated") for p in NORMAL]
RECOVERING = [PATHS.index(p) for p in ("odr_settled", "direct:agreed", "escalated:agreed")]


def path_shares():
    odr = cal.ODR_LANE_SHARE
    failed = odr * (1 - cal.ODR_SETTLED_SHARE)
    lanes = {"direct": 1 - odr, "escalated": failed * cal.ODR_ESCALATED_SHARE}
    accepted = 1 - cal.REFUSED_SHARE - cal.WITHDRAWN_EARLY_SHARE
    mediated = accepted * (1 - cal.TERMINATED_AT_ACCEPTANCE)
    normal = {"refused": cal.REFUSED_SHARE, "withdrawn_early": cal.WITHDRAWN_EARLY_SHARE,
              "terminated_at_acceptance": accepted * cal.TERMINATED_AT_ACCEPTANCE,
              "agreed": mediated * cal.AGREED_SHARE, "withdrawn_in_mediation": mediated * cal.WITHDRAWN_IN_MEDIATION,
              "terminated": mediated * (1 - cal.AGREED_SHARE - cal.WITHDRAWN_IN_MEDIATION)}
    shares = [odr * cal.ODR_SETTLED_SHARE, failed * (1 - cal.ODR_ESCALATED_SHARE)]
    shares += [lanes[lane] * normal[p] for lane in ("direct", "escalated") for p in NORMAL]
    shares = np.array(shares)
    return shares / shares.sum()


def local_day(t):
    return (t + TZ_OFFSET) // DAY


def midnight(dayno):
    return dayno * DAY - TZ_OFFSET


def day_date(dayno):
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(dayno))


def luhn(bodies):
    """Luhn check digits for an (n, k) array of digits, the rightmost doubled (cases.tickets.luhn_digit)."""
    k = bodies.shape[1]
    doubled = (np.arange(k)[::-1] % 2) == 0
    d = bodies.copy()
    dd = d[:, doubled] * 2
    d[:, doubled] = np.where(dd > 9, dd - 9, dd)
    return (10 - d.sum(axis=1) % 10) % 10


class WorkCalendar:
    """Working days as arrays: the n-th working day after a day, and the next working day on or after it."""

    def __init__(self, first, last):
        from ombud.workdays.selectors import is_workday

        self.base = first
        days = np.arange(first, last + 1)
        self.work = np.array([is_workday(day_date(d))[0] for d in days])
        self.cum = np.cumsum(self.work)
        idx = np.where(self.work, np.arange(len(days)), len(days))
        self.next = np.minimum.accumulate(idx[::-1])[::-1]  # next working day index on or after

    def add_working(self, dayno, n):
        i = dayno - self.base
        return self.base + np.searchsorted(self.cum, self.cum[i] + n, side="left")

    def roll(self, dayno):
        return self.base + self.next[dayno - self.base]

    def after(self, t, n):
        """The same clock time, `n` working days after the day of `t` (n ≥ 1)."""
        d = local_day(t)
        return t + (self.add_working(d, n) - d) * DAY

    def due(self, t, unit, n):
        """When a period of `n` days (working or calendar) started at `t` runs out: 24:00 of its last day."""
        d = local_day(t)
        last = self.add_working(d, n) if unit == "working" else self.roll(d + n)
        return midnight(last + 1)


@dataclass
class Place:
    codes: np.ndarray
    province: np.ndarray
    authority: np.ndarray
    people: np.ndarray  # share of the population
    sellers: np.ndarray  # share of online sellers (hubs weigh more)


def places():
    from ombud.regions.models import Authority, Region

    rows = list(Region.objects.filter(active=True).values_list("code", "name", "level", "parent_id"))
    parents = {p for *_, p in rows if p}
    leaves = [(c, n) for c, n, level, _p in rows
              if level >= 2 and c not in parents and c[:2] in cal.PROVINCE_POPULATION]
    authority = dict(Authority.objects.filter(code__in=[c for c, _ in leaves], active=True).values_list("code", "id"))
    leaves = [(c, n) for c, n in leaves if c in authority]
    if not leaves:
        raise ValueError("no regions with authorities are loaded; run `ombud regions load` first")
    codes = np.array([c for c, _ in leaves])
    province = np.array([c[:2] for c in codes])
    weight = np.array([cal.COUNTY_KIND_WEIGHT.get(n[-1], 1.0) for _, n in leaves])
    people = np.zeros(len(codes))
    for p, pop in cal.PROVINCE_POPULATION.items():
        inside = province == p
        if inside.any():
            people[inside] = pop * weight[inside] / weight[inside].sum()
    people /= people.sum()
    hub = np.ones(len(codes))
    for prefix, factor in sorted(cal.HUBS.items(), key=lambda kv: len(kv[0])):
        hub[np.char.startswith(codes, prefix)] = factor
    sellers = people * hub
    return Place(codes, province, np.array([authority[c] for c in codes], dtype=np.int64), people,
                 sellers / sellers.sum())


def day_weights(year):
    import chinese_calendar

    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    n = (last - first).days + 1
    days = [first + dt.timedelta(days=i) for i in range(n)]
    w = np.array([cal.WEEKDAY[d.weekday()] for d in days])
    w *= np.linspace(*cal.YEAR_RAMP, n)
    for month, day, _length, factors in cal.EVENTS:
        start = (dt.date(year, month, day) - first).days
        for i, f in enumerate(factors):
            if 0 <= start + i < n:
                w[start + i] *= f
    for i, d in enumerate(days):
        try:
            _holiday, name = chinese_calendar.get_holiday_detail(d)
        except NotImplementedError:  # a year the package does not carry: no dip
            break
        if name == chinese_calendar.Holiday.spring_festival.value:
            w[i] *= cal.SPRING_FESTIVAL_DIP
    return days, w / w.sum()


def _largest_remainder(total, weights):
    """Integers summing exactly to `total`, in proportion to `weights`."""
    raw = total * weights / weights.sum()
    out = np.floor(raw).astype(np.int64)
    short = int(total - out.sum())
    if short:
        out[np.argsort(-(raw - out), kind="stable")[:short]] += 1
    return out


@dataclass
class Plan:
    year: int
    seed: int
    cases: int
    as_of: int
    days: list
    per_day: np.ndarray  # (D,) cases
    kinds: np.ndarray  # (D, 3)
    paths: np.ndarray  # (D, len(PATHS)) complaints per path
    recovered: np.ndarray  # (D,) cents
    first_index: np.ndarray  # (D,) global index of each day's first case


def plan(*, year, cases, seed, as_of):
    days, w = day_weights(year)
    rng = np.random.default_rng([seed, year, 0])
    # the year's split between kinds is exact; each kind is then spread over the days
    per_kind = _largest_remainder(cases, np.array([cal.KIND_SHARES[k] for k in KINDS]))
    kinds = np.stack([rng.multinomial(int(n), w) for n in per_kind], axis=1)
    per_day = kinds.sum(axis=1)
    shares = path_shares()
    paths = np.array([rng.multinomial(c, shares) for c in kinds[:, 0]])
    recovering = paths[:, RECOVERING].sum(axis=1)
    published = cal.YEARS.get(year, cal.YEARS[2023])
    scale = cases / published["total"]
    total_cents = int((published["recovered"] * Decimal(scale) * 100).to_integral_value())
    recovered = (_largest_remainder(total_cents, recovering.astype(float)) if recovering.sum()
                 else np.zeros(len(days), dtype=np.int64))
    first = np.concatenate([[0], np.cumsum(per_day)[:-1]])
    return Plan(year, seed, cases, as_of, days, per_day, kinds, paths, recovered, first)


# -- businesses ----------------------------------------------------------------------------------------

BRAND = list("鑫盛华泰恒达宏远顺丰嘉诚美佳康乐新源金瑞祥和汇通永安兴隆博雅天成众信润")
TRADES = ["商贸有限公司", "电器商行", "百货超市", "餐饮管理有限公司", "教育科技有限公司", "汽车销售服务有限公司",
          "装饰工程有限公司", "健身服务有限公司", "通讯器材店", "美容美发店", "房地产经纪有限公司", "旅行社有限公司"]
SHOPS = ["旗舰店", "专营店", "官方店", "优选店", "直营店"]


@dataclass
class Pool:
    """Respondents by index: platforms first, then merchants, then local businesses grouped by county."""

    platforms: int
    platform_weight: np.ndarray
    platform_place: np.ndarray
    merchants: int
    merchant_place: np.ndarray
    local_start: np.ndarray  # (places,) first local index of each county
    local_count: np.ndarray
    total: int


def pool(place, cases, seed):
    rng = np.random.default_rng([seed, 1])
    code_index = {c: i for i, c in enumerate(place.codes)}
    platform_place = np.array([code_index.get(c, int(np.argmax(place.sellers))) for _, c, _ in cal.PLATFORMS])
    platform_weight = np.array([w for *_, w in cal.PLATFORMS], dtype=float)
    n = max(len(place.codes), cases // cal.CASES_PER_BUSINESS)
    merchants = max(20, n // 5)
    merchant_place = rng.choice(len(place.codes), size=merchants, p=place.sellers)
    local_count = np.maximum(1, np.round((n - merchants) * place.people)).astype(np.int64)
    local_start = len(cal.PLATFORMS) + merchants + np.concatenate([[0], np.cumsum(local_count)[:-1]])
    return Pool(len(cal.PLATFORMS), platform_weight / platform_weight.sum(), platform_place, merchants,
                merchant_place, local_start, local_count, len(cal.PLATFORMS) + merchants + int(local_count.sum()))


def zipf_rank(rng, n, s=cal.ZIPF_EXPONENT):
    """0-based ranks in [0, n) drawn ∝ (k+1)^-s (continuous inverse CDF, vectorised over n)."""
    u = rng.random(len(n))
    a = 1 - s
    top = (n + 1.0) ** a
    k = (1 + u * (top - 1)) ** (1 / a)
    return np.minimum(np.floor(k).astype(np.int64) - 1, n - 1)


def business_rows(place, pool_, seed):
    """(name, county code, kind, odr_enrolled) for every respondent in pool order."""
    rng = np.random.default_rng([seed, 2])
    rows = [(name, place.codes[i], "platform", True) for (name, _c, _w), i in zip(cal.PLATFORMS, pool_.platform_place)]
    brand = rng.integers(0, len(BRAND), size=(pool_.total, 2))
    shop = rng.integers(0, len(SHOPS), size=pool_.total)
    trade = rng.integers(0, len(TRADES), size=pool_.total)
    odr = rng.random(pool_.total) < cal.ODR_ENROLLED_SHARE
    for j, i in enumerate(pool_.merchant_place):
        g = len(rows)
        rows.append((f"{BRAND[brand[g, 0]]}{BRAND[brand[g, 1]]}{j + 1}号{SHOPS[shop[g]]}", place.codes[i], "merchant",
                     bool(odr[g])))
    names = _short_names(place.codes)
    for i, count in enumerate(pool_.local_count):
        for k in range(count):
            g = len(rows)
            rows.append((f"{names[i]}{BRAND[brand[g, 0]]}{BRAND[brand[g, 1]]}{TRADES[trade[g]]}" + (f"（{k + 1}）" if k else ""),
                         place.codes[i], "ordinary", bool(odr[g])))
    return rows


def _short_names(codes):
    from ombud.regions.models import Region

    names = dict(Region.objects.filter(code__in=list(codes)).values_list("code", "name"))
    out = []
    for c in codes:
        n = names.get(c, "")
        out.append(n[:-1] if len(n) > 2 and n[-1] in "区县市旗" else n)
    return out


# -- one day ------------------------------------------------------------------------------------------------

class Table:
    """Columns built up in pieces: each `add` appends equal-length arrays (scalars broadcast)."""

    def __init__(self, columns):
        self.columns = columns
        self.parts = {c: [] for c in columns}

    def add(self, n, **values):
        if n == 0:
            return
        for c in self.columns:
            v = values.get(c)
            self.parts[c].append(v if isinstance(v, np.ndarray) else np.array([v] * n, dtype=object))

    def build(self):
        return {c: (np.concatenate(p) if p else np.array([], dtype=object)) for c, p in self.parts.items()}


EVENT_COLUMNS = ["case", "at", "action", "actor_label", "from_status", "to_status", "article", "reason", "data"]
CLOCK_COLUMNS = ["case", "step", "article", "unit", "days", "started_at", "due", "met_at"]


class Day:
    """Everything one day of the plan writes: cases (columns), events and clocks (rows of columns)."""

    def __init__(self, p, d, place, pool_, calendar, rule_set):
        self.p, self.d, self.place, self.pool, self.cal, self.rs = p, d, place, pool_, calendar, rule_set
        self.rng = np.random.default_rng([p.seed, p.year, 100 + d])
        self.events = Table(EVENT_COLUMNS)
        self.clocks = Table(CLOCK_COLUMNS)
        self.pending = []  # (cases, times, outcome, extra): what each event sets on the case, applied at the cut

    # articles and periods come from the rule set, as the services take them
    def cite(self, key):
        return self.rs.cite(key) if key in self.rs.citations else ""

    def period(self, step):
        spec = self.rs.period(step)
        return spec["unit"], spec["days"], f"{self.rs.code} {spec['article']}"

    def event(self, idx, at, action, frm, to, key, reason, data="{}", label="synth"):
        n = len(idx)
        self.events.add(n, case=idx, at=at, action=action, actor_label=label, from_status=frm, to_status=to,
                        article=self.cite(key), reason=reason, data=data)

    def clock(self, idx, step, started, met):
        unit, days, article = self.period(step)
        due = self._due_vec(started, unit, days)
        self.clocks.add(len(idx), case=idx, step=step, article=article, unit=unit, days=days, started_at=started,
                        due=due, met_at=met)
        return due

    def _due_vec(self, started, unit, days):
        d = local_day(started)
        last = self.cal.add_working(d, days) if unit == "working" else self.cal.roll(d + days)
        return midnight(last + 1)

    def hours(self, n, lo, hi):
        return (self.rng.uniform(lo, hi, n) * 3600).astype(np.int64)

    def working(self, t, lo, hi, late_share=0.0, late=(0, 0)):
        """`t` moved by a number of working days in [lo, hi] (a share drawn late, past the period)."""
        n = self.rng.integers(lo, hi + 1, len(t))
        if late_share:
            is_late = self.rng.random(len(t)) < late_share
            n = np.where(is_late, self.rng.integers(late[0], late[1] + 1, len(t)), n)
        return self.cal.after(t, n) + self.hours(len(t), -2, 2)

    def build(self):
        p, d, rng = self.p, self.d, self.rng
        n = int(p.per_day[d])
        counts = p.kinds[d]
        kind = np.repeat(np.arange(3), counts)
        dayno = (p.days[d] - dt.date(1970, 1, 1)).days
        hour_p = np.array(cal.HOURS) / sum(cal.HOURS)
        received = midnight(dayno) + rng.choice(24, n, p=hour_p) * 3600 + rng.integers(0, 3600, n)
        order = np.argsort(received, kind="stable")
        kind, received = kind[order], received[order]
        c = {"kind": np.array(KINDS, dtype=object)[kind], "received": received}
        self._parties(c, kind)
        self.outcome = np.full(n, "", dtype=object)
        self.closed = np.full(n, NULL, dtype=np.int64)
        self.status = np.full(n, "received", dtype=object)
        self.recovered = np.zeros(n, dtype=np.int64)  # cents
        self.verdict = np.full(n, -1, dtype=np.int8)
        self.ratings = np.zeros((n, 2), dtype=np.int8)
        self.odr = np.zeros(n, dtype=bool)
        self.fines = np.full(n, -1, dtype=np.int64)
        everyone = np.arange(n)
        self.event(everyone, received, "received", "", "received", "intake.required", "received",
                   data=_each(c["channel"], lambda ch: json.dumps({"channel": ch, "incomplete": False,
                                                                   "missing_fields": [], "rule_set": self.rs.code})),
                   label="public")
        self._complaints(np.flatnonzero(kind == 0), received)
        self._reports(np.flatnonzero(kind == 1), received, c["anonymous"])
        self._consultations(np.flatnonzero(kind == 2), received)
        c.update(outcome=self.outcome, closed=self.closed, recovered=self.recovered, verdict=self.verdict,
                 ratings=self.ratings, odr=self.odr, fines=self.fines)
        return self._cut(c)

    def _parties(self, c, kind):
        rng, place, pool_, n = self.rng, self.place, self.pool, len(kind)
        c["channel"] = rng.choice(list(cal.CHANNEL_SHARES), n, p=list(cal.CHANNEL_SHARES.values())).astype(object)
        home = rng.choice(len(place.codes), n, p=place.people)
        c["home"] = home
        online_share = cal.YEARS.get(self.p.year, cal.YEARS[2023])["online"] / cal.YEARS.get(
            self.p.year, cal.YEARS[2023])["total"]
        online = rng.random(n) < online_share
        c["online"] = online
        cats = list(cal.CATEGORY_WEIGHTS)
        w = np.array([cal.CATEGORY_WEIGHTS[k] for k in cats])
        lean = np.array([cal.ONLINE_LEANING.get(k, 0.6) for k in cats])
        on = w * lean / (w * lean).sum()
        off = np.maximum(w / w.sum() - online_share * on, 1e-6)
        off /= off.sum()
        cat = np.where(online, rng.choice(len(cats), n, p=on), rng.choice(len(cats), n, p=off))
        c["category"] = np.array(cats, dtype=object)[cat]
        issues = cal.issue_shares(self.p.year)
        c["issue"] = np.where(kind == 1, "", rng.choice(list(issues), n, p=list(issues.values()))).astype(object)
        vio = list(cal.VIOLATION_WEIGHTS)
        vw = np.array([cal.VIOLATION_WEIGHTS[k] for k in vio], dtype=float)
        c["violation"] = np.where(kind == 1, rng.choice(vio, n, p=vw / vw.sum()), "").astype(object)
        # respondents: the platform itself, a merchant on it, or a local business where the consumer lives
        platform = rng.choice(pool_.platforms, n, p=pool_.platform_weight)
        own = online & (rng.random(n) < cal.PLATFORM_SHARE_OF_ONLINE)
        merchant = pool_.platforms + zipf_rank(rng, np.full(n, pool_.merchants), 1.1)
        local = pool_.local_start[home] + zipf_rank(rng, pool_.local_count[home])
        respondent = np.where(online, np.where(own, platform, merchant), local)
        none = (kind == 2) & (rng.random(n) < 0.7)
        c["respondent"] = np.where(none, -1, respondent)
        c["platform"] = np.where(online, platform, -1)
        where = np.where(own, pool_.platform_place[platform],
                         np.where(online, pool_.merchant_place[np.clip(merchant - pool_.platforms, 0, None)], home))
        c["where"] = np.where(none, home, where)  # the handling authority's county (jurisdiction by respondent)
        c["anonymous"] = (kind == 1) & (rng.random(n) < cal.ANONYMOUS_REPORT_SHARE)
        price = np.round(np.exp(rng.normal(6.0, 1.2, n)), 2)
        c["amount"] = np.where(kind == 2, np.nan, price)

    # -- complaints ----------------------------------------------------------------------------------
    def _complaints(self, idx, received):
        if not len(idx):
            return
        rng = self.rng
        path = rng.permutation(np.repeat(np.arange(len(PATHS)), self.p.paths[self.d]))
        assert len(path) == len(idx), "plan and day disagree on the number of complaints"
        t0 = received[idx]
        self.amounts = self._amounts(path)
        odr = path <= 1
        esc = np.array([PATHS[k].startswith("escalated") for k in path])
        lane = odr | esc
        base = t0.copy()
        if lane.any():
            i, t = idx[lane], t0[lane]
            fwd = t + self.hours(len(t), 0.2, 6)
            self.odr[i] = True
            self.clock(i, "acceptance", t, fwd)
            self.event(i, fwd, "odr_forwarded", "received", "odr", "odr",
                       "the consumer chose the ODR lane; forwarded to the business")
            settled = path[lane] == ODR_SETTLED
            s_i, s_t = i[settled], fwd[settled]
            k = np.minimum(1 + rng.geometric(0.3, len(s_i)), 10)
            done = self.cal.after(s_t, k) + self.hours(len(s_t), -3, 3)
            self.clock(s_i, "odr", s_t, done)
            amount = self.amounts[lane][settled]
            self.event(s_i, done, "odr_settled", "odr", "closed", "odr", "settled in the ODR lane (pre-settlement)",
                       data=_amount_json(amount))
            self._finish(s_i, done, "presettled", amount)
            f_i, f_t = i[~settled], fwd[~settled]
            failed = self.working(f_t, 6, 10)
            self.clock(f_i, "odr", f_t, failed)
            self.event(f_i, failed, "odr_failed", "odr", "odr_failed", "odr", "协商未果")
            go = esc[lane][~settled]
            e_i, e_t = f_i[go], failed[go] + self.hours(go.sum(), 20, 120)
            self.event(e_i, e_t, "escalated", "odr_failed", "received", "odr.escalation",
                       "ODR failed; escalated to the authority")
            base[np.isin(idx, e_i)] = e_t
        normal = ~odr
        i, t = idx[normal], base[normal]
        kinds = np.array([PATHS[k].split(":")[1] for k in path[normal]])
        # the acceptance clock of an escalated case starts again at escalation (workflow.steps.escalate)
        self._normal(i, t, kinds, self.amounts[normal])

    def _normal(self, i, t, kinds, amounts):
        decided = self.working(t, 1, 7, cal.ACCEPTED_LATE_SHARE, (8, 12))
        early = kinds == "withdrawn_early"
        decided[early] = t[early] + self.hours(early.sum(), 6, 96)
        self.clock(i, "acceptance", t, decided)
        ref = kinds == "refused"
        self.event(i[ref], decided[ref], "refused", "received", "refused", "refusal", "经审查不符合受理条件")
        self._finish(i[ref], decided[ref], "refused")
        self.event(i[early], decided[early], "withdrawn", "received", "withdrawn", "withdrawal", "已与商家自行和解")
        self._finish(i[early], decided[early], "withdrawn")
        acc = ~(ref | early)
        a_i, a_t, a_k, a_amount = i[acc], decided[acc], kinds[acc], amounts[acc]
        unit, days, _ = self.period("mediation")
        due = self._due_vec(a_t, unit, days)
        self.event(a_i, a_t, "accepted", "received", "accepted", "acceptance", "accepted",
                   data=_each(due, lambda x: json.dumps({"mediation_due": _iso(x)})))
        # how long mediation takes: log-normal, within the period but for a stated share that overruns
        took = np.exp(self.rng.normal(np.log(cal.MEDIATION_MEDIAN_DAYS), 0.6, len(a_i))) * DAY
        ends = np.minimum(a_t + took.astype(np.int64), due - 3600)
        over = self.rng.random(len(a_i)) < cal.MEDIATION_OVERRUN_SHARE
        ends = np.where(over, due + self.hours(len(a_i), 12, 240), ends)
        ta = a_k == "terminated_at_acceptance"
        quick = a_t[ta] + self.hours(ta.sum(), 24, 240)
        ends[ta] = quick
        self.clock(a_i, "mediation", a_t, ends)
        self.event(a_i[ta], ends[ta], "mediation_terminated", "accepted", "terminated", "termination", "调解终止")
        started = a_t + self.hours(len(a_i), 2, 72)
        med = ~ta
        ends[med] = np.maximum(ends[med], started[med] + 3600)
        self.event(a_i[med], started[med], "mediation_started", "accepted", "mediating", "mediation", "mediation")
        ag = a_k == "agreed"
        self.event(a_i[ag], ends[ag], "agreement_reached", "mediating", "agreed", "agreement", "agreement reached",
                   data=_amount_json(a_amount[ag], document=True))
        self._at(a_i[ag], ends[ag], outcome="agreement", cents=a_amount[ag])
        closed = ends[ag] + self.hours(ag.sum(), 1, 48)
        self.event(a_i[ag], closed, "closed", "agreed", "closed", "closure", "closed")
        self._finish(a_i[ag], closed, "agreement", a_amount[ag])
        te = a_k == "terminated"
        self.event(a_i[te], ends[te], "mediation_terminated", "mediating", "terminated", "termination", "调解终止")
        tt = ta | te
        t_i, t_t = a_i[tt], ends[tt]
        self._at(t_i, t_t, outcome="terminated")
        served = self.working(t_t, 1, 7, cal.SERVED_LATE_SHARE, (8, 10))
        self.clock(t_i, "termination_notice", t_t, served)
        self.event(t_i, served, "termination_served", "terminated", "terminated", "termination.notice", "served")
        closed = served + self.hours(len(t_i), 1, 24)
        self.event(t_i, closed, "closed", "terminated", "closed", "closure", "closed")
        self._finish(t_i, closed, "terminated")
        wm = a_k == "withdrawn_in_mediation"
        gone = started[wm] + self.hours(wm.sum(), 24, 360)
        self.event(a_i[wm], gone, "withdrawn", "mediating", "withdrawn", "withdrawal", "已与商家自行和解")
        self._finish(a_i[wm], gone, "withdrawn")

    def _amounts(self, path):
        """Cents recovered per complaint: the day's planned total over its recovering paths, log-normal."""
        out = np.zeros(len(path), dtype=np.int64)
        rec = np.isin(path, RECOVERING)
        if rec.any():
            w = np.exp(self.rng.normal(0, cal.AMOUNT_SIGMA, rec.sum()))
            out[rec] = np.maximum(1, _largest_remainder(int(self.p.recovered[self.d]), w))
            short = int(self.p.recovered[self.d]) - int(out[rec].sum())  # the 1-cent floor, paid back by the largest
            out[np.flatnonzero(rec)[np.argmax(out[rec])]] += short
        return out

    def _at(self, i, t, *, outcome=None, cents=None):
        """Record what an event sets, with its time (the cut at as_of looks at it)."""
        self.pending.append((i, t, outcome, cents))

    def _finish(self, i, t, outcome, cents=None):
        self._at(i, t, outcome=outcome, cents=cents)
        self.pending.append((i, t, None, "closed"))
        if len(i):
            self._verdicts(i, t, outcome)

    def _verdicts(self, i, t, outcome):
        rng = self.rng
        rated = rng.random(len(i)) < cal.RATED_SHARE
        i, t = i[rated], t[rated] + self.hours(rated.sum(), 20, 240)
        resolved = rng.random(len(i)) < cal.RESOLVED_GIVEN.get(outcome, 0.5)
        progress = (self.d + 0.5) / len(self.p.days)
        ratings = np.zeros((len(i), 2), dtype=np.int8)
        for col in range(2):
            good, bad = _drift(cal.RATING_RESOLVED, progress), _drift(cal.RATING_UNRESOLVED, progress)
            ratings[:, col] = np.where(resolved, rng.choice(5, len(i), p=good), rng.choice(5, len(i), p=bad)) + 1
        to = "closed" if outcome not in ("refused", "withdrawn") else outcome
        key = resolved.astype(np.int64) * 100 + ratings[:, 0].astype(np.int64) * 10 + ratings[:, 1]
        data = _each(key, lambda k: json.dumps({"resolved": bool(k // 100), "rating_handling": int(k // 10 % 10),
                                                "rating_business": int(k % 10), "comment": ""}))
        self.event(i, t, "verdict_given", to, to, "verdict", np.where(resolved, "resolved", "not resolved"), data=data)
        self.pending.append((i, t, None, ("verdict", resolved, ratings)))

    # -- reports and consultations ------------------------------------------------------------------
    def _reports(self, idx, received, anonymous):
        if not len(idx):
            return
        rng = self.rng
        t = received[idx]
        decided = self.working(t, 3, 15, 0.03, (16, 20))
        self.clock(idx, "verification", t, decided)
        filed = rng.random(len(idx)) < cal.FILED_SHARE
        named = ~anonymous[idx]
        f_i, f_t = idx[filed], decided[filed]
        self.event(f_i, f_t, "case_filed", "received", "filed", "report.filing", "case filed")
        n_i, n_t = idx[~filed], decided[~filed]
        self.event(n_i, n_t, "case_not_filed", "received", "not_filed", "report.filing", "经核查，线索不足")
        self._at(n_i, n_t, outcome="not_filed")
        told = named
        for sel, status in ((filed & told, "filed"), (~filed & told, "not_filed")):
            s_i, s_t = idx[sel], decided[sel]
            notified = self.working(s_t, 1, 5, 0.03, (6, 8))
            self.clock(s_i, "reporter_notice", s_t, notified)
            self.event(s_i, notified, "reporter_notified", status, status, "report.notice", "reporter told the result")
            if status == "not_filed":
                decided[sel] = notified
        closed = decided[~filed] + self.hours((~filed).sum(), 1, 72)
        self.event(n_i, closed, "closed", "not_filed", "closed", "report.closure", "closed")
        self.pending.append((n_i, closed, None, "closed"))
        penalized = rng.random(len(f_i)) < cal.PENALIZED_SHARE
        ends = f_t + self.hours(len(f_i), 20 * 24, 85 * 24)
        self.clock(f_i, "case_decision", f_t, np.where(penalized, ends, NULL))
        p_i, p_t = f_i[penalized], ends[penalized]
        fines = rng.choice([2000, 5000, 10000, 20000, 50000, 100000, 200000], len(p_i)) * 100
        self.event(p_i, p_t, "penalty_recorded", "filed", "penalized", "report.penalty", "penalty",
                   data=_each(fines, lambda f: json.dumps({"fines": f"{f // 100}.00", "confiscations": "0.00"})))
        self._at(p_i, p_t, outcome="penalized", cents=("fines", fines))

    def _consultations(self, idx, received):
        t = received[idx]
        done = t + self.hours(len(idx), 0.5, 48)
        self.event(idx, done, "answered", "received", "closed", "consultation.answer", "已解答相关规定和维权途径。")
        self._at(idx, done, outcome="answered")
        self.pending.append((idx, done, None, "closed"))

    # -- the snapshot at as_of -----------------------------------------------------------------------
    def _cut(self, c):
        as_of = self.p.as_of
        n = len(c["received"])
        for i, t, outcome, extra in self.pending:
            keep = t <= as_of
            i, t = i[keep], t[keep]
            if outcome is not None:
                self.outcome[i] = outcome
            if isinstance(extra, np.ndarray):
                self.recovered[i] = extra[keep]
            elif extra == "closed":
                self.closed[i] = t
            elif isinstance(extra, tuple) and extra[0] == "verdict":
                self.verdict[i] = extra[1][keep].astype(np.int8)
                self.ratings[i] = extra[2][keep]
            elif isinstance(extra, tuple) and extra[0] == "fines":
                self.fines[i] = extra[1][keep]
        # status follows the last event kept (a verdict or notice does not change it)
        ev = self.events.build()
        keep = ev["at"].astype(np.int64) <= as_of
        ev = {k: v[keep] for k, v in ev.items()}
        last = np.full(n, -1)
        order = np.lexsort((np.arange(len(ev["at"])), ev["at"].astype(np.int64)))
        last[ev["case"][order].astype(np.int64)] = order  # later assignments win: the last event of each case
        c["status"] = ev["to_status"][last]
        clocks = self.clocks.build()
        started = clocks["started_at"].astype(np.int64)
        keep = started <= as_of
        clocks = {k: v[keep] for k, v in clocks.items()}
        met = clocks["met_at"].astype(np.int64)
        clocks["met_at"] = np.where((met == NULL) | (met > as_of), NULL, met)
        open_ = clocks["met_at"] == NULL
        next_due = np.full(n, np.iinfo(np.int64).max)
        np.minimum.at(next_due, clocks["case"][open_].astype(np.int64), clocks["due"][open_].astype(np.int64))
        c["next_due"] = np.where(next_due == np.iinfo(np.int64).max, NULL, next_due)
        return c, ev, clocks


def _each(values, render):
    """render(v) for every element, computed once per distinct value (a day has few: channels, dues, ratings)."""
    values = np.asarray(values)
    if not len(values):
        return np.array([], dtype=object)
    distinct, inverse = np.unique(values, return_inverse=True)
    return np.array([render(v.item() if hasattr(v, "item") else v) for v in distinct], dtype=object)[inverse]


def _drift(p, progress):
    p = np.array(p, dtype=float)
    move = p[:2] * cal.RATING_DRIFT * progress
    p[:2] -= move
    p[4] += move.sum()
    return p / p.sum()


def _iso(t):
    return dt.datetime.fromtimestamp(int(t), CST).isoformat()


def _amount_json(cents, document=False):
    extra = ', "document": "signed"' if document else ""
    return np.array([f'{{"amount_recovered": "{x // 100}.{x % 100:02d}", "remedy_in_kind": ""{extra}}}' for x in cents],
                    dtype=object)


# -- writing ---------------------------------------------------------------------------------------------

BUSINESS_COLUMNS = ["id", "name", "name_key", "kind", "registered_address", "registered_region_id",
                    "registered_confidence", "operating_address", "operating_region_id", "operating_confidence",
                    "address_published", "reachable", "address_needs_review", "address_candidates", "contact_phone",
                    "contact_email", "language", "odr_enrolled", "odr_enrolled_on", "country", "created_at"]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏辉建林燕宇浩凯")
FACTS = {"after_sales": "商家拒绝履行售后义务", "contract": "商家未按约定履行合同", "quality": "商品存在质量问题",
         "false_advertising": "宣传与实际不符", "safety": "商品存在安全隐患", "price": "价格欺诈或乱收费",
         "counterfeit": "疑似假冒商品", "personal_rights": "遭受不当对待", "measurement": "计量短缺",
         "other": "其他消费纠纷"}


def _ids(cur, vendor, table, n):
    """Reserve `n` consecutive primary keys (the table is locked for the transaction on PostgreSQL)."""
    if vendor == "postgresql":
        cur.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        cur.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id'))")
        first = cur.fetchone()[0]
        cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)", [first + n - 1])
        return first
    cur.execute(f"SELECT MAX(id) FROM {table}")
    top = cur.fetchone()[0] or 0
    cur.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
    row = cur.fetchone()
    first = max(top, row[0] if row else 0) + 1
    if row:
        cur.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [first + n - 1, table])
    else:
        cur.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, first + n - 1])
    return first


TIMESTAMPS = {"received_at", "closed_at", "next_due", "created_at", "at", "started_at", "due", "met_at"}


def _column(name, values):
    """One column as pyarrow: int64 epoch seconds (NULL = -1) become timestamps, -1 ids and NaN become NULL."""
    import pyarrow as pa

    if name in TIMESTAMPS:
        v = np.asarray(values, dtype=np.int64)
        return pa.array(v, type=pa.timestamp("s", tz="UTC"), mask=v == NULL)
    if isinstance(values, np.ndarray) and values.dtype.kind in "iu":
        return pa.array(values, mask=values < 0)
    if isinstance(values, np.ndarray) and values.dtype.kind == "f":
        return pa.array(values, mask=np.isnan(values))
    return pa.array(values.tolist() if isinstance(values, np.ndarray) else values)


def _encode(vendor, columns):
    """A dict of equal-length columns as what the backend loads: CSV bytes (COPY) or rows (executemany)."""
    import pyarrow as pa

    names = list(columns)
    data = pa.table({n: _column(n, columns[n]) for n in names})
    if vendor == "postgresql":
        import pyarrow.csv as pacsv

        buf = io.BytesIO()
        pacsv.write_csv(data, buf, pacsv.WriteOptions(include_header=False, quoting_style="needed"))
        return names, buf.getvalue()
    for n in names:
        if n in TIMESTAMPS:
            v = np.asarray(columns[n], dtype=np.int64)
            text = np.datetime_as_string(v.astype("datetime64[s]"), unit="s")
            data = data.set_column(data.schema.get_field_index(n), n,
                                   pa.array([None if x == NULL else t.replace("T", " ") for x, t in zip(v, text)]))
    return names, list(zip(*[data.column(n).to_pylist() for n in names]))


def _insert(cur, vendor, table, encoded):
    names, payload = encoded
    cols = ", ".join(names)
    if vendor == "postgresql":
        with cur.copy(f"COPY {table} ({cols}) FROM STDIN WITH (FORMAT csv)") as copy:
            copy.write(payload)
    else:
        marks = ", ".join(["%s"] * len(names))
        cur.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", payload)


class Writer:
    def __init__(self, run, place, pool_, progress=None):
        from ombud.rules.selectors import rule_set_for

        self.run, self.place, self.pool, self.progress = run, place, pool_, progress
        self.vendor = connection.vendor
        self.skip_reference_checks = False
        if self.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                self.skip_reference_checks = bool(cur.fetchone()[0])
        self.plan = plan(year=run.year, cases=run.cases, seed=run.seed, as_of=int(run.as_of.timestamp()))
        self.rule_sets = [rule_set_for(dt.datetime.combine(d, dt.time(12), CST)) for d in self.plan.days]
        if any(rs is None for rs in self.rule_sets):
            raise ValueError(f"no rule set covers every day of {run.year}")
        first = (self.plan.days[0] - dt.date(1970, 1, 1)).days
        self.calendar = WorkCalendar(first - 10, first + 366 + 400)
        self.business = np.concatenate([np.arange(a, a + n, dtype=np.int64) for a, n in run.business_ids]) \
            if run.business_ids else None

    def businesses(self):
        rows = business_rows(self.place, self.pool, self.run.seed)
        from ombud.businesses.services import name_key

        now = timezone.now()
        with transaction.atomic(), connection.cursor() as cur:
            raw = cur.cursor if self.vendor == "postgresql" else cur
            first = _ids(cur, self.vendor, "businesses_business", len(rows))
            n = len(rows)
            names = [r[0] for r in rows]
            where = [r[1] for r in rows]
            stamp = np.full(n, int(now.timestamp()), dtype=np.int64)
            _insert(raw, self.vendor, "businesses_business", _encode(self.vendor, dict(zip(BUSINESS_COLUMNS, [
                np.arange(first, first + n, dtype=np.int64), names, [name_key(x) for x in names], [r[2] for r in rows],
                [""] * n, where, [0.9] * n, [""] * n, where, [0.9] * n, [True] * n, [True] * n, [False] * n,
                ["[]"] * n, [""] * n, [""] * n, ["zh-hans"] * n, [r[3] for r in rows], [None] * n, ["CN"] * n,
                stamp]))))
            self.run.business_ids = [[first, len(rows)]]
            self.run.written = {**self.run.written, "businesses": len(rows)}
            self.run.save(update_fields=["business_ids", "written"])
        self.business = np.arange(first, first + len(rows), dtype=np.int64)

    def reserve(self, d):
        """Primary keys for day `d`'s cases, taken before the day is generated (so generation can run ahead)."""
        n = int(self.plan.per_day[d])
        if not n:
            return np.array([], dtype=np.int64)
        with connection.cursor() as cur:
            if self.vendor == "postgresql":
                cur.execute("SELECT nextval(pg_get_serial_sequence('cases_case', 'id')) FROM generate_series(1, %s)",
                            [n])
                return np.array([r[0] for r in cur.fetchall()], dtype=np.int64)
            with transaction.atomic():
                first = _ids(cur, self.vendor, "cases_case", n)
            return np.arange(first, first + n, dtype=np.int64)

    def prepare(self, d, ids):
        """Day `d` generated and encoded, ready to load: touches no database (it runs in a worker thread)."""
        if not len(ids):
            return None
        rs = self.rule_sets[d]
        c, ev, clocks = Day(self.plan, d, self.place, self.pool, self.calendar, rs).build()
        authority = self.place.authority[c["where"]]
        k = ev["case"].astype(np.int64)
        events = {"case_id": ids[k], "at": ev["at"].astype(np.int64), "action": ev["action"],
                  "actor_label": ev["actor_label"], "from_status": ev["from_status"], "to_status": ev["to_status"],
                  "authority_id": authority[k], "reason": ev["reason"], "article": ev["article"], "data": ev["data"]}
        k = clocks["case"].astype(np.int64)
        m = len(k)
        rows = {"case_id": ids[k], "step": clocks["step"], "article": clocks["article"], "unit": clocks["unit"],
                "days": clocks["days"].astype(np.int64), "extended": np.zeros(m, dtype=bool),
                "started_at": clocks["started_at"].astype(np.int64), "due": clocks["due"].astype(np.int64),
                "provisional": np.zeros(m, dtype=bool), "pauses": ["[]"] * m,
                "met_at": clocks["met_at"].astype(np.int64)}
        return {"cases_case": _encode(self.vendor, self._case_columns(c, ids, d, rs)),
                "cases_caseevent": _encode(self.vendor, events),
                "workflow_casedeadline": _encode(self.vendor, rows),
                "counts": {"cases": len(ids), "events": len(events["at"]), "clocks": m}}

    def write(self, d, prepared):
        """Load one prepared day and mark it done, in one transaction."""
        with transaction.atomic(), connection.cursor() as cur:
            if prepared is not None:
                raw = cur.cursor if self.vendor == "postgresql" else cur
                if self.vendor == "postgresql":
                    cur.execute("SET LOCAL synchronous_commit = off")  # the day and its marker land together, or neither
                    if self.skip_reference_checks:
                        # Generated ids are known to exist; analytics.checks verifies every reference afterwards.
                        cur.execute("SET LOCAL session_replication_role = replica")
                for table in ("cases_case", "cases_caseevent", "workflow_casedeadline"):
                    _insert(raw, self.vendor, table, prepared[table])
                w = dict(self.run.written)
                for key, count in prepared["counts"].items():
                    w[key] = w.get(key, 0) + count
                self.run.written = w
            self.run.days_done = d + 1
            self.run.save(update_fields=["written", "days_done"])

    def day(self, d):
        self.write(d, self.prepare(d, self.reserve(d)))

    def _case_columns(self, c, ids, d, rs):
        p = self.plan
        rng = np.random.default_rng([p.seed, p.year, 200 + d])
        n = len(ids)
        index = p.first_index[d] + np.arange(n)
        yy = p.year % 100
        body = (index * 3_141_592_653 + (p.seed * 7_919) % 10**10) % 10**10  # a bijection on 10 digits: unique
        digits = np.stack([np.full(n, yy // 10), np.full(n, yy % 10)]
                          + [(body // 10**k) % 10 for k in range(9, -1, -1)], axis=1)
        check = luhn(digits)
        tickets = [f"{yy:02d}{b:010d}{x}" for b, x in zip(body.tolist(), check.tolist())]
        anon = c["anonymous"]
        name = np.char.add(np.char.add(np.array(SURNAMES)[rng.integers(0, len(SURNAMES), n)],
                                       np.array(GIVEN)[rng.integers(0, len(GIVEN), n)]),
                           np.array(GIVEN + [""] * len(GIVEN))[rng.integers(0, 2 * len(GIVEN), n)])
        phone = np.char.add(rng.choice(["13", "15", "17", "18", "19"], n),
                            np.char.zfill(rng.integers(0, 10**9, n).astype(str), 9))
        kind = c["kind"]
        report, consultation = kind == "report", kind == "consultation"
        codes = self.place.codes.astype(object)
        resp, plat = c["respondent"], c["platform"]
        business = self.business
        cents = c["recovered"]
        money = np.where(cents > 0, np.char.add(np.char.add((cents // 100).astype(str), "."),
                                                np.char.zfill((cents % 100).astype(str), 2)), None).astype(object)
        fines = c["fines"]
        verdict = c["verdict"]
        ratings = c["ratings"].astype(np.int64)
        amount = c["amount"]
        issue = c["issue"]
        facts = np.where(report, "举报线索", [FACTS.get(x, "") for x in issue]).astype(object)
        purchase = np.where(consultation, None,
                            [p.days[d] - dt.timedelta(days=int(x)) for x in rng.integers(0, 30, n)]).astype(object)
        authority = self.place.authority[c["where"]]
        received = c["received"]
        empty = [""] * n
        return {
            "id": ids, "ticket": tickets, "kind": kind, "channel": c["channel"], "status": c["status"],
            "anonymous": anon, "complainant_name": np.where(anon, "", name).astype(object),
            "complainant_phone": np.where(anon, "", phone).astype(object), "complainant_email": empty,
            "complainant_address": empty, "complainant_region_id": codes[c["home"]], "joint_complainants": ["[]"] * n,
            "respondent_id": np.where(resp < 0, -1, business[np.maximum(resp, 0)]), "respondent_name": empty,
            "respondent_address": empty, "platform_id": np.where(plat < 0, -1, business[np.maximum(plat, 0)]),
            "conduct_address": empty, "conduct_region_id": np.where(report, codes[c["where"]], None).astype(object),
            "category": c["category"], "issue_type": issue, "violation_type": c["violation"], "request": empty,
            "facts": facts, "amount": np.round(amount, 2), "purchase_date": purchase, "order_number": empty,
            "received_at": received, "rule_set_id": np.full(n, rs.pk, dtype=np.int64), "authority_id": authority,
            "intake_authority_id": authority, "incomplete": np.zeros(n, dtype=bool), "missing_fields": ["[]"] * n,
            "language": ["zh-hans"] * n, "outcome": c["outcome"], "closed_at": c["closed"], "odr_lane": c["odr"],
            "amount_recovered": money, "remedy_in_kind": empty,
            "verdict_resolved": np.where(verdict < 0, None, verdict == 1).astype(object),
            "rating_handling": np.where(ratings[:, 0] == 0, -1, ratings[:, 0]),
            "rating_business": np.where(ratings[:, 1] == 0, -1, ratings[:, 1]),
            "fines": np.where(fines < 0, None, np.char.add((np.maximum(fines, 0) // 100).astype(str), ".00")).astype(object),
            "procedure": ["{}"] * n, "public_response": empty, "next_due": c["next_due"], "idempotency_hash": empty,
            "source": [SOURCE] * n, "external_id": [f"{p.year}-{p.seed}-{i}" for i in index.tolist()],
            "extra": ["{}"] * n, "created_at": received,
        }


LOADED_TABLES = ("cases_case", "cases_caseevent", "workflow_casedeadline")


def _drop_secondary_indexes(run_):
    """PostgreSQL: drop the non-unique indexes of the loaded tables, remembering them on the run (so even a
    resumed run rebuilds them). Unique indexes stay: they are what keeps tickets and clocks unique."""
    with connection.cursor() as cur:
        cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
                    "AND indexdef NOT LIKE 'CREATE UNIQUE %%'", [list(LOADED_TABLES)])
        found = cur.fetchall()
        known = {name for name, _ in run_.written.get("deferred_indexes", [])}
        deferred = run_.written.get("deferred_indexes", []) + [[n, d] for n, d in found if n not in known]
        run_.written = {**run_.written, "deferred_indexes": deferred}
        run_.save(update_fields=["written"])
        for name, _ in found:
            cur.execute(f'DROP INDEX IF EXISTS "{name}"')


def _rebuild_indexes(run_, progress=None):
    deferred = run_.written.get("deferred_indexes", [])
    started = time.monotonic()
    with connection.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '1GB'")
        cur.execute("SET max_parallel_maintenance_workers = 2")
        for name, definition in deferred:
            cur.execute(definition.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))
            if progress:
                progress(f"index {name} rebuilt")
        for table in LOADED_TABLES:
            cur.execute(f"ANALYZE {table}")
    w = {k: v for k, v in run_.written.items() if k != "deferred_indexes"}
    if deferred:
        w["index_seconds"] = round(w.get("index_seconds", 0) + time.monotonic() - started, 1)
    run_.written = w
    run_.save(update_fields=["written"])


def run(*, year, cases, seed, as_of=None, progress=None, defer_indexes=False, say=None):
    """Generate (or resume) a year. `progress(done_days, total_days, stats)` is called after each day.

    `defer_indexes` (PostgreSQL): drop the tables' non-unique indexes for the load and build them after,
    which is how a bulk load into a large table is done; they are rebuilt even if the load stops."""
    from .models import SynthRun

    now = timezone.now()
    if as_of is None:
        as_of = min(now, dt.datetime(year + 1, 4, 1, tzinfo=CST))  # a past year: its cases have finished
    place = places()
    pool_ = pool(place, cases, seed)
    run_, _created = SynthRun.objects.get_or_create(year=year, seed=seed, cases=cases, defaults={"as_of": as_of})
    writer = Writer(run_, place, pool_)
    first_day = (writer.plan.days[0] - dt.date(1970, 1, 1)).days
    last = min(len(writer.plan.days), local_day(int(run_.as_of.timestamp())) - first_day)  # days before as_of
    run_.days = len(writer.plan.days)
    run_.save(update_fields=["days"])
    started = time.monotonic()
    if not run_.business_ids:
        writer.businesses()
    days = list(range(run_.days_done, last))
    deferring = (defer_indexes or run_.written.get("deferred_indexes")) and connection.vendor == "postgresql"
    if deferring and days:
        _drop_secondary_indexes(run_)
    try:
        # One day ahead: while PostgreSQL loads day d, a worker thread generates day d+1 (numpy, pyarrow and
        # psycopg's COPY all release the GIL for most of their work).
        with ThreadPoolExecutor(1) as ahead:
            upcoming = ahead.submit(writer.prepare, days[0], writer.reserve(days[0])) if days else None
            for j, d in enumerate(days):
                prepared = upcoming.result()
                if j + 1 < len(days):
                    upcoming = ahead.submit(writer.prepare, days[j + 1], writer.reserve(days[j + 1]))
                writer.write(d, prepared)
                if progress:
                    progress(d + 1, len(writer.plan.days), run_.written, time.monotonic() - started)
    finally:
        if deferring:
            _rebuild_indexes(run_, say)
    run_.seconds = (run_.seconds or 0) + time.monotonic() - started
    if run_.days_done >= min(last, len(writer.plan.days)):
        run_.finished_at = timezone.now()
    run_.save(update_fields=["seconds", "finished_at"])
    return run_
