"""A realistic, Chinese-language demo dataset (`ombud demo`).

Everything goes through the real services: businesses through `register_business` (so
addresses resolve to counties), cases through the intake service's batch path `submit_batch`
(the same routing, rule sets, events and clocks as one by one, written in bulk), and a sample
of them through the workflow service `perform` (issue 8: the first start must stay under a
minute). A fixed seed makes the content reproducible; ticket numbers and the API key token are
random by design.

The whole load runs in one transaction: it either lands completely or not at all, so
"the admin user exists" is a safe marker that the demo is already loaded.
"""
import datetime as dt
import random
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

DEMO_PASSWORD = "ombud-demo"
MARKER_USERNAME = "admin"
R2026_FROM = dt.date(2026, 4, 15)

# --------------------------------------------------------------------------------------
# Places: real counties, with real street names. (code, address prefix, name prefix, streets)
# --------------------------------------------------------------------------------------
COUNTIES = [
    ("310115", "上海市浦东新区", "上海浦东", ["张江路", "世纪大道", "陆家嘴环路", "浦东南路", "川沙路", "金科路", "东方路", "杨高南路"]),
    ("310104", "上海市徐汇区", "上海徐汇", ["漕溪北路", "肇嘉浜路", "虹桥路", "天钥桥路"]),
    ("310106", "上海市静安区", "上海静安", ["南京西路", "延安中路", "共和新路", "江宁路"]),
    ("310112", "上海市闵行区", "上海闵行", ["七莘路", "沪闵路", "莘庄路", "都市路"]),
    ("310105", "上海市长宁区", "上海长宁", ["仙霞路", "天山路", "遵义路"]),
    ("110105", "北京市朝阳区", "北京朝阳", ["建国路", "朝阳北路", "望京街", "三里屯路", "东三环中路"]),
    ("110108", "北京市海淀区", "北京海淀", ["中关村大街", "学院路", "知春路", "海淀大街"]),
    ("110101", "北京市东城区", "北京东城", ["王府井大街", "东直门内大街", "崇文门外大街"]),
    ("440106", "广东省广州市天河区", "广州天河", ["天河路", "体育西路", "黄埔大道西"]),
    ("440104", "广东省广州市越秀区", "广州越秀", ["北京路", "中山五路", "环市东路"]),
    ("440305", "广东省深圳市南山区", "深圳南山", ["深南大道", "南海大道", "科苑路"]),
    ("440304", "广东省深圳市福田区", "深圳福田", ["福华路", "华强北路", "深南中路"]),
    ("441900", "广东省东莞市", "东莞", ["东城大道", "鸿福路", "莞太路"]),
    ("330106", "浙江省杭州市西湖区", "杭州西湖", ["文三路", "天目山路", "教工路"]),
    ("330110", "浙江省杭州市余杭区", "杭州余杭", ["文一西路", "五常大道", "临平大道"]),
    ("330212", "浙江省宁波市鄞州区", "宁波鄞州", ["天童南路", "中山东路", "四明中路"]),
    ("330782", "浙江省金华市义乌市", "义乌", ["稠州北路", "城中中路", "福田路"]),
    ("320106", "江苏省南京市鼓楼区", "南京鼓楼", ["中山北路", "湖南路", "草场门大街"]),
    ("320102", "江苏省南京市玄武区", "南京玄武", ["珠江路", "中山路", "龙蟠路"]),
    ("320583", "江苏省苏州市昆山市", "昆山", ["前进中路", "人民路", "黄河路"]),
    ("320508", "江苏省苏州市姑苏区", "苏州姑苏", ["观前街", "人民路", "干将西路"]),
    ("510107", "四川省成都市武侯区", "成都武侯", ["人民南路四段", "武侯祠大街", "科华北路"]),
    ("510104", "四川省成都市锦江区", "成都锦江", ["春熙路", "东大街", "红星路三段"]),
    ("420106", "湖北省武汉市武昌区", "武汉武昌", ["中南路", "中北路", "武珞路"]),
    ("420111", "湖北省武汉市洪山区", "武汉洪山", ["珞喻路", "雄楚大道", "鲁磨路"]),
    ("420103", "湖北省武汉市江汉区", "武汉江汉", ["解放大道", "江汉路", "建设大道"]),
]
# Where the ordinary businesses are: Shanghai, and Pudong above all, weigh most.
COUNTY_WEIGHTS = {"310115": 10, "310104": 4, "310106": 4, "310112": 3, "310105": 2, "110105": 6, "110108": 4}

