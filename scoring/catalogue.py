"""The schemes Certify ships, as data, and the one loader that writes them.

The data migration and the tests' fixture both call `load_shipped_schemes`,
so a transactional test that emptied the tables gets exactly what a fresh
database has.

GB/T 27922-2011 (DOMAIN.md decision 2): the confirmed structure — three
categories of 40/35/25 points and the 15 indicators — with the team's
placeholder split of the points (DOMAIN.md 2.5). Only item 5.1.2.2 (5 points)
is known from a source; the rest is a default the body replaces with its own
scoring sheet, so the version ships with `normative=False`.
"""

from decimal import Decimal

from django.apps import apps as live_apps
from django.utils import timezone

GBT27922 = "GBT27922-2011"
EXAMPLE_SEVEN_STAR = "EXAMPLE-7STAR"
EXAMPLE_TEN_STAR = "EXAMPLE-10STAR"

GBT_LEVELS = [
    {"code": "compliant", "name_zh": "达标级", "name_en": "Compliant", "min_score": 70},
    {"code": "star3", "name_zh": "三星级", "name_en": "Three-star", "min_score": 80},
    {"code": "star4", "name_zh": "四星级", "name_en": "Four-star", "min_score": 90},
    {"code": "star5", "name_zh": "五星级", "name_en": "Five-star", "min_score": 95},
]


def _item(code, clause, points, name_zh, name_en, evidence_zh="", evidence_en="", kind="qualitative"):
    return {
        "code": code,
        "clause": clause,
        "max_points": points,
        "name_zh": name_zh,
        "name_en": name_en,
        "evidence_zh": evidence_zh,
        "evidence_en": evidence_en,
        "kind": kind,
    }


def _indicator(code, clause, points, name_zh, name_en, items, aliases=""):
    return {
        "code": code,
        "clause": clause,
        "max_points": points,
        "name_zh": name_zh,
        "name_en": name_en,
        "aliases": aliases,
        "items": items,
    }


def _single(code, clause, points, name_zh, name_en, evidence_zh, evidence_en, aliases=""):
    """Indicators whose items are not public: one item carrying the points."""
    return _indicator(
        code,
        clause,
        points,
        name_zh,
        name_en,
        [
            _item(
                f"{code}.1",
                clause,
                points,
                f"{name_zh}（整体评价）",
                f"{name_en} (as a whole)",
                evidence_zh,
                evidence_en,
            )
        ],
        aliases,
    )


