import datetime as dt

from ombud.cases.tickets import display, luhn_digit, new_ticket, normalize


def test_luhn_matches_the_reference_examples():
    # The classic Luhn examples: 7992739871 -> 3, and a 16-digit test card number.
    assert luhn_digit("7992739871") == "3"
    assert luhn_digit("453201511283036") == "6"


def test_tickets_carry_the_year_and_validate():
    t = new_ticket(dt.datetime(2026, 11, 28))
    assert len(t) == 13 and t.startswith("26") and normalize(display(t)) == t


def test_a_misheard_digit_or_a_swap_is_caught():
    t = new_ticket(dt.datetime(2026, 1, 1))
    wrong = t[:5] + str((int(t[5]) + 1) % 10) + t[6:]
    assert normalize(wrong) is None
    i = next(i for i in range(2, 11) if t[i] != t[i + 1] and {t[i], t[i + 1]} != {"0", "9"})
    swapped = t[:i] + t[i + 1] + t[i] + t[i + 2:]
    assert normalize(swapped) is None
    assert normalize("12345") is None