# --------------------------------------------------------------------------------------
# Goods and services: trades for business names, and vocabulary for case texts.
# --------------------------------------------------------------------------------------
CATEGORIES = {
    "household_electronics": dict(w=10, trades=["家电销售", "电器商贸", "电器"], group="goods", price=(300, 12000),
                                  items=["冰箱", "滚筒洗衣机", "变频空调", "液晶电视", "扫地机器人", "空气炸锅", "燃气热水器"],
                                  faults=["无法开机", "制冷效果差", "运行时异响严重", "漏水", "屏幕出现竖线", "频繁自动断电"]),
    "clothing_footwear": dict(w=6, trades=["服饰", "鞋业", "服装商贸"], group="goods", price=(80, 2500),
                              items=["羽绒服", "运动鞋", "真皮皮鞋", "羊毛大衣", "牛仔裤"],
                              faults=["开胶", "严重掉色", "起球", "跑绒", "鞋底断裂"],
                              hazards=["穿着后皮肤大面积红疹，检测显示甲醛含量超标", "鞋底打滑导致摔倒受伤"]),
    "daily_goods": dict(w=5, trades=["日用品商贸", "百货", "超市"], group="goods", price=(20, 800),
                        items=["保温杯", "不粘锅", "电动牙刷", "儿童玩具", "床上四件套"],
                        faults=["涂层脱落", "异味刺鼻", "无法充电", "零件松动脱落"],
                        hazards=["在正常使用中突然炸裂，烫伤手部", "小零件脱落，险些被孩子误吞"]),
    "food": dict(w=6, trades=["食品销售", "生鲜超市", "食品"], group="goods", price=(15, 1500),
                 items=["进口奶粉", "月饼礼盒", "牛排", "坚果礼盒", "蜂蜜"],
                 faults=["临近保质期仍在销售", "包装内发现异物", "已经变质发霉", "与标签标注配料不符"],
                 hazards=["食用后出现腹泻、呕吐症状", "吃出一根金属丝", "家中老人食用后身体不适就医"]),
    "transport": dict(w=3, trades=["汽车销售服务", "汽车维修服务", "电动车销售"], group="goods", price=(2000, 260000),
                      items=["新能源汽车", "电动自行车", "汽车轮胎", "行车记录仪"],
                      faults=["电池续航严重缩水", "刹车异响", "仪表盘故障灯常亮", "车漆大面积色差"]),
    "communication": dict(w=7, trades=["通讯器材", "手机销售", "数码科技"], group="goods", price=(500, 9000),
                          items=["智能手机", "无线耳机", "智能手表", "平板电脑"],
                          faults=["频繁死机重启", "电池鼓包", "充电发烫", "屏幕失灵"]),
    "computers": dict(w=3, trades=["电脑科技", "数码科技"], group="goods", price=(1500, 15000),
                      items=["笔记本电脑", "台式电脑主机", "显示器", "固态硬盘"],
                      faults=["蓝屏死机", "键盘失灵", "屏幕坏点", "无法识别硬盘"]),
    "medicine_devices": dict(w=2, trades=["大药房", "医疗器械"], group="goods", price=(30, 5000),
                             items=["血压计", "制氧机", "助听器", "保健品"],
                             faults=["测量数据误差很大", "使用一周即损坏", "无中文标签"],
                             hazards=["使用后出现头晕、心悸等不良反应"]),
    "cosmetics": dict(w=4, trades=["化妆品", "美妆商贸"], group="goods", price=(60, 3000),
                      items=["精华液", "面霜", "粉底液", "防晒霜"],
                      faults=["使用后面部红肿过敏", "质地结块", "与专柜正品气味不同"],
                      hazards=["使用后面部出现红肿、刺痛，就医诊断为接触性皮炎"]),
    "building_materials": dict(w=2, trades=["建材", "家居建材"], group="goods", price=(500, 40000),
                               items=["实木地板", "瓷砖", "橱柜", "智能马桶"],
                               faults=["大面积开裂", "甲醛释放量超标", "尺寸与合同不符"],
                               hazards=["安装后室内甲醛严重超标，家人出现咽喉不适"]),
    "other_goods": dict(w=1, trades=["商贸"], group="goods", price=(50, 3000),
                        items=["金饰", "眼镜", "自行车"], faults=["成色不足", "镜片度数不对", "车架断裂"]),
    "internet": dict(w=4, trades=["网络科技", "信息技术"], group="services", price=(10, 1000),
                     items=["视频会员", "网络游戏充值", "在线课程会员", "云存储服务"],
                     faults=["自动续费未提前提醒", "账号被无故封禁", "充值后未到账", "会员权益被单方面缩减"]),
    "life_social": dict(w=4, trades=["美容美发", "家政服务", "洗衣服务"], group="services", price=(50, 8000),
                        items=["美容护理套餐", "家政保洁服务", "干洗服务", "月嫂服务"],
                        faults=["服务人员多次爽约", "衣物洗后严重缩水", "护理后皮肤受损", "服务内容与约定不符"]),
    "education": dict(w=4, trades=["教育科技", "教育咨询"], group="services", price=(2000, 40000),
                      items=["少儿英语培训课程", "考研辅导课程", "编程培训课程", "职业技能培训"],
                      faults=["机构停课后拒不退费", "授课老师频繁更换", "课时被擅自缩减", "承诺的通过率无法兑现"]),
    "sales": dict(w=2, trades=["商贸", "贸易"], group="services", price=(100, 20000),
                  items=["会员储值服务", "以旧换新服务", "分期购物服务"],
                  faults=["强制捆绑销售", "未按约定发放补贴", "收取不明费用"]),
    "culture_sports": dict(w=3, trades=["健身管理", "文化传播", "体育发展"], group="services", price=(500, 12000),
                           items=["健身年卡", "私教课程", "演唱会门票", "游泳年卡"],
                           faults=["门店突然停业", "私教课程无法预约", "演出取消后不退票", "场馆设施长期损坏"]),
    "telecom": dict(w=2, trades=["宽带网络服务", "通信技术服务"], group="services", price=(50, 3000),
                    items=["宽带套餐", "手机资费套餐", "千兆光纤业务"],
                    faults=["网速远低于承诺带宽", "被擅自变更套餐", "销户时被收取违约金"]),
    "tourism": dict(w=3, trades=["国际旅行社", "旅行社"], group="services", price=(800, 30000),
                    items=["云南跟团游", "海南五日游", "出境游套餐"],
                    faults=["行程中被强制购物", "酒店标准低于合同约定", "临时取消行程不退款"]),
    "catering_accommodation": dict(w=6, trades=["餐饮管理", "酒店管理"], group="services", price=(50, 3000),
                                   items=["火锅套餐", "生日宴", "酒店客房", "团购餐券"],
                                   faults=["菜品中发现异物", "收取高额包间费", "预订客房到店后无房", "团购券无法使用"],
                                   hazards=["用餐后多人出现腹泻、呕吐症状", "用餐时餐具破损划伤嘴唇"]),
    "postal_express": dict(w=3, trades=["快递服务", "供应链管理"], group="services", price=(10, 5000),
                           items=["快递寄件服务", "同城配送服务"],
                           faults=["快件丢失", "快件外包装破损内物损坏", "未经同意放置快递柜"]),
    "real_estate": dict(w=2, trades=["物业管理", "房地产经纪"], group="services", price=(1000, 50000),
                        items=["物业服务", "房屋租赁中介服务", "二手房中介服务"],
                        faults=["中介费收取后不履约", "押金拒不退还", "物业服务质量差"]),
    "home_decoration": dict(w=3, trades=["装饰工程", "装饰设计"], group="services", price=(5000, 200000),
                            items=["全包装修工程", "卫生间翻新工程", "全屋定制家具"],
                            faults=["工期严重拖延", "墙面大面积开裂", "防水未做好导致渗漏", "擅自增项加价"]),
    "prepaid": dict(w=5, trades=["健身管理", "美容美体", "儿童成长服务"], group="services", price=(1000, 30000),
                    items=["美容预付卡", "健身预付卡", "洗车储值卡", "儿童游泳课程卡"],
                    faults=["门店关门跑路", "转让后新店不认卡", "余额无法退还", "擅自提高服务价格"]),
    "other_services": dict(w=1, trades=["企业管理咨询", "汽车租赁"], group="services", price=(200, 8000),
                           items=["租车服务", "婚庆服务"], faults=["车辆与预订车型不符", "婚礼当天服务缺位"]),
}
BRANDS = ("鸿运 恒信 佳和 华联 金鼎 瑞丰 百盛 新源 宏达 锦程 万家 惠民 优品 乐购 星辰 博雅 天成 嘉禾 盛世 永兴 长青 和美 "
          "安康 明珠 福瑞 顺发 味道 悦享 康辉 鼎盛 汇通 凯旋 君诚 美好 新天 绿洲 晨光 利民 兴隆 聚福 德润 远航 云帆 "
          "金桥 银河 创新 东方 大华 华美 恒通 亿家 喜来 久久 嘉年 彩虹 阳光 好邻 易购 欣悦 尚品 睿智 启航").split()
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
            "姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔汤")
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志文斌宇浩凯俊晨欣怡雪琳婷倩子涵梓轩佳怡思远"
# Fictional platforms (never real company names): brand, company name, county, street.
PLATFORMS = [
    ("鲸选商城", "杭州鲸选网络科技有限公司", "330110", "文一西路"),
    ("拼拼购", "上海拼拼购电子商务有限公司", "310105", "仙霞路"),
    ("云集优品", "深圳云集优品科技有限公司", "440305", "科苑路"),
    ("橙意到家", "北京橙意到家信息技术有限公司", "110105", "望京街"),
]
SELF_OPERATED = [
    ("优品汇官网", "北京优品汇电子商务有限公司", "110108", "知春路", "communication"),
    ("乐家电器商城", "南京乐家电器连锁有限公司", "320106", "中山北路", "household_electronics"),
]
STORE_SUFFIX = ["旗舰店", "专营店", "官方店", "企业店", "精品店"]
STORE_WORDS = {"household_electronics": "电器", "clothing_footwear": "服饰", "daily_goods": "家居", "food": "食品",
               "transport": "车品", "communication": "数码", "computers": "电脑", "medicine_devices": "健康",
               "cosmetics": "美妆", "building_materials": "建材", "other_goods": "生活"}

