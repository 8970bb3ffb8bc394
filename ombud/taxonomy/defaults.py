"""Default taxonomies from DESIGN.md (China Consumers Association issue types and shares)."""

GOODS = [
    ("household_electronics", "家用电子电器", "Household electronics"),
    ("clothing_footwear", "服装鞋帽", "Clothing and footwear"),
    ("daily_goods", "日用商品", "Daily goods"),
    ("food", "食品", "Food"),
    ("transport", "交通工具及零部件", "Transport and parts"),
    ("communication", "通讯产品", "Communication products"),
    ("computers", "计算机类", "Computers"),
    ("medicine_devices", "医药及医疗用品", "Medicine and medical devices"),
    ("cosmetics", "化妆品", "Cosmetics"),
    ("building_materials", "房屋建材", "Building materials"),
    ("agricultural_inputs", "农用生产资料", "Agricultural inputs"),
    ("other_goods", "其他商品", "Other goods"),
]
SERVICES = [
    ("internet", "互联网服务", "Internet services"),
    ("life_social", "生活社会服务", "Life and social services"),
    ("education", "教育培训服务", "Education and training"),
    ("sales", "销售服务", "Sales services"),
    ("culture_sports", "文化娱乐体育服务", "Culture, entertainment and sports"),
    ("finance", "金融服务", "Financial services"),
    ("insurance", "保险服务", "Insurance"),
    ("telecom", "电信服务", "Telecom services"),
    ("tourism", "旅游服务", "Tourism"),
    ("catering_accommodation", "餐饮和住宿服务", "Catering and accommodation"),
    ("postal_express", "邮政业服务", "Postal and express"),
    ("real_estate", "房屋及物业服务", "Real estate"),
    ("home_decoration", "房屋装修服务", "Home decoration"),
    ("utilities", "公用事业服务", "Public utilities"),
    ("prepaid", "预付式消费", "Prepaid consumption"),
    ("other_services", "其他服务", "Other services"),
]
# (code, zh, en, share of complaints Q1 2025 in %)
ISSUES = [
    ("contract", "合同", "Contract", 26.6),
    ("after_sales", "售后服务", "After-sales service", 26.1),
    ("quality", "质量", "Quality", 19.7),
    ("false_advertising", "虚假宣传", "False advertising", 7.3),
    ("safety", "安全", "Safety", 5.8),
    ("price", "价格", "Price", 4.2),
    ("counterfeit", "假冒", "Counterfeit", 3.5),
    ("personal_rights", "人格尊严", "Personal rights", 1.1),
    ("measurement", "计量", "Measurement", 0.9),
    ("other", "其他", "Other", 5.0),
]
VIOLATIONS = [
    ("price", "价格违法", "Price"),
    ("consumer_rights", "侵害消费者权益", "Consumer rights"),
    ("advertising", "广告违法", "Advertising"),
    ("unlicensed", "无照经营", "Unlicensed trading"),
    ("unfair_competition", "不正当竞争", "Unfair competition"),
    ("product_quality", "产品质量", "Product quality"),
    ("food_safety", "食品安全", "Food safety"),
    ("other", "其他", "Other"),
]


def rows():
    out = []
    for i, (code, zh, en) in enumerate(GOODS):
        out.append(dict(scheme="category", code=code, group="goods", name_zh=zh, name_en=en, sort=i))
    for i, (code, zh, en) in enumerate(SERVICES):
        out.append(dict(scheme="category", code=code, group="services", name_zh=zh, name_en=en, sort=100 + i))
    for i, (code, zh, en, _share) in enumerate(ISSUES):
        out.append(dict(scheme="issue", code=code, name_zh=zh, name_en=en, sort=i))
    for i, (code, zh, en) in enumerate(VIOLATIONS):
        out.append(dict(scheme="violation", code=code, name_zh=zh, name_en=en, sort=i))
    return out