GBT_CATEGORIES = [
    {
        "code": "A",
        "name_zh": "售后服务体系",
        "name_en": "After-sales service system",
        "max_points": 40,
        "indicators": [
            _indicator(
                "A1", "5.1.1", 6, "组织架构", "Organisational structure",
                [
                    _item("A1.1", "5.1.1.1", 3,
                          "设立或指定负责售后服务的部门，职能和岗位设置合理",
                          "A department set up or designated for after-sales work, with sensible functions and posts",
                          "组织机构图、部门职责和岗位说明", "Organisation chart, department duties, job descriptions"),
                    _item("A1.2", "5.1.1.2", 3,
                          "服务网点按需覆盖销售区域并得到有效管理（网点可为自有或委托）",
                          "Service outlets cover the sales area as needed and are effectively managed (own or entrusted)",
                          "网点清单、委托协议、网点管理记录", "Outlet list, agreements with entrusted outlets, outlet management records"),
                ],
            ),
            _indicator(
                "A2", "5.1.2", 8, "人员配置", "Staffing",
                [
                    _item("A2.1", "5.1.2.1", 3,
                          "技术和业务人员具备岗位所需的资格和能力",
                          "Technical and business staff qualified for their posts",
                          "人员资格证书、培训记录", "Qualification certificates, training records", "sampled"),
                    _item("A2.2", "5.1.2.2", 5,
                          "售后服务管理师占服务管理人员的 10%，管理和指导售后服务工作",
                          "Certified after-sales service managers make up 10 % of service management staff and guide the work",
                          "售后服务管理师证书和名册", "After-sales service manager certificates and roster"),
                ],
            ),
            _indicator(
                "A3", "5.1.3", 8, "资源配置", "Resources",
                [
                    _item("A3.1", "5.1.3.1", 2,
                          "经费充足，并为特定问题准备专项资金（如赔偿准备金或保险）",
                          "Adequate funding and special funds for specific problems (e.g. a compensation reserve or insurance)",
                          "预算、专项资金或保险凭证", "Budget, special fund or insurance documents"),
                    _item("A3.2", "5.1.3.2", 3,
                          "内部支持：持续的技术技能培训、定期的服务文化培训、激励与关怀",
                          "Internal support: continuing skills training, regular service-culture training, recognition and staff care",
                          "培训计划与记录、激励制度", "Training plans and records, incentive rules"),
                    _item("A3.3", "5.1.3.3", 3,
                          "基础设施：办公和服务场所、顾客信息系统等售后设施、工具和备件",
                          "Infrastructure: premises, after-sales facilities such as a customer information system, tools and spare parts",
                          "现场查看场所、系统和备件库", "On-site look at premises, systems and spare-parts store"),
                ],
            ),
            _indicator(
                "A4", "5.1.4", 6, "规范要求", "Rules and specifications",
                [
                    _item("A4.1", "5.1.4.1", 3,
                          "各项售后服务活动和流程有成文规定，形成售后服务手册",
                          "Documented rules for every after-sales activity and process, forming an after-sales service manual",
                          "售后服务手册和程序文件", "After-sales service manual and procedures"),
                    _item("A4.2", "5.1.4.2", 3,
                          "识别适用的法律法规并使员工知晓",
                          "Applicable laws and regulations identified and known to staff",
                          "法律法规清单、员工访谈", "List of applicable laws, staff interviews"),
                ],
            ),
            _indicator(
                "A5", "5.1.5", 4, "监督", "Supervision",
                [
                    _item("A5.1", "5.1.5.1", 2,
                          "设立服务监督机构并配备专人监督售后体系运行",
                          "A service supervision body with dedicated staff watching how the system runs",
                          "监督机构任命文件、监督记录", "Appointment of the supervision body, supervision records"),
                    _item("A5.2", "5.1.5.2", 2,
                          "依据监督结果奖惩，持续修订服务目标，利用内外部监督评价提升质量",
                          "Rewards and penalties based on supervision; targets revised; internal and external evaluation used to improve",
                          "奖惩记录、目标修订记录", "Reward and penalty records, target revisions"),
                ],
            ),
            _single("A6", "5.1.6", 4, "改进", "Improvement",
                    "改进措施及其效果记录", "Improvement actions and records of their effect"),
            _single("A7", "5.1.7", 4, "服务文化", "Service culture",
                    "成文的服务理念；员工受过培训并能讲述",
                    "A written service policy; staff trained on it and able to explain it"),
        ],
    },
    {
        "code": "B",
        "name_zh": "商品服务",
        "name_en": "Commodity service",
        "max_points": 35,
        "indicators": [
            _single("B1", "5.2.1", 5, "商品信息", "Commodity information",
                    "说明书、标识、售前信息", "Manuals, labels, information given before sale"),
            _single("B2", "5.2.2", 6, "技术支持", "Technical support",
                    "安装、调试、用户培训记录", "Installation, commissioning and user-training records"),
            _single("B3", "5.2.3", 5, "配送", "Delivery",
                    "配送规范和记录", "Delivery rules and records"),
            _single("B4", "5.2.4", 8, "维修", "Repair and maintenance",
                    "维修网络、维修记录、备件供应", "Repair network, repair records, spare-part supply"),
            _single("B5", "5.2.5", 7, "质量保证", "Quality guarantee",
                    "退换货和三包执行记录", "Returns, exchanges and warranty (三包) records",
                    aliases="质量保障"),
            _single("B6", "5.2.6", 4, "废弃商品回收", "Take-back of discarded goods",
                    "回收渠道和记录", "Take-back channels and records"),
        ],
    },
    {
        "code": "C",
        "name_zh": "顾客服务",
        "name_en": "Customer service",
        "max_points": 25,
        "indicators": [
            _single("C1", "5.3.1", 12, "顾客关系", "Customer relations",
                    "反馈渠道、顾客档案、信息保密、每年至少一次满意度调查",
                    "Feedback channels, customer database, confidentiality, a satisfaction survey at least yearly",
                    aliases="客户关系"),
            _single("C2", "5.3.2", 13, "投诉处理", "Complaint handling",
                    "投诉记录与分派、结案回访、响应和解决时限、升级处理、应急演练",
                    "Complaints recorded and dispatched, call-back after closure, response and resolution targets, escalation, drills"),
        ],
    },
]

