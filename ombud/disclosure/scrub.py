"""Find and remove personal data in a complainant's account before it is published (issue 10).

`find(text, known_names=...)` returns what the recognisers found, as non-overlapping `Finding`s sorted by
position; `scrub(...)` replaces each with a placeholder ("[phone number]", translated through gettext).
The types (codes kept in `Narrative.removed`):

    phone      mobile (1[3-9]x, 11 digits) and landline numbers (area code 0xx/0xxx), with +86/0086, spaces,
               dashes, brackets and an extension (转/分机/ext.), also spelt digit by digit in Chinese numerals
               (幺三九零...). Kept: 400/800 business hotlines and short service numbers (12315, 95588, 10086),
               which are not personal. Every landline goes, a business's too: it cannot be told from a home's.
    id_card    resident ID numbers (GB 11643, 18 characters). The checksum decides only the type's priority:
               a number with the right shape (province, a real birth date) but a wrong check character is
               still removed (a mistyped ID is still someone's ID), unless it is a valid unified social
               credit code (GB 32100, a business's public identifier) or follows words that name one.
               15-digit first-generation numbers only right after 身份证/ID.
    bank_card  13-19 digits that pass Luhn, possibly grouped by spaces or dashes; 16-19 digits need a card
               network's first digits, 13-15 digits need a word about a card just before (a 13-digit EAN
               barcode passes Luhn one time in ten and is not personal).
    email      e-mail addresses (ASCII; the local part never swallows the Chinese text around it).
    plate      Chinese licence plates: province + letter + 5 (regular, at least 3 digits) or 6 (new-energy,
               D/F) characters, with an optional ·/space, or 4 + 挂/学/警/港/澳.
    address    what lies below the county: road + house number (张江路100号, No. 12 Nanjing Road), an estate
               with building/unit/room (阳光小区3栋2单元501室), a village group (王家村3组), building parts
               alone when there are two (5号楼1203室) or a room (Room 501; "Building 3" or "Unit 2" only
               beside another part). Province, city, county and township names are left in place. A road
               without a number is not an address; nor is a mall's floor (万达广场3楼).
    order_no   order, waybill and transaction numbers after 订单号/运单号/快递单号/交易号/order no./tracking/...,
               and bare SF/JD/YT/JT waybills and UPU S10 numbers (EA123456789CN, check digit verified).
    name       every occurrence of the `known_names` given (the parties the case knows), and names found by
               pattern: surname + honorific (王先生, 李女士, 张经理), 小/老 + surname after a role (客服小张),
               surname + given name after a role or label (快递员赵磊, 联系人：王芳), Mr./Ms. + name,
               "my name is ...". Pattern names are a best effort: a name with no honorific or role beside
               it, or an English name without a title or role, is found only when it is a known name.

Measured recall and precision, and why Presidio was not taken: docs/decisions/0007-pii-scrubbing.md.

Matching runs on a copy of the text in which full-width forms (０-９, Ａ-Ｚ, ＠, －, （）, ideographic space) are
folded to ASCII one character for one, so offsets are those of the original text, and a Finding's `text`
is the original slice. Digits and ASCII letters are bounded explicitly (never with \\b, which in Python
treats Chinese characters as word characters), so "电话13812345678联系" gives the 11 digits only.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext, gettext_lazy


def gettext_noop(message):
    """Marks a msgid for makemessages, like Django's, but importable before settings are configured."""
    return message


@dataclass(frozen=True)
class Finding:
    type: str
    start: int
    end: int
    text: str


# What replaces each type in `scrub`, and its name in lists ("still holds: phone number, name").
PLACEHOLDERS = {
    "phone": gettext_noop("[phone number]"),
    "id_card": gettext_noop("[ID number]"),
    "bank_card": gettext_noop("[bank card number]"),
    "email": gettext_noop("[e-mail address]"),
    "plate": gettext_noop("[licence plate]"),
    "address": gettext_noop("[address]"),
    "order_no": gettext_noop("[order number]"),
    "name": gettext_noop("[name]"),
}
LABELS = {
    "phone": gettext_lazy("phone number"),
    "id_card": gettext_lazy("ID number"),
    "bank_card": gettext_lazy("bank card number"),
    "email": gettext_lazy("e-mail address"),
    "plate": gettext_lazy("licence plate"),
    "address": gettext_lazy("street address"),  # below the county: not the province or city
    "order_no": gettext_lazy("order number"),  # shared with core/labels.py: 订单号
    "name": gettext_lazy("person's name"),  # not "name", which the catalog gives as 名称
}
TYPES = tuple(PLACEHOLDERS)
# Types with a defined format, whose recall is held to 99.5 % by tests/test_scrub.py.
STRUCTURED = ("phone", "id_card", "bank_card", "email", "plate", "order_no")

