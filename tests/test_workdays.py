import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from ombud.workdays import selectors, services
from ombud.workdays.models import CalendarDay, HolidayArrangement
from ombud.workdays.selectors import (
    CALENDAR, WORKING, add_calendar_days, add_working_days, extend_for_pause, is_workday, missing_years,
)

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
D = dt.date


def at(y, m, d, hh=10, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=SH)


@pytest.fixture(autouse=True)
def _fresh_calendar():
    selectors.clear_cache()
    yield
    selectors.clear_cache()


# A made-up 2027 arrangement: 元旦 on Friday 1 January, and Saturday 2 January an
# adjusted working day (not the real notice, which is not published yet).
CSV_2027 = """date,kind,name
2027-01-01,holiday,元旦
2027-01-02,workday,元旦
2027-10-01,holiday,国庆节
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_package_days_as_the_example_needs_them():
    assert is_workday(D(2026, 10, 1)) == (False, False)
    assert is_workday(D(2026, 10, 10)) == (True, False)   # Saturday, adjusted working day
    assert is_workday(D(2026, 10, 11)) == (False, False)  # Sunday
    assert is_workday(D(2026, 9, 25)) == (False, False)   # 中秋
    assert selectors.year_calendar(2026).holidays[D(2026, 10, 1)] == "国庆节"


def test_design_example_seven_working_days_over_national_day():
    deadline = add_working_days(dt.datetime.fromisoformat("2026-09-25T16:00+08:00"), 7)
    # counted: 9-28, 9-29, 9-30, 10-08, 10-09, 10-10 (Saturday, 调休), 10-12
    assert deadline.last_day == D(2026, 10, 12)
    assert deadline.due == dt.datetime(2026, 10, 13, 0, 0, tzinfo=SH)
    assert deadline.provisional is False and deadline.unit == WORKING
    # the adjusted working day Saturday 10-10 is counted as the sixth
    assert add_working_days(at(2026, 9, 25, 16), 6).last_day == D(2026, 10, 10)


def test_start_day_not_counted_and_due_is_24_00_local():
    deadline = add_working_days(at(2026, 11, 2, 23, 59), 1)  # Monday, one minute before midnight
    assert deadline.last_day == D(2026, 11, 3)
    assert deadline.due == dt.datetime(2026, 11, 4, 0, 0, tzinfo=SH)
    assert deadline.due.utcoffset() == dt.timedelta(hours=8)
    # 16:30 UTC on Monday is already Tuesday in Shanghai: Tuesday is the uncounted start day
    utc = dt.datetime(2026, 11, 2, 16, 30, tzinfo=dt.timezone.utc)
    assert add_working_days(utc, 1).last_day == D(2026, 11, 4)
    assert add_calendar_days(at(2026, 11, 2), 1).last_day == D(2026, 11, 3)
    with pytest.raises(ValueError):
        add_working_days(dt.datetime(2026, 11, 2, 10), 1)  # naive


def test_calendar_day_period_ending_on_a_holiday_rolls_forward():
    plain = add_calendar_days(at(2026, 11, 2), 10)  # ends Thursday 11-12
    assert (plain.last_day, plain.nominal_last_day, plain.unit) == (D(2026, 11, 12), D(2026, 11, 12), CALENDAR)
    rolled = add_calendar_days(at(2026, 9, 16), 15)  # nominal last day 10-01, 国庆节
    assert rolled.nominal_last_day == D(2026, 10, 1)
    assert rolled.last_day == D(2026, 10, 8)
    assert rolled.due == dt.datetime(2026, 10, 9, tzinfo=SH)
    assert not rolled.provisional
    weekend = add_calendar_days(at(2026, 11, 2), 5)  # Saturday 11-07 -> Monday 11-09
    assert weekend.last_day == D(2026, 11, 9)


def test_unloaded_year_is_provisional_until_loaded(tmp_path):
    assert missing_years(2026, 2028) == [2027, 2028]
    assert is_workday(D(2027, 1, 1)) == (False, True)    # fixed-date 元旦
    assert is_workday(D(2027, 1, 2)) == (False, True)    # Saturday
    assert is_workday(D(2027, 10, 4)) == (True, True)    # 10-04 is not a fixed-date holiday
    before = add_working_days(at(2026, 12, 28), 7)
    # 12-29, 12-30, 12-31, (1-1 元旦), 1-4, 1-5, 1-6, 1-7
    assert before.last_day == D(2027, 1, 7) and before.provisional is True
    # counted days all inside 2026: final
    assert add_working_days(at(2026, 12, 28), 3).provisional is False

    call_command("calendar", "load", write(tmp_path, "2027.csv", CSV_2027))
    assert missing_years(2026, 2028) == [2028]
    after = add_working_days(at(2026, 12, 28), 7)
    # the made-up adjusted working day Saturday 2027-01-02 now counts
    assert after.last_day == D(2027, 1, 6) and after.provisional is False
    assert add_working_days(at(2026, 12, 28), 4).last_day == D(2027, 1, 2)
    assert is_workday(D(2027, 10, 4)) == (True, False)
    arrangement = HolidayArrangement.objects.get(year=2027)
    assert arrangement.official and arrangement.source == "2027.csv"
    assert arrangement.days.filter(kind="workday").get().date == D(2027, 1, 2)


def test_unofficial_arrangement_is_used_but_stays_provisional(tmp_path):
    call_command("calendar", "load", write(tmp_path, "draft.csv", CSV_2027), "--unofficial")
    deadline = add_working_days(at(2026, 12, 28), 7)
    assert deadline.last_day == D(2027, 1, 6) and deadline.provisional is True


def test_json_load_and_hook_after_commit(tmp_path, monkeypatch, django_capture_on_commit_callbacks):
    calls = []
    monkeypatch.setattr(services, "on_year_loaded", calls.append)
    body = {"year": 2027, "source": "国办发明电〔2026〕（测试）",
            "holidays": [{"date": "2027-01-01", "name": "元旦"}],
            "workdays": [{"date": "2027-01-02", "name": "元旦"}]}
    with django_capture_on_commit_callbacks(execute=True):
        call_command("calendar", "load", write(tmp_path, "2027.json", json.dumps(body, ensure_ascii=False)))
    assert calls == [2027]
    assert HolidayArrangement.objects.get(year=2027).source == body["source"]
    assert add_working_days(at(2026, 12, 28), 7).last_day == D(2027, 1, 6)


def test_reloading_a_year_replaces_its_days(tmp_path):
    call_command("calendar", "load", write(tmp_path, "a.csv", CSV_2027))
    call_command("calendar", "load", write(tmp_path, "b.csv", "date,kind,name\n2027-01-01,holiday,元旦\n"))
    assert list(CalendarDay.objects.values_list("date", flat=True)) == [D(2027, 1, 1)]
    assert is_workday(D(2027, 1, 2)) == (False, False)


@pytest.mark.parametrize("text,message", [
    ("date,kind,name\n2027-01-01,holiday,元旦\n2027-02-30,holiday,春节\n", "line 3: bad date '2027-02-30'"),
    ("date,kind,name\n2027-01-01,holiday,元旦\n2026-12-31,holiday,元旦\n", "line 3: 2026-12-31 is not in 2027"),
    ("date,kind,name\n2027-01-01,holiday,元旦\n2027-01-02,holday,元旦\n", "line 3: unknown kind 'holday'"),
    ("date,kind,name\n2027-01-01,holiday,元旦\n2027-01-04,workday,元旦\n", "line 3: workday 2027-01-04 is a Monday"),
    ("date,kind,name\n2027-01-01,holiday,元旦\n2027-01-02,holiday,元旦\n2027-01-01,holiday,元旦\n",
     "line 4: 2027-01-01 is listed twice (first at line 2)"),
    ("day,type\n2027-01-01,holiday\n", "line 1: expected the header date,kind,name"),
    ('{"year": 2027, "holidays": [{"date": "2027-01-01"}], "workdays": [{"date": "2027-01-05"}]}',
     "workdays[0] ('2027-01-05'): workday 2027-01-05 is a Tuesday"),
    ('{"year": 2027, "holidays": [{"date": "2028-01-01"}]}', "holidays[0] ('2028-01-01'): 2028-01-01 is not in 2027"),
    ('{"year": 2027,\n "holidays": [}', "line 2: not valid JSON"),
])
def test_load_errors_name_the_line_and_write_nothing(tmp_path, text, message):
    path = write(tmp_path, "bad.json" if text.startswith("{") else "bad.csv", text)
    with pytest.raises(CommandError) as info:
        call_command("calendar", "load", path)
    assert message in str(info.value)
    assert "nothing loaded" in str(info.value)
    assert not HolidayArrangement.objects.exists() and not CalendarDay.objects.exists()


def test_all_errors_are_reported_at_once(tmp_path):
    text = "date,kind,name\n2027-01-01,holiday,元旦\nxx,holiday,\n2027-01-05,workday,\n"
    with pytest.raises(CommandError) as info:
        call_command("calendar", "load", write(tmp_path, "bad.csv", text))
    assert "line 3" in str(info.value) and "line 4" in str(info.value)


def test_admin_table_overrides_the_package(admin_client):
    assert add_working_days(at(2026, 9, 25, 16), 7).last_day == D(2026, 10, 12)
    call_command("calendar", "copy", "2026")
    arrangement = HolidayArrangement.objects.get(year=2026)
    package = selectors._package_year(2026)
    assert arrangement.days.filter(kind="holiday").count() == len(package.holidays) == 33
    assert arrangement.days.filter(kind="workday").count() == len(package.workdays) == 6
    assert add_working_days(at(2026, 9, 25, 16), 7).last_day == D(2026, 10, 12)  # same days, now from the table
    assert selectors.year_calendar(2026).origin == "table"
    # an administrator marks Monday 9-28 as an extra holiday in the admin
    response = admin_client.post("/admin/workdays/calendarday/add/", {
        "date": "2026-09-28", "kind": "holiday", "name": "测试", "arrangement": arrangement.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert is_workday(D(2026, 9, 28)) == (False, False)
    assert add_working_days(at(2026, 9, 25, 16), 7).last_day == D(2026, 10, 13)


def test_admin_rejects_a_weekday_workday(admin_client):
    arrangement = HolidayArrangement.objects.create(year=2026)
    response = admin_client.post("/admin/workdays/calendarday/add/", {
        "date": "2026-09-29", "kind": "workday", "name": "", "arrangement": arrangement.pk})
    assert response.status_code == 200 and not CalendarDay.objects.exists()


def test_pause_adds_working_days_back():
    deadline = add_working_days(at(2026, 9, 25, 16), 7)  # last day 10-12
    # paused Monday 11-02 10:00, resumed Wednesday 11-04 15:00: Tuesday and Wednesday lost
    extended = extend_for_pause(deadline, at(2026, 11, 2, 10), at(2026, 11, 4, 15))
    assert extended.last_day == D(2026, 10, 14) and extended.unit == WORKING
    assert extended.due == dt.datetime(2026, 10, 15, tzinfo=SH)
    # a pause over National Day loses only the working days in it: 10-08 and 10-09
    over_holiday = extend_for_pause(deadline, at(2026, 9, 30), at(2026, 10, 9))
    assert over_holiday.last_day == D(2026, 10, 14)
    assert extend_for_pause(deadline, at(2026, 11, 2, 9), at(2026, 11, 2, 17)) == deadline  # same day


def test_pause_adds_calendar_days_back():
    deadline = add_calendar_days(at(2026, 9, 16), 15)  # nominal 10-01, rolled to 10-08
    extended = extend_for_pause(deadline, at(2026, 9, 20), at(2026, 9, 25))  # 5 calendar days
    assert extended.nominal_last_day == D(2026, 10, 6) and extended.last_day == D(2026, 10, 8)
    extended = extend_for_pause(deadline, at(2026, 9, 20), at(2026, 9, 30))  # 10 days: 10-11 Sunday
    assert extended.nominal_last_day == D(2026, 10, 11) and extended.last_day == D(2026, 10, 12)
    # a pause that pushes into an unloaded year makes the deadline provisional
    late = extend_for_pause(add_working_days(at(2026, 12, 21), 5), at(2026, 12, 22), at(2026, 12, 28))
    assert late.last_day.year == 2027 and late.provisional


def test_show_command(tmp_path, capsys):
    call_command("calendar", "show", "2026")
    out = capsys.readouterr().out
    assert "chinese-calendar package" in out and "2026-10-10 Sat  国庆节" in out
    call_command("calendar", "show", "2027")
    assert "NOT LOADED" in capsys.readouterr().out
    call_command("calendar", "load", write(tmp_path, "2027.csv", CSV_2027))
    call_command("calendar", "show", "2027")
    out = capsys.readouterr().out
    assert "calendar table" in out and "2027-01-02 Sat  元旦" in out


def test_lookups_are_cached(django_assert_num_queries):
    add_working_days(at(2026, 9, 25), 7)
    with django_assert_num_queries(0):
        for day in range(1, 300):
            add_working_days(at(2026, 1, 1) + dt.timedelta(days=day), 45)
            add_calendar_days(at(2026, 1, 1) + dt.timedelta(days=day), 60)
