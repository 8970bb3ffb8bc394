"""Ticket numbers: 13 digits, easy to read over the phone, with a Luhn check digit.

Two digits of the year, ten random digits, one check digit: 2612-3456-78901.
The check digit catches a misheard digit or two swapped neighbours.
"""
import re
import secrets
from datetime import datetime

_DIGITS = re.compile(r"\d")
_DOUBLED = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9]  # Luhn: the digit sum of 2*d


def luhn_digit(body):
    total = 0
    double = True  # the rightmost digit of the body is doubled
    for ch in reversed(body):
        d = ord(ch) - 48
        total += _DOUBLED[d] if double else d
        double = not double
    return chr(48 + (10 - total % 10) % 10)


def new_ticket(when: datetime):
    body = f"{when.year % 100:02d}{secrets.randbelow(10**10):010d}"
    return body + luhn_digit(body)


def normalize(text):
    """Accept '2612-3456-78901', spaces or none; None if it cannot be a ticket.

    Any script's decimal digits count as the same digits (full-width ２６１２… as typed with a Chinese
    input method): each is read as its value, so the check digit never sees anything but 0-9."""
    digits = "".join(str(int(ch)) for ch in _DIGITS.findall(text or ""))
    if len(digits) != 13 or luhn_digit(digits[:12]) != digits[12]:
        return None
    return digits


def display(ticket):
    return f"{ticket[:4]}-{ticket[4:8]}-{ticket[8:]}"