# When two candidates overlap they are merged into one finding, typed by the higher priority: a context
# word ("订单号") outranks the digits' own shape, an e-mail outranks the phone number in its local part.
PRIORITY = {"order_no": 90, "email": 85, "id_strict": 80, "bank_card": 70, "id_loose": 60, "phone": 50,
            "card_short": 45, "plate": 45, "known_name": 40, "address": 30, "name": 20}

# --- normalisation -------------------------------------------------------------------------------------
_FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}  # full-width ASCII forms
_FOLD.update({0x3000: 0x20, 0x00A0: 0x20, 0x2009: 0x20, 0x202F: 0x20})  # ideographic / no-break spaces
_FOLD.update({c: ord("-") for c in (0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xFE63)})
_FOLD.update({0x30FB: 0xB7, 0x2022: 0xB7, 0x2027: 0xB7, 0xFF65: 0xB7})  # middle dots seen in plates


def normalise(text: str) -> str:
    """The text with full-width forms folded to ASCII, one character for one (offsets are unchanged)."""
    return text.translate(_FOLD)


# Numbers spelt in Chinese numerals, as people write them to slip past platforms' filters ("幺三九零一二...").
# Only runs of seven or more are read as digits, so 一二三 in prose and 三期/五组 in addresses stay words.
_CN_DIGITS = str.maketrans("零〇一二三四五六七八九幺", "001234567891")
_CN_DIGIT_RUN = re.compile(r"[零〇一二三四五六七八九幺]{7,}")


def _digits_view(norm: str) -> str:
    return _CN_DIGIT_RUN.sub(lambda m: m.group().translate(_CN_DIGITS), norm)


HAN = "\u4e00-\u9fff\u3400-\u4dbf"


def _before(norm: str, start: int, width: int = 14) -> str:
    """The `width` characters before `start`, lower-cased, cut at the start of the sentence."""
    chunk = norm[max(0, start - width):start].lower()
    return re.split(r"[。！？!?\n;；]", chunk)[-1]


# --- numbers: ID, bank card, phone -----------------------------------------------------------------------
# A run of digit groups joined by single spaces, dashes or brackets ("+86 138 1234 5678", "(021)6888-8888",
# "6222 0212 3456 7890 123", "110105 19491231 002X"). Each run is split into its groups, and the longest
# window of whole groups that has a valid shape is taken; a group is never cut, so no number is found
# inside a longer one, and a date or price next to a phone number is left out of it.
_RUN = re.compile(r"(?<![0-9A-Za-z+])(?<![0-9]\.)(?:\(\+?|\+)?[0-9]+(?:(?:\)[ -]?|[ -])[0-9]+)*(?:[Xx])?(?![0-9A-Za-z])")
_GROUP = re.compile(r"[0-9]+[Xx]?")

_PROVINCES = {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
              "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
              "81", "82", "83"}
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

_USCC_WORDS = re.compile(r"信用代码|社会信用|uscc|credit code|税号|纳税人识别号|注册号|营业执照|组织机构代码")
_ID_WORDS = re.compile(r"身份证|证件号|身份号|公民身份|\bid\b|id card|identity")
_CARD_WORDS = re.compile(r"卡号|银行卡|信用卡|储蓄卡|借记卡|卡|账号|帐号|账户|card|account")

NUMBER_FORMATS = [
    # (kind, shape of the digits, why)
    ("id", re.compile(r"[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9X]"),
     "GB 11643: region, birth date, sequence, check character"),
    ("id15", re.compile(r"[1-9][0-9]{5}[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}"),
     "first-generation ID (no century, no check digit): only after 身份证"),
    ("card", re.compile(r"[3-6][0-9]{15}|2[2-7][0-9]{14}|(?:6|35)[0-9]{15,18}|4[0-9]{18}|95[0-9]{17}"),
     ("the networks' lengths: 16 digits for all (Visa 4, Mastercard 5 and 2221-2720, JCB/Amex/Diners 3, "
      "UnionPay/Discover 6), 17-19 for UnionPay and JCB, 19 for Visa and old domestic 95xx cards")),
    ("card_short", re.compile(r"[0-9]{13,15}"), "13-15 digit cards exist (Amex 15, old Visa 13): only after 卡/card"),
    ("mobile", re.compile(r"(?:0086|86)?1[3-9][0-9]{9}"), "mainland mobile: 1[3-9] + 9 digits, country code optional"),
    ("landline", re.compile(r"0(?:10|2[0-9]|[3-9][0-9]{2})[2-9][0-9]{6,7}|(?:0086|86)(?:10|2[0-9]|[3-9][0-9]{2})"
                            r"[2-9][0-9]{6,7}"),
     "area code 010/02x/0xxx (0 dropped after +86) + a 7-8 digit local number, which never starts with 0 or 1"),
]
_SHAPES = {kind: rx for kind, rx, _why in NUMBER_FORMATS}