ISSUE_WEIGHTS = None  # filled from taxonomy defaults on first use
DEMANDS = {
    "goods": ["退货退款", "换货", "免费维修", "退货退款并赔偿损失"],
    "services": ["退还剩余费用", "全额退款", "继续履行合同", "赔偿损失"],
}
STALLS = ["客服一直推诿，至今未解决", "商家承诺上门维修但一直未到", "商家要求自行承担检测费", "商家以已过七天无理由期限为由拒绝处理",
          "售后电话长期无人接听", "商家只同意维修，拒绝退换"]
PROMISES = {"goods": ["七天内发货", "免费送货安装", "赠送延保三年", "保价三十天"],
            "services": ["按约定时间提供服务", "不满意可随时退费", "由指定老师全程服务", "不收取任何额外费用"]}
BREACHES = {"goods": ["逾期二十天仍未发货", "安装时另收取高额材料费", "拒不兑现承诺", "以系统故障为由单方面取消订单"],
            "services": ["多次延期后停止提供服务", "拒绝退费", "中途更换服务人员并降低标准", "另行收取各种费用"]}
CLAIMS = {"goods": ["进口原装", "全网最低价", "三年质保", "纯天然无添加", "专柜正品"],
          "services": ["不满意全额退款", "名师一对一", "包过保障", "五星级标准"]}
REALITIES = {"goods": ["为国内组装产品", "比其他渠道贵近三成", "售后仅保修一年", "配料表含多种添加剂", "无法提供进货凭证"],
             "services": ["申请退款被拒", "授课老师为新入职员工", "考试未通过也不退费", "设施陈旧、服务缩水"]}
HAZARDS = {"goods": ["在正常使用过程中突然冒烟起火", "外壳漏电，家人被电击", "电池鼓包发烫", "部件脱落砸伤孩子"],
           "services": ["场地设施损坏导致摔伤", "服务过程中因操作不当造成烫伤"]}
INSULTS = ["怀疑我偷窃并强行要求搜包", "对我言语辱骂", "未经同意拍摄我的照片并发到群里", "因我未办卡对我冷嘲热讽"]
OTHERS = ["未经同意将我的个人信息泄露给第三方，导致频繁接到推销电话", "拒绝收取现金", "强制要求扫码关注才能结账",
          "拒绝开具发票"]
CONSULT_QUESTIONS = [
    "网购的{item}签收后发现不合适，能否七天无理由退货？",
    "办理的{item}商家停业了，应该如何维权？",
    "{item}的三包期是多久，过了保修期维修要收费吗？",
    "商家不肯开具发票，我应该向哪个部门反映？",
    "如何查询一家企业的投诉信息公示？",
    "购买{item}时商家说特价商品不退不换，这个规定合法吗？",
    "收到的{item}和描述不符，平台客服让我找商家，商家不理睬怎么办？",
]
REPORT_FACTS = {
    "price": ["店内商品未明码标价，结账时价格高于货架标签", "虚构原价后打折促销，划线价从未实际成交", "收费项目未公示，结账时另收服务费"],
    "consumer_rights": ["强制消费者办理会员卡才能消费", "预付卡消费后拒绝退还余额", "以格式条款规定“最终解释权归本店所有”"],
    "advertising": ["店外展板宣称“国家级”“最佳”等绝对化用语", "在朋友圈发布广告宣称产品可治疗疾病", "宣传“全市最低价”，与实际不符"],
    "unlicensed": ["营业场所未悬挂营业执照，疑似无照经营", "在居民楼内无照经营美容项目"],
    "unfair_competition": ["仿冒知名商品包装装潢销售", "组织刷单虚构交易量和好评", "诋毁竞争对手商品质量"],
    "product_quality": ["销售的{item}无中文标签和生产厂家信息", "以次充好，将不合格{item}冒充合格品销售", "销售的{item}无3C认证标志"],
    "food_safety": ["后厨卫生条件差，发现老鼠出没", "销售超过保质期的食品", "使用来源不明的食材，未公示食品经营许可证"],
    "other": ["在小区内违规发放传单诱导老人购买保健品", "以免费体检为名诱导消费"],
}
VIOLATION_WEIGHTS = {"price": 18, "consumer_rights": 22, "advertising": 14, "unlicensed": 6, "unfair_competition": 6,
                     "product_quality": 16, "food_safety": 12, "other": 6}
