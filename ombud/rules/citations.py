"""Stored article references ("R2026 Art. 16(6)", "R2022 Procedure Rules Art. 18") in the reader's language.

The titles come from the rule set's `regulations` (data an administrator edits, versioned with the rule set):
the key "" is the rule set's own regulation, other keys are the prefixes used in references. An entry with
"kind": "procedure" is not a regulation (the authority's own procedure, an ODR commitment): it renders as
its label. "item_articles" lists the articles made of one paragraph of items, where "(5)" is an item (项)
and not a paragraph (款).
"""
import re

from django.utils.translation import get_language

_DIGITS = "零一二三四五六七八九"
_RULE_SET = re.compile(r"^[A-Z]\d{4}(?:v\d+)?\s+")
_ARTICLE = re.compile(r"^Art\.\s*(\d+)((?:\(\d+\))*)$")


def zh_numeral(n):
    """Chinese numeral for 0 ≤ n < 10000: 十, 十一, 二十一, 一百零一, 一千零一十."""
    if not 0 <= n < 10000:
        raise ValueError(f"{n} is out of range")
    if n == 0:
        return _DIGITS[0]
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit == 0:
            zero = bool(out)  # a gap inside the number is read as one 零
            continue
        if zero:
            out += _DIGITS[0]
            zero = False
        # 10–19 read 十, 十一; inside a bigger number the one is said: 一百一十
        out += ("" if digit == 1 and unit == "十" and not out else _DIGITS[digit]) + unit
    return out


def _zh(lang):
    return (lang or get_language() or "").lower().startswith("zh")


def parse(reference, rule_set=None):
    """(regulation key, entry, article number, [sub-numbers]) or None when the reference cannot be read."""
    rest = _RULE_SET.sub("", (reference or "").strip(), count=1)
    regulations = getattr(rule_set, "regulations", None) or {}
    key = max((k for k in regulations if k and rest.startswith(k)), key=len, default="")
    rest = rest[len(key):].strip()
    entry = regulations.get(key)
    if entry is None and not key and getattr(rule_set, "title", ""):
        entry = {"title_zh": rule_set.title}  # a rule set without titles still reads right in Chinese
    if not rest:
        return (key, entry, None, []) if key else None
    match = _ARTICLE.match(rest)
    if match is None:
        return None
    return key, entry, int(match.group(1)), [int(p) for p in re.findall(r"\d+", match.group(2))]


def title(entry, lang=None, *, full=True):
    if not entry:
        return ""
    zh = _zh(lang)
    name = entry.get("title_zh" if zh else "title_en") if full else (
        entry.get("short_zh" if zh else "short_en") or entry.get("title_zh" if zh else "title_en"))
    if entry.get("kind") == "procedure":
        return name or ""
    return f"《{name}》" if zh and name else (name or "")


def render(reference, rule_set=None, lang=None, *, full=True):
    """The reference as a reader of `lang` (default: the active language) expects it.

    zh: 《市场监督管理投诉举报处理办法》第十六条第（六）项; en: "Art. 16(6) of the Measures for …", or with
    full=False "Measures Art. 16(6)". An unreadable reference, or one whose regulation has no title, is
    returned as stored so that nothing is lost.
    """
    parsed = parse(reference, rule_set)
    if parsed is None:
        return reference or ""
    key, entry, number, parts = parsed
    name = title(entry, lang, full=full)
    if not name:
        return reference
    if number is None:
        return name
    if not _zh(lang):
        article = f"Art. {number}" + "".join(f"({p})" for p in parts)
        return f"{article} of the {name}" if full else f"{name} {article}"
    text = f"{name}第{zh_numeral(number)}条"
    items_only = str(number) in {str(a) for a in (entry.get("item_articles") or [])}
    if items_only and parts:
        parts = [None, *parts]  # one paragraph: the first number is an item
    if parts and parts[0] is not None:
        text += f"第{zh_numeral(parts[0])}款"
    if len(parts) > 1:
        text += f"第（{zh_numeral(parts[1])}）项"
    return text


def regulation(rule_set, lang=None, *, full=True):
    """The rule set's own regulation by its title, e.g. 《市场监督管理投诉举报处理办法》."""
    if rule_set is None:
        return ""
    entry = (rule_set.regulations or {}).get("") or {"title_zh": rule_set.title, "title_en": rule_set.title}
    return title(entry, lang, full=full)


def zh_date(day):
    """2027年2月1日 (official documents do not pad the month and day)."""
    return f"{day.year}年{day.month}月{day.day}日"