def _valid_date(d: str) -> bool:
    try:
        day = dt.date(int(d[:4]), int(d[4:6]), int(d[6:8]))
    except ValueError:
        return False
    return dt.date(1890, 1, 1) <= day <= dt.date.today()


def id_checksum_ok(d: str) -> bool:
    d = d.upper()
    total = sum(int(c) * w for c, w in zip(d[:17], _ID_WEIGHTS))
    return "10X98765432"[total % 11] == d[17]


def uscc_ok(d: str) -> bool:
    d = d.upper()
    if len(d) != 18 or any(c not in _USCC_CHARS for c in d):
        return False
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(d[:17], _USCC_WEIGHTS))
    return _USCC_CHARS[(31 - total % 31) % 31] == d[17]


def luhn_ok(d: str) -> bool:
    total, double = 0, False
    for c in reversed(d):
        n = int(c) * (2 if double else 1)
        total += n - 9 if n > 9 else n
        double = not double
    return total % 10 == 0


def _classify(d: str, before: str):
    """The candidate kind (a PRIORITY key) for a string of digits, or None."""
    upper, loose_id = d.upper(), False
    if len(d) == 18 and _SHAPES["id"].fullmatch(upper) and d[:2] in _PROVINCES and _valid_date(d[6:14]):
        if _USCC_WORDS.search(before):
            return None
        if id_checksum_ok(upper):
            return "id_strict"
        loose_id = not uscc_ok(upper)
    if not d.isdigit() or (loose_id and _ID_WORDS.search(before)):
        return "id_loose" if loose_id else None
    if (16 <= len(d) <= 19 and _SHAPES["card"].fullmatch(d) and luhn_ok(d) and not _USCC_WORDS.search(before)
            and (not d.startswith("2") or 2221 <= int(d[:4]) <= 2720)):
        return "bank_card"
    if loose_id:
        return "id_loose"
    if len(d) == 15 and _SHAPES["id15"].fullmatch(d) and _ID_WORDS.search(before) and _valid_date("19" + d[6:12]):
        return "id_loose"
    if _SHAPES["mobile"].fullmatch(d) or _SHAPES["landline"].fullmatch(d):
        return "phone"
    if 13 <= len(d) <= 15 and luhn_ok(d) and _CARD_WORDS.search(before):
        return "card_short"
    return None


_KIND_TYPE = {"id_strict": "id_card", "id_loose": "id_card", "card_short": "bank_card"}

# An extension after a phone number: 转801, 分机 801, ext. 801, x801, #801 (a dash-extension is a group).
_EXTENSION = re.compile(r"(?:\s?(?:转|分机|ext\.?|x|#)\s?|-)[0-9]{1,5}(?![0-9])", re.IGNORECASE)


def _numbers(norm: str):
    norm = _digits_view(norm)
    for run in _RUN.finditer(norm):
        groups = [(g.start(), g.end()) for g in _GROUP.finditer(norm, run.start(), run.end())]
        i = 0
        while i < len(groups):
            best = None
            for j in range(min(len(groups), i + 8), i, -1):
                start, end = groups[i][0], groups[j - 1][1]
                digits = "".join(norm[a:b] for a, b in groups[i:j])
                if len(digits) > 21 or (digits[:-1] and not digits[:-1].isdigit()):
                    continue
                kind = _classify(digits, _before(norm, start))
                if kind and (best is None or PRIORITY[kind] > PRIORITY[best[0]]):
                    best = (kind, j, start, end)
            if best is None:
                i += 1
                continue
            kind, j, start, end = best
            if i == 0:
                start = run.start()  # the "+" or "(" in front
            if kind == "phone":
                ext = _EXTENSION.match(norm, end)
                if ext:
                    end = ext.end()
            yield _KIND_TYPE.get(kind, kind), start, end, PRIORITY[kind]
            i = j


# --- patterns on text ---------------------------------------------------------------------------------------
def _span(m, group="v"):
    return m.span(group) if group in m.re.groupindex and m.group(group) is not None else m.span()


_PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PL = "A-HJ-NP-Za-hj-np-z"  # plate letters: never I or O