CHANNELS = {"web": 40, "app": 35, "hotline": 18, "letter": 7}
SIGN_IN = [  # username, role, authority code, superuser
    ("admin", "admin", "100000", True),
    ("operator", "operator", "310115", False),
    ("handler", "handler", "310115", False),
    ("supervisor", "supervisor", "310000", False),
    ("handler_bj", "handler", "110105", False),
    ("business", "business", "", False),
    ("consumer", "consumer", "", False),
]
FULL_NAMES = {"admin": "系统管理员", "operator": "浦东新区12315话务员", "handler": "浦东新区投诉处理员",
              "supervisor": "上海市监督员", "handler_bj": "朝阳区投诉处理员", "business": "企业联络员", "consumer": "演示消费者"}


@dataclass
class Biz:
    obj: object
    category: str
    county: tuple
    address: str
    store: str = ""       # a merchant's shop name on its platform
    brand: str = ""       # a platform's or self-run site's brand


@dataclass
class Result:
    loaded: bool
    seconds: float = 0.0
    counts: dict = field(default_factory=dict)
    accounts: list = field(default_factory=list)   # (username, role, authority, password)
    token: str = ""


def _reporter(progress, out):
    """A line per phase, with the seconds since the start, on stderr (stdout carries the summary)."""
    started = time.monotonic()

    def say(text):
        if progress:
            print(f"[demo {time.monotonic() - started:5.1f} s] {text}", file=out or sys.stderr, flush=True)
    return say


def generated_history(cases, *, seed=2026, progress=True, out=None):
    """A calibrated case history for the dashboards (`ombud synth`): last year in full and this year to
    date, `cases` in all, then the analytical store built from it. Returns a one-line summary."""
    from django.utils import timezone

    from ombud.analytics import store, synth

    say = _reporter(progress, out)
    this_year = timezone.localdate().year
    written = 0
    for year, share in ((this_year - 1, 0.45), (this_year, 0.55)):
        run = synth.run(year=year, cases=max(1, round(cases * share)), seed=seed, as_of=timezone.now())
        written += run.written.get("cases", 0)
        say(f"generated {run.written.get('cases', 0)} cases for {year}")
    result = store.refresh(full=True)
    say(f"analytical store built: {len(result['months'])} months")
    return f"{written} cases over {this_year - 1}–{this_year}, analytical store built ({len(result['months'])} months)"


def is_loaded():
    return get_user_model().objects.filter(username=MARKER_USERNAME).exists()


def load(*, cases=3000, seed=2026, progress=True, out=None):
    """Load the demo dataset unless it is already there. Returns a Result."""
    if is_loaded():
        return Result(loaded=False)
    started = time.monotonic()
    rng = random.Random(seed)
    say = _reporter(progress, out)
    say(f"Loading the demo: {cases} cases, then the older ones walked through their procedures")
    with transaction.atomic():
        businesses = _businesses(rng)
        accounts, users, token, key = _staff(businesses)
        say(f"businesses: {sum(len(b) for b in businesses.values())}, accounts: {len(accounts)}, API keys: 1")
        made = _cases(rng, cases, businesses, users, key, progress=progress, out=out)
        say(f"cases: {made['complaint']} complaints, {made['report']} reports, {made['consultation']} "
            f"consultations, {made['linked_reports']} reports split off")
        made.update(_procedures(rng, users, progress=progress, out=out))
        say(f"procedures: {made['walked']} cases walked, {made['procedure_steps']} steps")
        from ombud.disclosure.services import queue_finished

        made["accounts_to_review"] = queue_finished(limit=cases)  # what the periodic task would queue
        say(f"consumers' accounts queued for review: {made['accounts_to_review']}")
        made.update(_publish(users))
        say(f"published complaints: {made['published']} ({made['accounts_approved']} with the consumer's account; "
            f"the rest of the accounts wait in the review queue)")
    from ombud.businesses.models import Business

    counts = {"businesses": Business.objects.count(), **made}
    return Result(loaded=True, seconds=time.monotonic() - started, counts=counts, accounts=accounts, token=token)


def _publish(users):
    """Approve half of the queued accounts, as a reviewer would, then one publication pass: the open
    complaint database has something to search on first run."""
    from ombud.core.auth import actor_of_user
    from ombud.disclosure.models import Narrative, NarrativeStatus
    from ombud.disclosure.services import approve_narrative, publish_due

    from ombud.core.errors import DomainError

    actor = actor_of_user(users["admin"])  # the national administrator sees every authority's queue
    approved = 0
    for n in Narrative.objects.filter(status=NarrativeStatus.PENDING).order_by("id")[::2]:
        try:
            approve_narrative(narrative=n, actor=actor, text=n.scrubbed)
            approved += 1
        except DomainError:  # an account the recognisers still flag stays for a person to edit
            continue
    run = publish_due()
    return {"published": run.total, "accounts_approved": approved}


# --------------------------------------------------------------------------------------
# Businesses
# --------------------------------------------------------------------------------------
def _uscc(rng, county_code, used):
    from ombud.businesses import uscc

    alphabet = uscc.ALPHABET
    while True:
        org = "".join(rng.choice(alphabet) for _ in range(9))
        code = uscc.make("91" + county_code + org)
        if code not in used:
            used.add(code)
            return code


def _street_address(rng, county):
    return f"{county[1]}{rng.choice(county[3])}{rng.randint(1, 1999)}号"


def _business_name(rng, county, category, used_names):
    while True:
        trade = rng.choice(CATEGORIES[category]["trades"])
        name = f"{county[2]}{rng.choice(BRANDS)}{trade}有限公司"
        if name not in used_names:
            used_names.add(name)
            return name


