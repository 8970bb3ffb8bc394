"""The first version of each registry's rules (the data migration loads them; administrators add versions)."""
import datetime as dt

RULES = [
    {
        "registry": "assured", "version": 1, "effective_from": dt.date(2000, 1, 1),
        "title_zh": "放心消费承诺单位规则", "title_en": "Rules for assured consumption units",
        "text_zh": "承诺单位向社会公开承诺：商品和服务质量合格，明码标价，诚信经营，及时处理消费者的合理诉求。"
                   "承诺内容、除外商品和门店予以公示。针对承诺单位的投诉经核实违反承诺的，予以公示并计入承诺记录；"
                   "一定期间内累计达到规定次数的，撤销其承诺单位资格。",
        "text_en": "A unit pledges publicly that its goods and services are of proper quality, that its prices are "
                   "marked and its dealings honest, and that it deals promptly with consumers' reasonable claims. The "
                   "pledge, the goods excluded and the shops are published. A complaint against the unit found to "
                   "breach the pledge is published and counted against it; enough of them within the period shown "
                   "revoke the unit's listing.",
        "days_required": False, "day_options": [], "min_days": 1, "max_days": 90,
        "breach_issue_types": ["after_sales", "quality", "false_advertising", "price"],
        "breach_shown_days": 365, "revoke_after": 3,
    },
    {
        "registry": "returns", "version": 1, "effective_from": dt.date(2000, 1, 1),
        "title_zh": "线下无理由退货承诺规则", "title_en": "Rules for offline no-reason return pledges",
        "text_zh": "承诺店对消费者在店内购买的商品（除外商品除外），自购买之日起在承诺天数内，商品完好的，"
                   "无需说明理由即予退货；以购物凭证为据，按原支付方式退款。针对承诺店退货问题的投诉经核实违反承诺的，"
                   "予以公示并计入承诺记录；一定期间内累计达到规定次数的，撤销其承诺店资格。",
        "text_en": "A pledged shop takes back goods bought in it, other than the goods excluded, within the number "
                   "of days pledged from the day of purchase, without the consumer giving a reason, provided the "
                   "goods are in good condition; the receipt is the proof of purchase, and the refund goes back the "
                   "way the payment came. A complaint about returns found to breach the pledge is published and "
                   "counted against the shop; enough of them within the period shown revoke its listing.",
        "days_required": True, "day_options": [7, 15, 30], "min_days": 1, "max_days": 90,
        "breach_issue_types": ["after_sales"],
        "breach_shown_days": 365, "revoke_after": 3,
    },
]