def _plate_ok(norm, m):
    tail = re.sub(r"[^0-9A-Za-z]", "", m.group("tail"))
    if len(tail) == 5 and sum(c.isdigit() for c in tail) < 3:
        return None  # regular plates have at most two letters in the serial
    return m.span()


def _s10_ok(norm, m):
    """UPU S10 item numbers (EMS/China Post international): 8 digits + a mod-11 check digit."""
    digits = m.group("d")
    total = sum(int(c) * w for c, w in zip(digits[:8], (8, 6, 4, 2, 3, 5, 9, 7)))
    check = 11 - total % 11
    return m.span() if int(digits[8]) == {10: 0, 11: 5}.get(check, check) else None


# Chinese surnames (the ~150 most common and the common compound ones); first the compound ones so that
# 欧阳 is not read as 欧 + given name.
_COMPOUND = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "令狐", "慕容", "司徒", "夏侯", "尉迟", "长孙",
             "宇文", "公孙", "端木", "南宫", "申屠", "呼延")
_SINGLE = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈"
           "姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
           "汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单"
           "季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄"
           "窦戚岑景党宫费卜冷晏席卫米杭洪郎")
_SURNAME = "(?:" + "|".join(_COMPOUND) + "|[" + _SINGLE + "])"
# Two-character words that end in a surname character: "当时老师说" is not teacher Shi.
_WORDS_ENDING_IN_SURNAME = frozenset(re.findall(r"\S+", (
    "当时 同时 及时 有时 按时 准时 那时 这时 临时 平时 提高 最高 很高 较高 更高 太高 升高 增高 双方 对方 商家方 地方 一方 我方 卖方 买方 对于 由于 关于 至于 等于 属于 位于 "
    "用于 终于 过于 多于 少于 大于 小于 晚于 早于 原路 一路 马路 全程 工程 过程 课程 日程 流程 行程 疗程 进程 规程 章程 不同 如同 合同 共同 陪同 一同 连同 电话 视频 大方 "
    "官方 各方 处方 配方 上司 公司 官司 打车 开车 专车 下车 上车 停车 购车 新车 汽车 货车 提车 买车 这位 那位 各位 单位 到位 地位 多位 岗位 学生 医生 先生 考生 发生 陌生 "
    "产生 的确 明确 准确 正确 一直 简直 还是 就是 但是 只是 可是 于是 总是 都是 不是 而是 也是 要是 像是 算是 真是 正是 或是 硬是 更是 便是 一起 网上 线上 马上 早上 晚上 "
    "以上 之上 加上 向上 楼上 路上 身上 店里 这里 那里 哪里 公里 家里"
)))
_HONORIFIC = ("先生|女士|小姐|太太|夫人|老师|师傅|经理|总监|主管|店长|老板|老板娘|医生|大夫|律师|阿姨|大爷|大妈|"
              "大姐|大哥|同学|警官|教练|顾问|专员|会计|护士|主任|总(?![部共计额结体价数量统之])|姐(?![妹夫])|哥(?![们俩])")
_ROLE_ZH = ("客服|店员|前台|保安|销售|导购|快递小哥|骑手|司机|工作人员|经理|店长|主管|老板娘|老板|老师|教练|顾问|技师|师傅|"
            "维修工|安装工|联系人|收件人|收货人|寄件人|投诉人|申请人|举报人|消费者|本人|姓名|名字|法人|负责人|名叫|叫做|"
            "叫作|自称|署名|签收人|户名|持卡人|账户名|收款人|开户人|班主任|快递员|营业员|收银员|服务员|救生员|业务员|配送员|"
            "送货员|销售员|安装员|维修员|保安员|驾驶员|乘务员|售票员|操作员|理货员|检验员|话务员|调度员|专员|职员")
# Characters that end a given name: verbs, particles and punctuation that follow names in complaints.
_NAME_STOP = "说的地得在是了和跟与给把被让向对将从到也都就又还却不没要会能可已并称讲告表答承拒电手微等及或们讲问回打来去过" \
             "态私上下里请把帮先女老师经店员工客服这那此该其今昨后前每再只才很太非某"
_GIVEN = f"(?:(?![{_NAME_STOP}])[{HAN}])"

_ROAD_SUFFIX = "(?:路|街|大街|大道|道|巷|胡同)"
_BUILDING = (r"(?:(?:[0-9]+[A-Za-z]?|[A-Za-z]|[一二三四五六七八九十]{1,3})(?:号楼|栋|幢|座|单元|层|楼|室|号|户|门|期|区)"
             r"|[0-9]+(?:-[0-9]+){1,3}(?:室|号)?)")