def _businesses(rng):
    from ombud.businesses.models import Business
    from ombud.businesses.services import register_business

    counties = {c[0]: c for c in COUNTIES}
    cats = list(CATEGORIES)
    cat_w = [CATEGORIES[c]["w"] for c in cats]
    used_uscc, used_names = set(), set()
    out = {"ordinary": [], "platform": [], "merchant": [], "self_operated": []}

    def make(name, county, kind, category, address, platform=None, published=True, **extra):
        b = register_business(
            name=name, uscc=_uscc(rng, county[0], used_uscc), kind=kind, platform=platform,
            registered_address=address if published else "", province_hint="", address_published=published,
        )
        biz = Biz(obj=b, category=category, county=county, address=address if published else "", **extra)
        out[kind].append(biz)
        return biz

    for brand, company, code, street in PLATFORMS:
        county = counties[code]
        used_names.add(company)
        make(company, county, Business.Kind.PLATFORM, "internet",
             f"{county[1]}{street}{rng.randint(1, 999)}号", brand=brand)
    for brand, company, code, street, category in SELF_OPERATED:
        county = counties[code]
        used_names.add(company)
        make(company, county, Business.Kind.SELF_OPERATED, category,
             f"{county[1]}{street}{rng.randint(1, 999)}号", brand=brand)
    goods = [c for c in cats if CATEGORIES[c]["group"] == "goods"]
    for i in range(60):
        county = rng.choice(COUNTIES)
        category = rng.choice(goods)
        platform = out["platform"][i % len(PLATFORMS)]
        name = _business_name(rng, county, category, used_names)
        brand = name[len(county[2]):len(county[2]) + 2]
        store = f"{brand}{STORE_WORDS[category]}{rng.choice(STORE_SUFFIX)}"
        # Every tenth merchant publishes no address: R2026 sends its cases to the platform.
        make(name, county, Business.Kind.MERCHANT, category, _street_address(rng, county),
             platform=platform.obj, published=(i % 10 != 3), store=store)
    weights = [COUNTY_WEIGHTS.get(c[0], 2) for c in COUNTIES]
    for _ in range(234):
        county = rng.choices(COUNTIES, weights)[0]
        category = rng.choices(cats, cat_w)[0]
        make(_business_name(rng, county, category, used_names), county, Business.Kind.ORDINARY, category,
             _street_address(rng, county))
    # ODR enrolment: 32 ordinary businesses (at least three in Pudong) and 8 merchants.
    pudong = [b for b in out["ordinary"] if b.county[0] == "310115"]
    others = [b for b in out["ordinary"] if b.county[0] != "310115"]
    odr = pudong[:4] + rng.sample(others, 28) + rng.sample([m for m in out["merchant"] if m.address], 8)
    for b in odr:
        b.obj.odr_enrolled = True
        b.obj.odr_enrolled_on = dt.date(2021, 1, 1) + dt.timedelta(days=rng.randint(0, 1700))
        b.obj.save(update_fields=["odr_enrolled", "odr_enrolled_on"])
    # One merchant with a published address it cannot be reached at.
    unreachable = next(m for m in out["merchant"] if m.address and not m.obj.odr_enrolled)
    unreachable.obj.reachable = False
    unreachable.obj.save(update_fields=["reachable"])
    return out


# --------------------------------------------------------------------------------------
# Accounts
# --------------------------------------------------------------------------------------
def _staff(businesses):
    from django.contrib.auth.hashers import make_password

    from ombud.accounts.models import Profile
    from ombud.accounts.services import create_api_key
    from ombud.regions.models import Authority

    User = get_user_model()
    rep_for = next(b for b in businesses["ordinary"] if b.obj.odr_enrolled and b.county[0] == "310115")
    accounts, users = [], {}
    # One hash for the shared password: each costs ~1 s with Django's default PBKDF2 rounds.
    hashed = make_password(DEMO_PASSWORD)
    for username, role, code, superuser in SIGN_IN:
        authority = Authority.objects.get(code=code) if code else None
        user = User.objects.create(username=username, email=f"{username}@demo.ombud.invalid", password=hashed,
                                   first_name=FULL_NAMES[username], is_staff=superuser, is_superuser=superuser)
        Profile.objects.create(user=user, role=role, authority=authority,
                               business=rep_for.obj if role == "business" else None,
                               phone="13800000000" if role == "consumer" else "", language="zh-hans")
        users[username] = user
        where = f"{authority.code} {authority.name}" if authority else (rep_for.obj.name if role == "business" else "")
        accounts.append((username, role, where, DEMO_PASSWORD))
    key, token = create_api_key(name="12315移动应用", role="integrator")  # shown on timelines: a name staff read
    return accounts, users, token, key


# --------------------------------------------------------------------------------------
# Procedures: older cases move on through the real workflow service, with realistic odds
# --------------------------------------------------------------------------------------
# Each step is a full workflow service call (~7 ms of CPU), so only a sample of the older cases moves on:
# the share by authority code, then by province (the supervisor's Shanghai), then elsewhere. Walking all
# of Pudong and Chaoyang and 40 % elsewhere made the first start ~50 s longer (issue 8).
WALK_SHARE = {"310115": 0.5, "110105": 0.25, "31": 0.08}
WALK_ELSEWHERE = 0.02
WALK_RECENT_DAYS = 14  # every case received in these days moves on: the ones still in progress (ODR, mediation…)
WALK_AT_LEAST = 100  # so that a small demo (the tests load 150 cases) still shows every state
CASE_BATCH = 1000  # cases per chunk of intake batches
MEDIATION = {"consent_complainant": True, "consent_respondent": True, "mode": "remote", "mediator": "周明"}
# The states a case stops in on its way, by the steps that lead there: (kind, needs an ODR business, steps).
SHOWCASE = {
    "odr": ("complaint", True, [(0, "odr_opt_in", {})]),
    "odr_failed": ("complaint", True, [(0, "odr_opt_in", {}), (9, "odr_fail", {"reason": "协商未果"})]),
    "accepted": ("complaint", False, [(2, "accept", {})]),
    "mediating": ("complaint", False, [(2, "accept", {}), (8, "start_mediation", MEDIATION)]),
    "agreed": ("complaint", False, [(2, "accept", {}), (8, "start_mediation", MEDIATION),
                                    (15, "agree", {"amount_recovered": "680", "document": "signed"})]),
    "terminated": ("complaint", False, [(2, "accept", {}), (8, "start_mediation", MEDIATION),
                                        (20, "terminate", {"ground": 2})]),
    "withdrawn": ("complaint", False, [(2, "accept", {}), (5, "withdraw", {"reason": "已与商家自行和解"})]),
    "refused": ("complaint", False, [(3, "refuse", {"ground": 2, "reason": "经审查不符合受理条件"})]),
    "filed": ("report", False, [(12, "file_case", {})]),
    "not_filed": ("report", False, [(10, "decline_case", {"reason": "经核查，线索不足"})]),
}


