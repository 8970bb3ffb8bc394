"""A public page per rule set: which regulation it is, when it applies, and where its text comes from."""
import datetime as dt
import re

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import get_language

from . import citations
from .models import RuleSet

_LABEL = re.compile(r"^(?P<code>[A-Z]\d{4})(?:v(?P<version>\d+))?$")


def rule_set(request, label):
    match = _LABEL.match(label)
    rs = match and RuleSet.objects.filter(code=match["code"], version=int(match["version"] or 1)).first()
    if not rs:
        raise Http404
    zh = (get_language() or "").lower().startswith("zh")
    main = (rs.regulations or {}).get("") or {}
    others = [citations.title(entry) for key, entry in sorted((rs.regulations or {}).items())
              if key and entry.get("kind") != "procedure"]
    return render(request, "rules/rule_set.html", {
        "rule_set": rs, "title": citations.regulation(rs),
        "last_day": rs.effective_until - dt.timedelta(days=1) if rs.effective_until else None,
        "original": main.get("title_zh") if not zh else "",
        "instrument": main.get("instrument_zh" if zh else "instrument_en") or rs.instrument,
        "source": main.get("source_zh" if zh else "source_en", ""), "others": others})