_BUILDING_STRONG = re.compile(r"号楼|栋|幢|座|单元|室|户|[0-9]+-[0-9]+")
_ESTATE = ("(?:小区|花园|家园|公寓|新村|新城|苑|园|庭|府|大厦|广场|社区|湾|郡|邸|居|坊|公馆|华庭|山庄|名邸|嘉园|大楼|"
           "宿舍|公租房|城)")
# Where the name of a road or an estate starts: after a province, city, county or township name, or after
# the words that lead up to an address ("住在", "寄到", "位于"), which the Han-character run would take in.
_ADDR_CUT = re.compile(r".*(?:省|市|区|县|旗|州|盟|镇|乡|街道|在|住|于|往|至|址|是|为|的|到|寄|送|近|靠|从|号|"
                       r"搬|回|去|了|我|家|原|现|新址|地址|位置)(?=.)")  # (?=.): a name is left ("红旗街", "王家村")


def _addr_ok(norm, m):
    start, end = m.span()
    text = m.group()
    name_len = m.end("name") - m.start("name") if "name" in m.re.groupindex and m.group("name") else 0
    if name_len:
        cut = _ADDR_CUT.match(m.group("name"))
        if cut:
            start += cut.end()
    if (m.re.groupindex.keys() >= {"bld"} and m.group("bld") is not None and not _BUILDING_STRONG.search(m.group("bld"))
            and ("road" not in m.re.groupindex or not m.group("road"))):
        return None  # "阳光广场3楼" or "商城5号" is not a home; a room, a unit or a building is
    if not text.strip():
        return None
    return start, end


def _building_only_ok(norm, m):
    parts = re.findall(_BUILDING, m.group())
    if len(parts) < 2 and not m.group().endswith("室"):
        return None
    if not _BUILDING_STRONG.search(m.group()):
        return None
    return m.span()


def _name_ok(norm, m):
    start, end = _span(m)
    if start > 0 and norm[start - 1:start + 1] in _WORDS_ENDING_IN_SURNAME:
        return None
    if start > 1 and norm[start - 2:start + 1] in _WORDS_ENDING_IN_SURNAME:
        return None
    v = norm[start:end]
    if v.endswith("先生") and norm[end:end + 1] in ("产", "活", "意", "效", "日"):
        return None  # 原先生产 ("originally produced"), not Mr. Yuan
    return start, end


_NOT_NICKNAMES = ("小米", "小程序", "小龙虾", "小黄车", "小时", "小康", "小苏打", "小白", "老白干", "小马宝莉", "老顾客")


def _nickname_ok(norm, m):
    start, end = _span(m)
    return None if norm.startswith(_NOT_NICKNAMES, start) else (start, end)


def _en_name_ok(norm, m):
    start, end = _span(m)
    return start, end - 2 if norm.endswith("'s", start, end) else end  # "Mr. Chen's team": the name only


def _span_ok(norm, m):
    return _span(m)


_EN_ROAD_WORDS = r"Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Boulevard|Blvd|Drive|Alley|Way|Highway|Hwy|Place|Court|Terrace"
# Pinyin road words (Lu, Jie, ...) only after a house number: "Zhou Jie, 181..." is a person and a phone number.
_EN_ROAD = (rf"(?:{_EN_ROAD_WORDS}|Dr|Pl|Ct|Crescent|Close|Lu|Jie|Dadao|Hutong|Xiang|Nong)\.?(?:\s+(?:North|South|"
            r"East|West|Middle|Central|[NSEW]\.?))?(?![A-Za-z])")
_EN_ROAD_AFTER = (rf"(?:{_EN_ROAD_WORDS})\.?(?:\s+(?:North|South|East|West|Middle|Central))?")
_EN_WORDS = r"(?:[A-Z][A-Za-z'\-]*\s+){1,4}"
_EN_UNIT = (r"(?i:room|rm|apt|apartment|flat|unit|suite|building|bldg|block|blk|tower|floor|fl|house|lane)\.?\s*"
            r"(?:no\.?\s*)?#?[0-9]+[A-Za-z]?(?:-[0-9]+)?(?![0-9A-Za-z])")