def _complaint_path(rng, case):
    """The steps a complaint took, each with how many days after receipt."""
    odds = rng.random()
    if case.respondent_id and case.respondent.odr_enrolled and odds < 0.3:
        if rng.random() < 0.7:
            settled = {"amount_recovered": str(case.amount or 200)}
            return [(0, "odr_opt_in", {}), (rng.randint(2, 12), "odr_settle", settled)]
        # Within the 10 working days of ODR; the consumer turns to the bureau some days after it fails.
        failed = rng.randint(8, 13)
        return [(0, "odr_opt_in", {}), (failed, "odr_fail", {"reason": "协商未果"}),
                (failed + rng.randint(1, 6), "escalate", {})]
    if odds < 0.12:
        return [(3, "refuse", {"ground": rng.choice([1, 2, 3, 5]), "reason": "经审查不符合受理条件"})]
    steps = [(rng.randint(1, 6), "accept", {})]
    odds = rng.random()
    if odds < 0.55:
        amount = str(case.amount or rng.randint(100, 3000))
        steps += [(8, "start_mediation", MEDIATION),
                  (15, "agree", {"amount_recovered": amount, "document": rng.choice(["signed", "record"])}),
                  (16, "close", {}),
                  (18, "verdict", {"resolved": True, "rating_handling": rng.choice([4, 5, 5]),
                                   "rating_business": rng.choice([3, 4, 5])})]
    elif odds < 0.8:
        steps += [(8, "start_mediation", MEDIATION), (20, "terminate", {"ground": rng.choice([2, 3])}),
                  (22, "serve_termination", {"method": "sms"}), (23, "close", {}),
                  (25, "verdict", {"resolved": False, "rating_handling": rng.choice([2, 3, 4]),
                                   "rating_business": rng.choice([1, 2])})]
    elif odds < 0.88:
        steps += [(steps[0][0] + rng.randint(1, 4), "withdraw", {"reason": "已与商家自行和解"})]  # after acceptance
    return steps


def _report_path(rng, case):
    if rng.random() < 0.6:
        steps = [(10, "decline_case", {"reason": "经核查，线索不足"})]
        if not case.anonymous:
            steps.append((12, "notify_reporter", {}))
        return steps + [(13, "close", {})]
    steps = [(12, "file_case", {})]
    if not case.anonymous:
        steps.append((14, "notify_reporter", {}))
    fines = rng.choice([5000, 20000, 50000, 200000])
    return steps + [(60, "record_penalty", {"fines": str(fines), "confiscations": "0"})]


def _procedures(rng, users, *, progress=True, out=None):
    """Walk a sample of the cases through their procedure; steps not due yet by now are not taken."""
    from tqdm import tqdm

    from ombud.cases.models import Case
    from ombud.core.errors import DomainError
    from ombud.intake.services import Actor
    from ombud.workflow.services import perform

    now = dt.datetime.now(ZoneInfo(settings.TIME_ZONE))
    handlers = {"310115": users["handler"], "110105": users["handler_bj"]}
    cases = list(Case.objects.filter(status="received", received_at__lt=now)
                 .select_related("respondent", "authority").order_by("received_at"))
    taken = 0
    recent = now - dt.timedelta(days=WALK_RECENT_DAYS)
    picked = [c for c in cases if c.received_at >= recent or rng.random() < WALK_SHARE.get(
        c.authority.code, WALK_SHARE.get(c.authority.code[:2], WALK_ELSEWHERE))]
    floor = min(WALK_AT_LEAST, len(cases))
    if len(picked) < floor:
        chosen = {c.pk for c in picked}
        picked += rng.sample([c for c in cases if c.pk not in chosen], floor - len(picked))
        picked.sort(key=lambda c: c.received_at)
    cases = picked
    def walk(case, path):
        staff = Actor(role="handler", user=handlers.get(case.authority.code), authority=case.authority)
        done = 0
        for days, action, fields in path:
            at = case.received_at + dt.timedelta(days=days, hours=rng.randint(1, 8))
            if at >= now:
                break
            who = Actor(role="consumer") if action in ("odr_opt_in", "escalate", "verdict") else staff
            who = Actor(role="business") if action in ("odr_settle", "odr_fail") else who
            perform(ticket=case.ticket, action=action, actor=who, fields=fields, at=at)
            done += 1
        return done

    for case in tqdm(cases, desc="demo procedures", unit="case", file=out or sys.stderr, disable=not progress):
        taken += walk(case, (_complaint_path if case.kind == "complaint" else _report_path if case.kind == "report"
                             else lambda r, c: [(1, "answer", {"answer": "已解答相关规定和维权途径。"})])(rng, case))
    # A state the sample missed by chance: one case (a Pudong one if any) walked just far enough.
    present = set(Case.objects.values_list("status", flat=True).distinct())
    shown = 0
    for state, (kind, odr, path) in SHOWCASE.items():
        if state in present:
            continue
        pool = Case.objects.filter(status="received", kind=kind, received_at__lt=now - dt.timedelta(
            days=path[-1][0] + 1)).select_related("respondent", "authority").order_by("-received_at")
        pool = pool.filter(respondent__odr_enrolled=True) if odr else pool
        case = pool.filter(authority__code="310115").first() or pool.first()
        if case is None:
            continue
        try:
            with transaction.atomic():
                taken += walk(case, path)
                shown += 1
        except DomainError:  # a guard this case does not pass: leave the state to chance
            continue
    return {"walked": len(cases) + shown, "procedure_steps": taken}


# --------------------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------------------
def _person(rng):
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _phone(rng):
    return "1" + rng.choice("35789") + "".join(rng.choice("0123456789") for _ in range(9))


