"""Unified social credit code (统一社会信用代码), GB 32100-2015."""

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
WEIGHTS = [pow(3, i, 31) for i in range(17)]
_VALUE = {c: i for i, c in enumerate(ALPHABET)}


class USCCError(ValueError):
    pass


def check_character(body17):
    total = sum(_VALUE[c] * w for c, w in zip(body17, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def normalize(code):
    return (code or "").strip().upper()


def validate(code):
    """Return the normalised code, or raise USCCError saying what is wrong."""
    code = normalize(code)
    if len(code) != 18:
        raise USCCError(f"a USCC has 18 characters; this one has {len(code)}")
    for pos, c in enumerate(code, start=1):
        if c not in _VALUE:
            raise USCCError(f"character {pos} ({c!r}) is not allowed in a USCC (I, O, S, V and Z never appear)")
    expected = check_character(code[:17])
    if code[17] != expected:
        raise USCCError(f"check character is {code[17]!r}; GB 32100 expects {expected!r} for the first 17")
    return code


def make(body17):
    """Complete a 17-character body with its check character (demo data and tests)."""
    return body17 + check_character(body17)