# (type, pattern, check): `check(norm, match)` returns the span to remove, or None to drop the match.
PATTERNS = [
    # E-mail: RFC 5321's dot-atom, ASCII only, so the Chinese around it stays.
    ("email", re.compile(r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}"
                         r"[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9\-])"), _span_ok),
    # Licence plates (GA 36): province, issuing-office letter, then 5 (regular), 6 (new-energy: D/F first or
    # last) or 4 + a special-use character. Letters may be lower-case when typed casually.
    ("plate", re.compile(rf"[{_PLATE_PROVINCES}][{_PL}][ ·.\-]?(?P<tail>[DFdf][{_PL}0-9][0-9]{{4}}|[0-9]{{5}}[DFdf]|"
                         rf"[{_PL}0-9]{{5}}|[{_PL}0-9]{{4}}[挂学警港澳领使])(?![0-9A-Za-z])"), _plate_ok),
    # Bare waybills: SF Express (SF + 12-13 digits), JD Logistics (JD/JDV.. + 10-15), YTO (YT + 13), J&T (JT + 13).
    # The digits may be grouped by single spaces ("YT 7531 2468 0135 7").
    ("order_no", re.compile(r"(?<![0-9A-Za-z])(?:SF(?: ?[0-9]){12,13}|JD[A-Z]{0,3}(?: ?[0-9]){10,15}|(?:YT|JT)(?: ?[0-9]){13})"
                            r"(?![0-9A-Za-z])"), _span_ok),
    ("order_no", re.compile(r"(?<![0-9A-Za-z])[A-Z]{2}(?P<d>[0-9]{9})(?:CN|[A-Z]{2})(?![0-9A-Za-z])"), _s10_ok),
    # A local number (no area code) right after 电话/座机/tel.
    ("phone", re.compile(r"(?:电话|座机|固话|(?i:tel|phone|landline))[:\s]*(?:号码|是|为)?[:\s]*"
                         r"(?P<v>[2-9][0-9]{2,3}[ -]?[0-9]{4})(?![0-9A-Za-z])"), _span_ok),
    # Chinese addresses: road + (lane) + house number (+ estate, building, unit, room).
    ("address", re.compile(rf"(?P<name>[{HAN}]{{1,10}}?){_ROAD_SUFFIX}(?:[一二三四五六七八九十0-9]段)?(?P<road>(?:[0-9]+(?:弄|巷|支弄|号院))?[0-9]+"
                           rf"(?:[-之][0-9]+)?号(?:院|楼)?)(?P<bld>{_BUILDING}*)(?![0-9])"), _addr_ok),
    # ... an estate, with the building, unit or room in it.
    ("address", re.compile(rf"(?P<name>[{HAN}]{{1,10}}?){_ESTATE}(?P<bld>{_BUILDING}+(?:[0-9]{{3,4}}(?![0-9]))?)"
                           rf"(?![0-9])"), _addr_ok),
    # ... a village group, or a house number in a village (王家村3组, 李庄村12号).
    ("address", re.compile(rf"(?P<name>[{HAN}]{{1,8}}?)村(?:[0-9一二三四五六七八九十]+组|[0-9]+号)(?:[0-9]+号)?"), _addr_ok),
    # ... building parts alone: 3栋2单元501室, 5号楼1203室.
    ("address", re.compile(rf"(?<![0-9A-Za-z]){_BUILDING}{{1,4}}(?:[0-9]{{3,4}}(?![0-9]))?"), _building_only_ok),
    # English addresses: "No. 12 Nanjing Road", "88 Century Avenue", "Nanjing Road No. 12", "Room 501".
    ("address", re.compile(rf"(?<![0-9A-Za-z])(?:(?i:no)\.?\s*|#\s*)?[0-9]+[A-Za-z]?(?:-[0-9]+)?,?\s+{_EN_WORDS}"
                           rf"{_EN_ROAD}"), _span_ok),
    ("address", re.compile(rf"(?<![A-Za-z]){_EN_WORDS}{_EN_ROAD_AFTER},?\s+(?:(?i:no)\.?\s*)?[0-9]{{1,5}}[A-Za-z]?"
                           rf"(?![0-9A-Za-z])"), _span_ok),
    ("address_part", re.compile(rf"(?<![A-Za-z]){_EN_UNIT}"), _span_ok),
    ("address_part", re.compile(r"(?<![A-Za-z])(?:[A-Z][a-z]+\s+){1,3}(?:Gardens?|Apartments?|Residences?|Court|Estate|"
                                r"Villas?|Mansion|Towers?|Plaza|Community|Compound|Village|Heights)(?![A-Za-z])"), _span_ok),
    # Names by pattern: surname + honorific; 小/老 + surname after a role; surname + given name after a role.
    # (?=...): tried at every character, so that "公司马主管" still gives 马主管 once 司马主管 is refused.
    ("name", re.compile(rf"(?=(?P<v>{_SURNAME}(?:{_HONORIFIC})))"), _name_ok),
    ("name", re.compile(rf"(?:{_ROLE_ZH})[:：\s]*(?P<v>[小老阿]{_SURNAME})"), _nickname_ok),
    ("name", re.compile(rf"(?:{_ROLE_ZH})[:：\s]*(?:是|为|叫)?[:：\s]*(?P<v>{_SURNAME}{_GIVEN}{{1,2}})"), _name_ok),
    ("name", re.compile(rf"(?:叫|名为)(?P<v>{_SURNAME}{_GIVEN}{{1,2}})(?=的|[，。、,.!?！？\s]|$)"), _name_ok),
    ("name", re.compile(r"(?<![A-Za-z])(?P<v>(?:Mr|Mrs|Ms|Miss|Mx|Dr|Madam|Mme|Sir|Prof)\.?\s+[A-Z][a-zA-Z'\-]+"
                        r"(?:\s+[A-Z][a-zA-Z'\-]+)?)(?![A-Za-z])"), _en_name_ok),
    ("name", re.compile(r"(?i:my name is|my name's|named|called)\s+(?P<v>[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2})"
                        r"(?![A-Za-z])"), _span_ok),
    ("name", re.compile(r"(?i:courier|agent|salesman|saleswoman|salesperson|sales rep|manager|representative|"
                        r"technician|driver|rider|cashier|teacher|instructor|coach|employee|clerk|receptionist|"
                        r"supervisor|contact person|contact|consignee|recipient|adviser|advisor|consultant|"
                        r"hairdresser|stylist|barber|waiter|waitress|nurse|doctor|landlord|landlady|tutor|trainer|"
                        r"guide|installer|engineer|lawyer|officer)"
                        r"\s+(?:(?i:named|called)\s+)?(?P<v>[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)(?![A-Za-z])"), _span_ok),
]

