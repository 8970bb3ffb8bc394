"""The intake workload shared by bench/intake.py and bench/profile_intake.py.

A pool of ~200 respondents across five provinces (some with a valid USCC built with
ombud.businesses.uscc.make, some name + address only) and complaint bodies in Chinese
built on them. Everything is seeded, so two runs send the same bodies.
"""
import json
import random

from ombud.businesses.uscc import ALPHABET, make

# (province, prefecture, [(county code, county name)])
PLACES = [
    ("上海市", "", [("310101", "黄浦区"), ("310104", "徐汇区"), ("310105", "长宁区"), ("310106", "静安区"),
                  ("310107", "普陀区"), ("310109", "虹口区"), ("310110", "杨浦区"), ("310112", "闵行区")]),
    ("广东省", "广州市", [("440103", "荔湾区"), ("440104", "越秀区"), ("440105", "海珠区"), ("440106", "天河区"),
                     ("440111", "白云区"), ("440112", "黄埔区"), ("440113", "番禺区"), ("440114", "花都区")]),
    ("浙江省", "杭州市", [("330102", "上城区"), ("330105", "拱墅区"), ("330106", "西湖区"), ("330108", "滨江区"),
                     ("330109", "萧山区"), ("330110", "余杭区"), ("330111", "富阳区"), ("330112", "临安区")]),
    ("北京市", "", [("110101", "东城区"), ("110102", "西城区"), ("110105", "朝阳区"), ("110106", "丰台区"),
                  ("110107", "石景山区"), ("110108", "海淀区"), ("110109", "门头沟区"), ("110111", "房山区")]),
    ("四川省", "成都市", [("510104", "锦江区"), ("510105", "青羊区"), ("510106", "金牛区"), ("510107", "武侯区"),
                     ("510108", "成华区"), ("510112", "龙泉驿区"), ("510113", "青白江区"), ("510114", "新都区")]),
]
ROADS = ["人民路", "解放路", "中山路", "建设路", "和平路", "文化路", "新华路", "长江路", "黄河路", "科技路"]
WORDS = ["鸿运", "万家", "新世纪", "金鼎", "华美", "东方", "嘉禾", "瑞丰", "恒信", "旭日", "百川", "天和"]
TRADES = [("家电销售", "household_electronics"), ("服装", "clothing_footwear"), ("食品", "food"),
          ("健身服务", "culture_sports"), ("通信器材", "communication"), ("装饰工程", "home_decoration"),
          ("化妆品", "cosmetics"), ("教育咨询", "education"), ("旅行社", "tourism"), ("电脑", "computers")]
ISSUES = ["quality", "after_sales", "contract", "price", "false_advertising", "safety"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "建国"]
FACTS = [
    "购买的商品使用三天后出现故障，联系商家要求退货，商家以已拆封为由拒绝处理。",
    "办理预付卡后商家突然停业，余额无法使用，多次联系无人答复。",
    "网购商品与页面宣传严重不符，商家拒绝退款并删除了我的评价。",
    "合同约定的服务内容未履行，商家要求另行加价才肯继续提供服务。",
    "商品存在安全隐患，充电时发热冒烟，要求赔偿并召回同批次产品。",
    "维修后同一问题再次出现，商家推诿不予保修，已超过约定的处理期限。",
]
REQUESTS = ["退货并退款", "赔偿损失", "继续履行合同", "更换同型号商品", "退还预付款余额"]


def _address(rng, province, prefecture, county):
    return f"{province}{prefecture}{county}{rng.choice(ROADS)}{rng.randint(1, 999)}号"


def respondents(n=200, seed=7):
    rng = random.Random(seed)
    pool = []
    for i in range(n):
        province, prefecture, counties = PLACES[i % len(PLACES)]
        code, county = rng.choice(counties)
        trade, category = TRADES[i % len(TRADES)]
        city = (prefecture or province)[:2]
        body = {"name": f"{city}{rng.choice(WORDS)}{trade}有限公司第{i}分公司",
                "address": _address(rng, province, prefecture, county)}
        if i % 2 == 0:  # half carry a valid USCC: 91 + county code + 9-character organisation code
            body["uscc"] = make("91" + code + "".join(rng.choice(ALPHABET) for _ in range(9)))
        if i % 5 == 1:  # some give the province apart from the address, as a hint
            body["province"] = province
            body["address"] = body["address"].removeprefix(province)
        pool.append((body, category))
    return pool


def bodies(n=200, seed=11):
    """n complaint bodies (dicts). The caller adds a unique order_number per request."""
    rng = random.Random(seed)
    out = []
    for respondent, category in respondents(n):
        province, prefecture, counties = rng.choice(PLACES)
        _, county = rng.choice(counties)
        out.append({
            "kind": "complaint",
            "channel": "app",
            "complainant": {"name": rng.choice(SURNAMES) + rng.choice(GIVEN),
                            "phone": f"13{rng.randint(100000000, 999999999)}",
                            "address": _address(rng, province, prefecture, county)},
            "respondent": respondent,
            "category": category,
            "issue_type": rng.choice(ISSUES),
            "request": rng.choice(REQUESTS),
            "facts": rng.choice(FACTS) + rng.choice(FACTS),
            "amount": f"{rng.randint(50, 20000)}.00",
            "purchase_date": f"2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}",
            "order_number": "",
        })
    return out


def split_bodies(n=200):
    """Each body as (prefix, suffix) around the order_number value, for wrk's Lua script."""
    marker = "@@ORDER@@"
    parts = []
    for body in bodies(n):
        body = dict(body, order_number=marker)
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        pre, post = text.split(marker)
        parts.append((pre, post))
    return parts
