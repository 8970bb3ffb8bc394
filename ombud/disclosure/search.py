"""Full-text search of the open complaint database, the same on both databases.

Chinese has no spaces, so PostgreSQL's parsers and SQLite's FTS5 would each see a whole clause as one
word. jieba cuts the text into words before either sees it: a published complaint's `search` column holds
its account and the business's response as words separated by spaces (search-engine mode, which adds the
shorter words inside long ones), and a query is cut the same way. PostgreSQL then keeps
`to_tsvector('simple', search)` as a stored column with a GIN index (migration 0007) and SQLite an FTS5
table over the same column (migration 0004).
"""
import html
import logging
import re
import threading

from django.db import connection
from django.db.models.expressions import RawSQL

_WORD = re.compile(r"\w+")
_lock = threading.Lock()
_ready = False


def _jieba():
    global _ready
    import jieba

    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()  # loads the dictionary shipped in the package, once per process
                _ready = True
    return jieba


def words(text, *, for_search=True):
    """The words of `text`, lower-cased, punctuation and spaces dropped."""
    if not text:
        return []
    jb = _jieba()
    cut = jb.cut_for_search(text) if for_search else jb.cut(text)
    return [w.lower() for w in cut if _WORD.fullmatch(w)]


def index_text(*texts):
    return " ".join(w for t in texts for w in words(t))


def parse_terms(query):
    """`退款 -快递 "screen broken"` -> (words every hit has, words no hit has). A leading minus excludes."""
    must, must_not = [], []
    for item in (query or "").split():
        target = must_not if item.startswith("-") and len(item) > 1 else must
        target += [w for w in words(item.lstrip("-") if target is must_not else item, for_search=False)
                   if w not in target]
    return must[:20], must_not[:20]


def _quote_fts(w):
    return '"' + w.replace('"', '""') + '"'


def _quote_ts(w):
    return "'" + w.replace("'", "''").replace("\\", "\\\\") + "'"


def apply(qs, must, must_not):
    """`qs` of PublishedComplaint narrowed to the text query."""
    if not must and not must_not:
        return qs
    if connection.vendor == "postgresql":
        parts = [_quote_ts(w) for w in must] + ["!" + _quote_ts(w) for w in must_not]
        return qs.extra(where=["search_vector @@ to_tsquery('simple', %s)"],
                        params=[" & ".join(parts)])
    if must:
        qs = qs.filter(id__in=RawSQL("SELECT rowid FROM disclosure_search WHERE disclosure_search MATCH %s",
                                     [" ".join(_quote_fts(w) for w in must)]))
    if must_not:
        qs = qs.exclude(id__in=RawSQL("SELECT rowid FROM disclosure_search WHERE disclosure_search MATCH %s",
                                      [" OR ".join(_quote_fts(w) for w in must_not)]))
    return qs


def highlight(text, terms, *, width=60, most=3):
    """Up to `most` passages of `text` around the words searched for, HTML-escaped, each hit in <mark>.
    [] when no word occurs (then the caller shows the start of the text)."""
    if not text or not terms:
        return []
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.IGNORECASE)
    hits = [(m.start(), m.end()) for m in pattern.finditer(text)]
    if not hits:
        return []
    windows = []
    for start, end in hits:
        low, high = max(0, start - width), min(len(text), end + width)
        if windows and low <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], high)
        else:
            windows.append([low, high])
    out = []
    for low, high in windows[:most]:
        piece, at, parts = text[low:high], 0, []
        for m in pattern.finditer(piece):
            parts += [html.escape(piece[at:m.start()]), "<mark>", html.escape(m.group()), "</mark>"]
            at = m.end()
        parts.append(html.escape(piece[at:]))
        out.append(("…" if low else "") + "".join(parts) + ("…" if high < len(text) else ""))
    return out