# Order and waybill numbers after a word that names them; a list after one word ("订单号A、B和C") counts too.
_ORDER_WORDS = re.compile(
    r"(?:订单号码|订单编号|子订单号|主订单号|订单号|订单ID|订单|运单号码|运单编号|运单号|快递单号|快递号|物流单号|物流编号|"
    r"包裹号|交易单号|交易流水号|交易号|流水号|退款单号|售后单号|服务单号|支付单号|商户单号|合同编号|合同号|发票号码|"
    r"会员卡号|储值卡号|预付卡号|单号|包裹)"
    r"|(?<![A-Za-z])(?i:order(?:\s+(?:no|number|num|id|ref|reference)\.?)?|tracking(?:\s+(?:no|number|code|id)\.?)?|"
    r"waybill(?:\s+(?:no|number)\.?)?|awb|shipment(?:\s+(?:no|number|id)\.?)|transaction(?:\s+(?:no|number|id)\.?)|"
    r"invoice(?:\s+(?:no|number)\.?)|contract(?:\s+(?:no|number)\.?)|membership\s+(?:card\s+)?(?:no|number)\.?|"
    r"parcel(?:\s+(?:no|number)\.?)?|reference(?:\s+(?:no|number)\.?)|ref(?:\s+no)?\.?|"
    r"booking(?:\s+(?:no|number|ref|reference|id)\.?)?)(?![A-Za-z])")
_ORDER_GLUE = re.compile(r"\s*(?:[:#=]\s*)?(?:(?:is|was|号|为|是|:)\s*)?(?:[:#]\s*)?", re.IGNORECASE)
_ORDER_TOKEN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9\-_]*[A-Za-z0-9])?(?![A-Za-z0-9])")
_ORDER_NEXT = re.compile(r"\s*(?:[、,/&]|和|及|与|以及|(?i:and|or))\s*")


_ORDER_GROUP = re.compile(r" [0-9]{3,8}(?![0-9A-Za-z])")


def _order_token(norm, at):
    """(start, end) of an order number at `at`: letters, digits and dashes, or digits grouped by spaces."""
    m = _ORDER_TOKEN.match(norm, at)
    if not m:
        return None
    end = m.end()
    while m.group().isdigit() and (group := _ORDER_GROUP.match(norm, end)):
        end = group.end()  # "3671 0225 8447 7901 355", an invoice's code and number
    token = norm[m.start():end]
    if not 6 <= len(token) <= 48 or sum(c.isdigit() for c in token) < 5:
        return None
    return m.start(), end


def _orders(norm: str):
    for word in _ORDER_WORDS.finditer(norm):
        at = _ORDER_GLUE.match(norm, word.end()).end()
        token = _order_token(norm, at)
        if token is None:
            continue
        first = norm[token[0]:token[1]]
        yield token
        while True:
            glue = _ORDER_NEXT.match(norm, token[1])
            nxt = glue and _order_token(norm, glue.end())
            if not nxt:
                break
            # Further numbers in the list look like the first one: a phone number after it does not.
            text = norm[nxt[0]:nxt[1]]
            if abs(len(text) - len(first)) > 3 or (_SHAPES["mobile"].fullmatch(text)
                                                   and not _SHAPES["mobile"].fullmatch(first)):
                break
            token = nxt
            yield token


