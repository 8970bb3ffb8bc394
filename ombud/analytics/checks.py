"""Consistency checks that any case history must pass, whether the services or `ombud synth` wrote it.

Each check is one query counting the cases that break a rule; `run()` returns {check: count}.
tests/test_synth.py runs them over cases walked through the services and over a generated year.
"""
from django.db import connection

FINISHED = "('closed', 'refused', 'withdrawn')"
CHECKS = {
    # intake writes exactly one "received" event, at the moment of receipt
    "one_received_event": """
        SELECT COUNT(*) FROM cases_case c WHERE (SELECT COUNT(*) FROM cases_caseevent e
            WHERE e.case_id = c.id AND e.action = 'received') <> 1""",
    "no_event_before_receipt": """
        SELECT COUNT(DISTINCT e.case_id) FROM cases_caseevent e JOIN cases_case c ON c.id = e.case_id
        WHERE e.at < c.received_at""",
    # the status is where the last status-changing event left it
    "status_follows_events": """
        SELECT COUNT(*) FROM cases_case c WHERE c.status <> (
            SELECT e.to_status FROM cases_caseevent e WHERE e.case_id = c.id AND e.to_status <> ''
            ORDER BY e.at DESC, e.id DESC LIMIT 1)""",
    "closed_at_iff_finished": f"""
        SELECT COUNT(*) FROM cases_case WHERE (closed_at IS NOT NULL) <> (status IN {FINISHED})""",
    "recovered_only_on_agreement": """
        SELECT COUNT(*) FROM cases_case WHERE amount_recovered IS NOT NULL
            AND outcome NOT IN ('agreement', 'presettled')""",
    "verdict_only_when_finished": f"""
        SELECT COUNT(*) FROM cases_case WHERE verdict_resolved IS NOT NULL AND status NOT IN {FINISHED}""",
    "ratings_in_range": """
        SELECT COUNT(*) FROM cases_case WHERE rating_handling NOT BETWEEN 1 AND 5
            OR rating_business NOT BETWEEN 1 AND 5""",
    "clock_met_after_start": """
        SELECT COUNT(*) FROM workflow_casedeadline WHERE met_at < started_at OR due <= started_at""",
    "open_clock_means_open_case": f"""
        SELECT COUNT(DISTINCT d.case_id) FROM workflow_casedeadline d JOIN cases_case c ON c.id = d.case_id
        WHERE d.met_at IS NULL AND d.step IN ('acceptance', 'mediation', 'odr') AND c.status IN {FINISHED}""",
    "complaint_outcome_matches_status": """
        SELECT COUNT(*) FROM cases_case WHERE kind = 'complaint' AND (
            (status = 'refused' AND outcome <> 'refused') OR (status = 'withdrawn' AND outcome <> 'withdrawn')
            OR (status = 'agreed' AND outcome <> 'agreement') OR (status = 'terminated' AND outcome <> 'terminated')
            OR (status = 'closed' AND outcome NOT IN ('agreement', 'terminated', 'presettled')))""",
    "respondent_exists": """
        SELECT COUNT(*) FROM cases_case c WHERE c.respondent_id IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM businesses_business b WHERE b.id = c.respondent_id)""",
    "events_point_at_cases": """
        SELECT COUNT(*) FROM cases_caseevent e WHERE NOT EXISTS (SELECT 1 FROM cases_case c WHERE c.id = e.case_id)""",
}


def run(only_source=None):
    """{check: number of cases breaking it}; `only_source` limits the case-level checks to one source."""
    out = {}
    with connection.cursor() as cur:
        for name, sql in CHECKS.items():
            if only_source is not None and "FROM cases_case" in sql and "cases_case c" not in sql:
                sql = sql.replace("FROM cases_case WHERE", "FROM cases_case WHERE source = %s AND")
                cur.execute(sql, [only_source])
            else:
                cur.execute(sql)
            out[name] = cur.fetchone()[0]
    return out
