"""What a generated national year is calibrated to, and where each number comes from.

Published figures (DESIGN.md, first table) are targets the generator hits exactly at scale 1;
the rest are stated assumptions, marked as such, that give the year a realistic shape. Every
number here is data: `ombud synth` reads it, `docs/calibration.md` explains it, and
tests/test_synth.py holds a 1:1000 year to it within the tolerances below.
"""
from decimal import Decimal

# -- Published totals (DESIGN.md; SAMR news releases on the 12315 platform) -------------------------
YEARS = {
    2023: {
        "total": 35_343_000,  # complaints + reports + consultations accepted, +20.2 % on 2022
        "recovered": Decimal("4490000000.00"),  # ¥4.49 bn recovered for consumers
        "online": 12_610_000,  # online shopping cases
    },
    2022: {
        "total": 29_410_000,
        "complaints": 13_100_000,
        "reports": 4_720_000,
        # Not published in DESIGN.md: assumed so that 2023's +20.2 % and the per-case amounts hold.
        "recovered": Decimal("3800000000.00"),
        "online": 10_300_000,
    },
}
# The 2022 split is the guide for every year (DESIGN.md: "the split between kinds, with the 2022 ratios").
KIND_SHARES = {
    "complaint": 13_100_000 / 29_410_000,
    "report": 4_720_000 / 29_410_000,
    "consultation": (29_410_000 - 13_100_000 - 4_720_000) / 29_410_000,
}

# -- Issue types: China Consumers Association, share of complaints (Q1 2025, DESIGN.md) ---------------
# SAMR says after-sales service was 2023's top issue; the CCA table has contract 0.5 points ahead. The
# two are reconciled by swapping those two shares for 2023 (a 0.5-point move, inside the tolerance).
CCA_ISSUE_SHARES = {
    "contract": 26.6, "after_sales": 26.1, "quality": 19.7, "false_advertising": 7.3, "safety": 5.8,
    "price": 4.2, "counterfeit": 3.5, "personal_rights": 1.1, "measurement": 0.9, "other": 5.0,
}
AFTER_SALES_GROWTH_2023 = 0.615  # DESIGN.md: after-sales issues +61.5 % in 2023


def issue_shares(year):
    """Share (summing to 1) of each issue type among complaints in `year`."""
    shares = dict(CCA_ISSUE_SHARES)
    shares["contract"], shares["after_sales"] = CCA_ISSUE_SHARES["after_sales"], CCA_ISSUE_SHARES["contract"]
    if year <= 2022:
        # 2022's after-sales count is 2023's divided by 1.615; the other issues fill the rest pro rata.
        ratio = YEARS[2023]["total"] / YEARS[2022]["total"]
        after = shares["after_sales"] * ratio / (1 + AFTER_SALES_GROWTH_2023)
        rest = 100 - shares["after_sales"]
        shares = {k: (after if k == "after_sales" else v * (100 - after) / rest) for k, v in shares.items()}
    total = sum(shares.values())
    return {k: v / total for k, v in shares.items()}


# -- Assumptions (not published; plausible shapes, stated so that they can be argued with) ----------
# Goods and services categories (weights; the taxonomy's codes).
CATEGORY_WEIGHTS = {
    "household_electronics": 7.5, "clothing_footwear": 6.0, "daily_goods": 6.5, "food": 7.0, "transport": 5.0,
    "communication": 6.0, "computers": 2.5, "medicine_devices": 2.0, "cosmetics": 3.0, "building_materials": 1.5,
    "agricultural_inputs": 0.5, "other_goods": 4.5,
    "internet": 6.0, "life_social": 9.0, "education": 3.5, "sales": 3.0, "culture_sports": 2.5, "finance": 1.5,
    "insurance": 0.8, "telecom": 2.2, "tourism": 2.0, "catering_accommodation": 4.0, "postal_express": 2.5,
    "real_estate": 2.0, "home_decoration": 1.8, "utilities": 1.2, "prepaid": 3.0, "other_services": 2.5,
}
# Categories bought online more often than offline (the online flag leans on them).
ONLINE_LEANING = {"household_electronics": 2.0, "clothing_footwear": 2.5, "daily_goods": 2.0, "cosmetics": 2.5,
                  "communication": 2.0, "computers": 2.0, "food": 1.3, "internet": 2.5, "other_goods": 1.5}
VIOLATION_WEIGHTS = {"price": 12, "consumer_rights": 30, "advertising": 14, "unlicensed": 10,
                     "unfair_competition": 6, "product_quality": 12, "food_safety": 11, "other": 5}
CHANNEL_SHARES = {"app": 0.46, "web": 0.22, "hotline": 0.28, "letter": 0.01, "walk_in": 0.03}