def _known_name_patterns(known_names: Sequence[str]):
    patterns = []
    for name in known_names:
        name = normalise((name or "").strip())
        if len(name) < 2:
            continue  # a one-letter "name" would remove that letter everywhere
        if re.search(f"[{HAN}]", name):
            # Chinese names: every occurrence, also with spaces between the characters ("王 芳").
            chars = [re.escape(c) for c in name if not c.isspace()]
            patterns.append(re.compile(r"\s?".join(chars)))
        else:
            parts = [p for p in re.split(r"[\s.\-]+", name) if p]
            # The whole name however it is spaced, in any case; then each part of two letters or more,
            # capitalised (a known "Wang Fang" is also "Ms. Wang" and "Fang").
            patterns.append(re.compile(r"(?<![A-Za-z])" + r"[\s.\-]*".join(map(re.escape, parts)) + r"(?![A-Za-z])",
                                       re.IGNORECASE))
            for part in parts:
                if len(part) >= 2:
                    patterns.append(re.compile(r"(?<![A-Za-z])" + re.escape(part[0].upper() + part[1:].lower())
                                               + r"(?![A-Za-z])"))
    return patterns


def _candidates(norm: str, known_names: Sequence[str]):
    out = []  # (start, end, type, priority, weak)
    for type_, start, end, prio in _numbers(norm):
        out.append((start, end, type_, prio, False))
    for start, end in _orders(norm):
        out.append((start, end, "order_no", PRIORITY["order_no"], False))
    for type_, pattern, check in PATTERNS:
        for m in pattern.finditer(norm):
            span = check(norm, m)
            if span is None or span[0] >= span[1]:
                continue
            if type_ == "address_part":
                # "Room 501" is an address; "Unit 3" or "Building 2" alone may be a lesson or a block of flats
                # named in passing: kept only beside another part of an address.
                digits = re.sub(r"[^0-9]", "", m.group())
                out.append((*span, "address", PRIORITY["address"], len(digits) < 3))
            else:
                prio = PRIORITY[type_]
                out.append((*span, type_, prio, False))
    for pattern in _known_name_patterns(known_names):
        for m in pattern.finditer(norm):
            out.append((m.start(), m.end(), "name", PRIORITY["known_name"], False))
    return out


def _resolve(norm: str, cands):
    """Merge overlapping candidates (the higher priority names the type), then address parts that touch
    ("No. 12 Nanjing Road, Room 501"), dropping weak address parts left alone."""
    merged = []  # [start, end, type, prio, weak]
    for start, end, type_, prio, weak in sorted(cands, key=lambda c: (c[0], -c[1])):
        if merged and start < merged[-1][1]:
            last = merged[-1]
            last[1] = max(last[1], end)
            if prio > last[3]:
                last[2], last[3] = type_, prio
            last[4] = last[4] and weak
            continue
        merged.append([start, end, type_, prio, weak])
    out = []
    for item in merged:
        if (out and item[2] == "address" and out[-1][2] == "address"
                and re.fullmatch(r"[\s,，、]{0,3}", norm[out[-1][1]:item[0]])):
            out[-1][1] = item[1]
            out[-1][4] = out[-1][4] and item[4]
            continue
        out.append(item)
    return [(s, e, t) for s, e, t, _p, weak in out if not weak]


def find(text: str, *, known_names: Sequence[str] = (), types: Sequence[str] | None = None) -> list[Finding]:
    """The personal data found in `text`: non-overlapping, sorted by position. `types` keeps only those."""
    if not text:
        return []
    norm = normalise(text)
    found = [Finding(t, s, e, text[s:e]) for s, e, t in _resolve(norm, _candidates(norm, known_names))]
    if types is not None:
        found = [f for f in found if f.type in types]
    return found


def placeholder(type_: str) -> str:
    """The placeholder for a type, in the active language: "[phone number]" / "[手机号码]"."""
    return gettext(PLACEHOLDERS[type_])


def scrub(text: str, *, known_names: Sequence[str] = (),
          mask: Callable[[str], str] | None = None) -> tuple[str, list[Finding]]:
    """`text` with every finding replaced, and the findings (offsets in the original text).
    `mask(type)` gives the replacement for a type; by default the translated placeholder."""
    found = find(text, known_names=known_names)
    mask = mask or placeholder
    pieces, at = [], 0
    for f in found:
        pieces += [text[at:f.start], mask(f.type)]
        at = f.end
    pieces.append(text[at:])
    return "".join(pieces), found
