"""{{ event.article|cite:case.rule_set }} and {{ case.rule_set|regulation }} in the reader's language."""
from django import template

from ombud.rules import citations

register = template.Library()


@register.filter
def cite(reference, rule_set):
    """Short form: 《投诉举报处理办法》第十五条 / Measures Art. 15."""
    return citations.render(reference, rule_set, full=False)


@register.filter
def cite_full(reference, rule_set):
    """Full title: 《市场监督管理投诉举报处理办法》第十五条 / Art. 15 of the Measures for …."""
    return citations.render(reference, rule_set)


@register.filter
def regulation(rule_set):
    return citations.regulation(rule_set)