# Population of each province (7th national census, 2020, communiqué no. 3; 10,000 persons). Cases are
# spread over provinces in proportion; within a province a district weighs more than a county.
PROVINCE_POPULATION = {
    "11": 2189.31, "12": 1386.60, "13": 7461.02, "14": 3491.56, "15": 2404.92, "21": 4259.14, "22": 2407.35,
    "23": 3185.01, "31": 2487.09, "32": 8474.80, "33": 6456.76, "34": 6102.72, "35": 4154.01, "36": 4518.86,
    "37": 10152.75, "41": 9936.55, "42": 5775.26, "43": 6644.49, "44": 12601.25, "45": 5012.68, "46": 1008.12,
    "50": 3205.42, "51": 8367.49, "52": 3856.21, "53": 4720.93, "54": 364.81, "61": 3952.90, "62": 2501.98,
    "63": 592.40, "64": 720.27, "65": 2585.23,
}
# Urban districts draw more complaints per head than counties (an assumption).
COUNTY_KIND_WEIGHT = {"区": 1.6, "市": 1.1, "县": 0.7, "旗": 0.6}
# E-commerce hubs: where online sellers are registered, as a multiple of their population share.
HUBS = {"3301": 6.0, "4403": 5.0, "4401": 4.0, "11": 3.0, "31": 3.0, "3307": 3.0, "4419": 3.0}
# Fictional platforms (a few draw a large share of online cases): name, county of registration, weight.
PLATFORMS = [
    ("星河网购平台", "330110", 30), ("京华商城", "110115", 18), ("拼享购", "310105", 14), ("抖乐直播电商", "110108", 9),
    ("美家外卖平台", "110105", 8), ("鹏城优选", "440305", 5), ("唯尚特卖", "440105", 4), ("苏宁易家", "320102", 3),
    ("快闪直播", "110108", 2), ("闲转二手平台", "330106", 2), ("云上生鲜", "310115", 1.5), ("蜂鸟旅行网", "310105", 1.5),
    ("小象团购", "110105", 1), ("织梦服饰平台", "330782", 1), ("楚天商城", "420106", 0.8), ("蓉城到家", "510107", 0.7),
]
PLATFORM_SHARE_OF_ONLINE = 0.55  # online cases whose respondent is the platform itself (the rest: its merchants)
CASES_PER_BUSINESS = 14  # the respondent pool: one business per this many cases, Zipf-distributed
ZIPF_EXPONENT = 1.25  # within a county, the k-th business draws ∝ k^-s
ODR_ENROLLED_SHARE = 0.02  # of businesses (platforms are all enrolled)

# Seasonality: multipliers on the daily rate.
WEEKDAY = [1.10, 1.07, 1.04, 1.02, 0.99, 0.86, 0.82]  # Monday first
EVENTS = [
    # (month, day, days, multipliers from that day on) — 15 March, after 618, after Double 11
    (3, 14, 3, [1.35, 2.1, 1.4]),
    (6, 19, 10, [1.45, 1.6, 1.55, 1.45, 1.35, 1.28, 1.2, 1.15, 1.1, 1.05]),
    (11, 12, 14, [1.5, 1.75, 1.8, 1.7, 1.6, 1.5, 1.42, 1.35, 1.28, 1.22, 1.16, 1.12, 1.08, 1.04]),
]
SPRING_FESTIVAL_DIP = 0.45  # on the Spring Festival holiday days
YEAR_RAMP = (0.92, 1.08)  # growth within the year: 1 January → 31 December
HOURS = [0.3, 0.15, 0.1, 0.1, 0.1, 0.2, 0.5, 1.5, 4.0, 7.5, 8.5, 8.0, 6.0, 6.5, 8.0, 8.0, 7.5, 6.5, 4.5, 4.0, 3.8,
         3.2, 2.0, 1.0]  # receipts per hour of day, local time

# Outcomes (complaints).
ODR_LANE_SHARE = 0.07  # of complaints, sent straight to the enrolled business
ODR_SETTLED_SHARE = 0.78
ODR_ESCALATED_SHARE = 0.6  # of failed ODR cases
REFUSED_SHARE = 0.09
WITHDRAWN_EARLY_SHARE = 0.03
TERMINATED_AT_ACCEPTANCE = 0.04
AGREED_SHARE = 0.64  # of mediations
WITHDRAWN_IN_MEDIATION = 0.03
ACCEPTED_LATE_SHARE = 0.025  # acceptance decided after the 7 working days
MEDIATION_MEDIAN_DAYS = 11
MEDIATION_OVERRUN_SHARE = 0.03
SERVED_LATE_SHARE = 0.02
RATED_SHARE = 0.58  # of finished complaints the consumer rates (the rest: unrated, never "satisfied")
RESOLVED_GIVEN = {"agreement": 0.9, "presettled": 0.92, "terminated": 0.15, "refused": 0.08, "withdrawn": 0.6}
# Ratings 1..5 given resolved / not; the mean rises through the year (satisfaction improving).
RATING_RESOLVED = [0.02, 0.03, 0.10, 0.30, 0.55]
RATING_UNRESOLVED = [0.35, 0.25, 0.22, 0.12, 0.06]
RATING_DRIFT = 0.3  # share of the 1–2 ratings' probability that has moved to 5 by 31 December
AMOUNT_SIGMA = 1.35  # log-normal spread of the amount recovered per case (long tail)

# Reports.
ANONYMOUS_REPORT_SHARE = 0.3
FILED_SHARE = 0.22
PENALIZED_SHARE = 0.8  # of filed cases decided by the snapshot
# Consultations are answered within 0–2 days.

# What a generated year must reproduce (tests/test_synth.py). The split between kinds and the money are
# exact by construction; shares drawn case by case (issues, online, provinces) must lie within four
# standard errors of a multinomial share at the sample's size: at 1:1000 that is ±1.4 points for a 26 %
# issue among 15,700 complaints, and ±0.01 points at full scale.
def tolerance(share, n):
    return 4 * (share * (1 - share) / n) ** 0.5