def _home(rng, province_code=None):
    pool = [c for c in COUNTIES if province_code and c[0][:2] == province_code] or COUNTIES
    county = rng.choice(pool)
    return (f"{county[1]}{rng.choice(county[3])}{rng.randint(1, 999)}弄{rng.randint(1, 60)}号"
            f"{rng.randint(1, 30)}0{rng.randint(1, 4)}室")


def _days(rng, today):
    """Candidate days over the last ~10 months, with the 3·15, 618 and Double 11 peaks."""
    start = min(today - dt.timedelta(days=300), R2026_FROM - dt.timedelta(days=75))
    days, weights = [], []
    day = start
    while day < today:
        w = 1.0 if day.weekday() < 5 else 0.7
        if (day.month, day.day) == (3, 15):
            w = 4.0
        elif day.month == 6 and 18 <= day.day <= 25 or day.month == 11 and 11 <= day.day <= 20:
            w = 2.0
        days.append(day)
        weights.append(w)
        day += dt.timedelta(days=1)
    return days, weights


def _money(rng, lo, hi):
    return Decimal(rng.randint(lo * 100, hi * 100)) / 100


def _issue(rng):
    from ombud.taxonomy.defaults import ISSUES

    return rng.choices([i[0] for i in ISSUES], [i[3] for i in ISSUES])[0]


def _where(b):
    if b.obj.kind == "merchant":
        platform = next(p for p in _PLATFORM_BRANDS if p[0] == b.obj.platform_id)[1]
        return f"{platform}“{b.store}”"
    if b.obj.kind in ("platform", "self_operated"):
        return b.brand
    return b.obj.name + ("" if b.category in _NO_SHOP else "门店")


_PLATFORM_BRANDS = []
# Services bought without walking into a shop: "在XX公司" rather than "在XX公司门店".
_NO_SHOP = {"internet", "telecom", "postal_express", "real_estate", "home_decoration", "other_services", "sales"}


def _complaint_text(rng, b, category, issue, received):
    cat = CATEGORIES[category]
    group = cat["group"]
    item = rng.choice(cat["items"])
    fault = rng.choice(cat["faults"])
    demand = rng.choice(DEMANDS[group])
    where = _where(b)
    bought = received - dt.timedelta(days=rng.randint(3, 90))
    d = f"{bought.month}月{bought.day}日"
    n = rng.randint(2, 60)
    amount = _money(rng, *cat["price"])
    if issue == "quality":
        facts = f"{d}在{where}购买的{item}使用{n}天后出现{fault}，联系商家要求处理，商家称属于人为损坏拒绝负责。"
    elif issue == "after_sales":
        facts = f"{d}在{where}购买{item}，{n}天后出现{fault}，多次联系商家售后，{rng.choice(STALLS)}。"
    elif issue == "contract":
        facts = (f"{d}在{where}购买{item}，支付{amount}元，双方约定{rng.choice(PROMISES[group])}，"
                 f"但商家{rng.choice(BREACHES[group])}。")
    elif issue == "false_advertising":
        facts = (f"{where}宣传{item}“{rng.choice(CLAIMS[group])}”，我据此以{amount}元购买，"
                 f"实际{rng.choice(REALITIES[group])}，存在虚假宣传。")
        demand = "退一赔三" if group == "goods" else demand
    elif issue == "safety":
        facts = f"{d}在{where}购买的{item}{rng.choice(cat.get('hazards') or HAZARDS[group])}，存在严重安全隐患。"
        demand = "赔偿医疗费等损失并召回问题产品" if group == "goods" else "赔偿医疗费等损失"
    elif issue == "price":
        higher = amount + _money(rng, 5, max(6, cat["price"][0]))
        facts = f"{d}在{where}购买{item}，页面标价{amount}元，结算时实际收取{higher}元，商家拒绝解释差价。"
        demand = "退还多收的差价"
    elif issue == "counterfeit":
        facts = f"{d}在{where}以{amount}元购买的{item}，经品牌方鉴定为假冒产品，商家拒不承认。"
        demand = "退一赔三"
    elif issue == "personal_rights":
        facts = f"{d}在{where}消费时，店员{rng.choice(INSULTS)}，严重侵犯我的人格尊严。"
        demand = "商家书面赔礼道歉"
    elif issue == "measurement":
        facts = f"{d}在{where}购买{item}，商家称重为{rng.randint(2, 5)}斤，回家复称少了近{rng.randint(2, 9)}两，存在短斤缺两。"
        demand = "退还差价并赔偿"
    else:
        facts = f"{d}在{where}消费后，商家{rng.choice(OTHERS)}。"
        demand = "停止侵权并赔偿损失"
    return f"要求{demand}。", facts, amount, bought, item


def _respondent_in(rng, b, *, with_address=True):
    data = {"name": b.obj.name}
    if b.obj.kind != "ordinary" or not b.address or rng.random() < 0.5:
        data["uscc"] = b.obj.uscc  # merchants and platforms are named by code, so none is registered twice
    if with_address and b.address:
        data["address"] = b.address
    return data


def _pick_respondent(rng, businesses, online_share):
    if rng.random() < online_share:
        r = rng.random()
        pool = businesses["merchant"] if r < 0.8 else businesses["platform"] if r < 0.93 else businesses["self_operated"]
    else:
        pool = businesses["ordinary"]
    return rng.choice(pool)


def _category_for(rng, b):
    if b.obj.kind == "platform":
        return rng.choice(["household_electronics", "clothing_footwear", "daily_goods", "communication", "internet"])
    return b.category


def _violation(rng, b):
    v = rng.choices(list(VIOLATION_WEIGHTS), list(VIOLATION_WEIGHTS.values()))[0]
    if v == "food_safety" and b.category not in ("food", "catering_accommodation"):
        v = "product_quality"
    if b.category in ("food", "catering_accommodation") and rng.random() < 0.4:
        v = "food_safety"
    if v == "product_quality" and CATEGORIES[b.category]["group"] == "services":
        v = "consumer_rights"
    return v


def _report_facts(rng, b, violation):
    item = rng.choice(CATEGORIES[b.category]["items"])
    return f"{_where(b)}{rng.choice(REPORT_FACTS[violation]).format(item=item)}，请依法查处。"