SHIPPED_SCHEMES = [
    {
        "code": GBT27922,
        "certificate_code": "AS",
        "name_zh": "GB/T 27922-2011 商品售后服务评价体系",
        "name_en": "GB/T 27922-2011 Commodity after-sales service evaluation system",
        "description_zh": "国家标准的评价体系：三个一级指标（40/35/25 分）和 15 个二级指标。"
        "各指标分值为团队的默认分配，请以本机构的评分表替换后标记为正式版本。",
        "description_en": "The national standard's rating: three categories (40/35/25 points) and "
        "15 indicators. The split of points per indicator is a default; replace it with the "
        "body's own scoring sheet, then mark the version normative.",
        "is_example": False,
        "levels": GBT_LEVELS,
        "settings": {},
    },
    {
        "code": EXAMPLE_SEVEN_STAR,
        "certificate_code": "AS7",
        "name_zh": "示例：七星级售后服务评价（本机构规则示例）",
        "name_en": "Example: seven-star after-sales rating (an example of a body's own rules)",
        "description_zh": "扩展星级方案的示例：在五星级之上增加需 97 分且服务体系运行满 12 个月的七星级。",
        "description_en": "An example extended scheme: a seven-star level above five stars that "
        "needs 97 points and 12 months of operation.",
        "is_example": True,
        "levels": GBT_LEVELS
        + [
            {
                "code": "star7",
                "name_zh": "七星级",
                "name_en": "Seven-star",
                "min_score": 97,
                "gates": [{"metric": "months_in_operation", "minimum": 12}],
            }
        ],
        "settings": {"min_months_in_operation": 12},
    },
    {
        "code": EXAMPLE_TEN_STAR,
        "certificate_code": "AS10",
        "name_zh": "示例：十星级售后服务评价（本机构规则示例）",
        "name_en": "Example: ten-star after-sales rating (an example of a body's own rules)",
        "description_zh": "扩展星级方案的示例：十星级需 95 分，且顾客满意度和一次解决率均不低于 90%。",
        "description_en": "An example extended scheme: a ten-star level at 95 points that also "
        "needs customer satisfaction and first-time resolution of at least 90 %.",
        "is_example": True,
        "levels": GBT_LEVELS
        + [
            {
                "code": "star10",
                "name_zh": "十星级",
                "name_en": "Ten-star",
                "min_score": 95,
                "gates": [
                    {"metric": "customer_satisfaction", "minimum": 90},
                    {"metric": "first_time_resolution", "minimum": 90},
                ],
            }
        ],
        "settings": {},
    },
]


def _certificate_code(Scheme, data):
    # Migration 0002 runs this loader on a historical model that predates
    # the field (added in 0003, which fills it in for rows made earlier).
    if any(field.name == "certificate_code" for field in Scheme._meta.fields):
        return {"certificate_code": data["certificate_code"]}
    return {}


def certificate_codes_fill(apps=None):
    """Give the shipped schemes their number code where it is still blank."""
    Scheme = (apps or live_apps).get_model("scoring", "Scheme")
    for data in SHIPPED_SCHEMES:
        Scheme.objects.filter(code=data["code"], certificate_code="").update(
            certificate_code=data["certificate_code"]
        )


def load_shipped_schemes(apps=None):
    """Create the shipped schemes' first published version unless present.

    `apps` is the migration's historical registry, or None for the live one.
    """
    if apps is None:
        apps = live_apps
    Scheme = apps.get_model("scoring", "Scheme")
    SchemeVersion = apps.get_model("scoring", "SchemeVersion")
    Level = apps.get_model("scoring", "Level")
    Gate = apps.get_model("scoring", "Gate")
    Category = apps.get_model("scoring", "Category")
    Indicator = apps.get_model("scoring", "Indicator")
    Item = apps.get_model("scoring", "Item")

    for data in SHIPPED_SCHEMES:
        if Scheme.objects.filter(code=data["code"]).exists():
            continue
        scheme = Scheme.objects.create(
            code=data["code"],
            name_zh=data["name_zh"],
            name_en=data["name_en"],
            description_zh=data["description_zh"],
            description_en=data["description_en"],
            is_example=data["is_example"],
            **_certificate_code(Scheme, data),
        )
        version = SchemeVersion.objects.create(
            scheme=scheme,
            number=1,
            status="published",
            normative=False,
            published_at=timezone.now(),
            notes="Shipped with Certify.",
            **data["settings"],
        )
        for position, level_data in enumerate(data["levels"]):
            level = Level.objects.create(
                version=version,
                position=position,
                code=level_data["code"],
                name_zh=level_data["name_zh"],
                name_en=level_data["name_en"],
                min_score=Decimal(level_data["min_score"]),
            )
            for gate in level_data.get("gates", []):
                Gate.objects.create(level=level, metric=gate["metric"], minimum=Decimal(gate["minimum"]))
        for c_position, category_data in enumerate(GBT_CATEGORIES):
            category = Category.objects.create(
                version=version,
                position=c_position,
                code=category_data["code"],
                name_zh=category_data["name_zh"],
                name_en=category_data["name_en"],
                max_points=Decimal(category_data["max_points"]),
            )
            for i_position, indicator_data in enumerate(category_data["indicators"]):
                indicator = Indicator.objects.create(
                    category=category,
                    position=i_position,
                    code=indicator_data["code"],
                    clause=indicator_data["clause"],
                    name_zh=indicator_data["name_zh"],
                    name_en=indicator_data["name_en"],
                    aliases=indicator_data["aliases"],
                    max_points=Decimal(indicator_data["max_points"]),
                )
                Item.objects.bulk_create(
                    Item(
                        indicator=indicator,
                        position=position,
                        code=item["code"],
                        clause=item["clause"],
                        name_zh=item["name_zh"],
                        name_en=item["name_en"],
                        max_points=Decimal(item["max_points"]),
                        kind=item["kind"],
                        evidence_zh=item["evidence_zh"],
                        evidence_en=item["evidence_en"],
                    )
                    for position, item in enumerate(indicator_data["items"])
                )