def _payload(rng, i, businesses, when):
    """One CaseIn-shaped dict, and the channel it came through."""
    channel = rng.choices(list(CHANNELS), list(CHANNELS.values()))[0]
    roll = rng.random()
    kind = "complaint" if roll < 0.70 else "report" if roll < 0.90 else "consultation"
    data = {"kind": kind, "channel": channel, "received_at": when.isoformat()}
    person = {"name": _person(rng), "phone": _phone(rng)}
    if kind == "complaint":
        b = _pick_respondent(rng, businesses, online_share=0.4)
        category = _category_for(rng, b)
        issue = _issue(rng)
        request, facts, amount, bought, _item = _complaint_text(rng, b, category, issue, when.date())
        person["address"] = _home(rng, b.county[0][:2] if b.obj.kind == "ordinary" and rng.random() < 0.85 else None)
        data.update(complainant=person, respondent=_respondent_in(rng, b), category=category, issue_type=issue,
                    request=request, facts=facts, amount=str(amount), purchase_date=bought.isoformat(),
                    consent_disclosure=rng.random() < 0.6, consent_delegated_mediation=rng.random() < 0.4)
        if b.obj.kind in ("merchant", "platform", "self_operated"):
            data["order_number"] = "".join(rng.choice("0123456789") for _ in range(18))
            if b.obj.kind == "merchant":
                data["platform"] = b.obj.platform.uscc
        gap = rng.random()
        if gap < 0.03:
            person.pop("address")          # Art. 9: flagged incomplete, kept for a person to decide
        elif gap < 0.05:
            data["facts"] = ""
        elif rng.random() < 0.06:          # Art. 7: a complaint that also reports a violation
            v = _violation(rng, b)
            data["report"] = {"facts": _report_facts(rng, b, v), "violation_type": v,
                              "conduct_address": b.address}
        if rng.random() < 0.01 and category in ("prepaid", "education", "culture_sports"):
            data["joint_complainants"] = [
                {"name": _person(rng), "phone": _phone(rng), "representative": n == 0} for n in range(3)]
    elif kind == "report":
        b = _pick_respondent(rng, businesses, online_share=0.2)
        v = _violation(rng, b)
        anonymous = rng.random() < 0.3
        data.update(anonymous=anonymous, respondent=_respondent_in(rng, b), category=_category_for(rng, b),
                    violation_type=v, facts=_report_facts(rng, b, v))
        if b.address:
            data["conduct_address"] = b.address
        if not anonymous:
            data["complainant"] = person
    else:
        category = rng.choices(list(CATEGORIES), [c["w"] for c in CATEGORIES.values()])[0]
        item = rng.choice(CATEGORIES[category]["items"])
        data.update(complainant=person, category=category,
                    facts=rng.choice(CONSULT_QUESTIONS).format(item=item), request="请告知相关规定和维权途径。")
        if rng.random() < 0.4:
            b = _pick_respondent(rng, businesses, online_share=0.3)
            data["respondent"] = _respondent_in(rng, b)
    return data


def _cases(rng, count, businesses, users, key, *, progress=True, out=None):
    from tqdm import tqdm

    from ombud.intake.schemas import CaseIn
    from ombud.intake.services import Actor, BatchItem, submit_batch
    from ombud.regions.models import Authority

    _PLATFORM_BRANDS[:] = [(p.obj.pk, p.brand) for p in businesses["platform"]]
    tz = ZoneInfo(settings.TIME_ZONE)
    today = dt.datetime.now(tz).date()
    days, weights = _days(rng, today)
    hours = list(range(24))
    hour_w = [0.2] * 7 + [1, 2, 3, 3, 3, 2, 3, 3, 3, 3, 2, 2, 2, 2, 1.5, 1, 0.5]
    moments = []
    for _ in range(count):
        day = rng.choices(days, weights)[0]
        moments.append(dt.datetime(day.year, day.month, day.day, rng.choices(hours, hour_w)[0],
                                   rng.randint(0, 59), rng.randint(0, 59), tzinfo=tz))
    moments.sort()
    payloads = [_payload(rng, i, businesses, when) for i, when in enumerate(moments)]
    # Hotline calls and letters are entered by staff of the province that received them.
    provinces = {a.code: a for a in Authority.objects.filter(code__in={c[0][:2] + "0000" for c in COUNTIES})}
    operator = users["operator"]
    integrator = Actor(role="integrator", key=key)
    consumer = Actor(role="consumer", user=users["consumer"])
    desks = {}  # one operator Actor per province, so a batch can hold its calls and letters
    jobs = []
    for i, data in enumerate(payloads):
        if i >= count - 2 and data["kind"] == "complaint":
            # The consumer's own cases, filed in the portal just now (so they are not back-dated).
            data = {**data, "channel": "web", "received_at": None,
                    "complainant": {**data["complainant"], "name": FULL_NAMES["consumer"], "phone": "13800000000"}}
            actor = consumer
        elif data["channel"] in ("hotline", "letter"):
            home = (data.get("complainant") or {}).get("address") or (data.get("respondent") or {}).get("address") or ""
            province = next((c[0][:2] for c in COUNTIES if home.startswith(c[1])), "31")
            actor = desks.get(province) or desks.setdefault(province, Actor(
                role="operator", user=operator, authority=provinces.get(province + "0000")))
        else:
            actor = integrator
        jobs.append((data, actor))
    made = {"complaint": 0, "report": 0, "consultation": 0, "linked_reports": 0, "incomplete": 0}
    bar = tqdm(total=count, desc="demo cases", unit="case", file=out or sys.stderr, disable=not progress)
    # The intake service's batch path (bulk inserts, same preparation and routing as one by one), in
    # chronological chunks so that ids follow the receipt dates; one batch per submitter in a chunk.
    for start in range(0, len(jobs), CASE_BATCH):
        by_actor = {}
        for data, actor in jobs[start:start + CASE_BATCH]:
            by_actor.setdefault(id(actor), (actor, []))[1].append(data)
        for actor, items in by_actor.values():
            batch = [BatchItem(data=CaseIn.model_validate(data), raw=data) for data in items]
            for outcome in submit_batch(items=batch, actor=actor):
                if isinstance(outcome, Exception):
                    raise outcome
                made[outcome.case.kind] += 1
                made["incomplete"] += outcome.case.incomplete
                made["linked_reports"] += outcome.linked is not None
            bar.update(len(items))
    bar.close()
    return made
