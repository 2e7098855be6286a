"""The application materials each shipped scheme asks for (DOMAIN.md 5.8),
as data. The data migration and the tests' fixture call the same loader."""

from django.apps import apps as live_apps

# code, Chinese name, English name, required, Chinese hint, English hint
MATERIAL_TYPES = [
    ("business_licence", "营业执照", "Business licence", True,
     "载有统一社会信用代码的营业执照副本", "Copy of the business licence showing the unified social credit code"),
    ("permits", "行政许可和资质证书", "Permits and qualifications", False,
     "法律法规要求时提供", "Where the law requires them"),
    ("product_description", "产品和服务说明", "Products and services", True,
     "生产企业附产品检验报告", "Producers add product inspection reports"),
    ("laws_and_standards", "适用的法律法规和标准清单", "Applicable laws and standards", True, "", ""),
    ("organisation_profile", "组织简介", "Organisation profile", True, "", ""),
    ("organisation_chart", "组织机构图（含售后服务部门）", "Organisation chart (with after-sales)", True, "", ""),
    ("outlet_list", "销售和服务网点清单", "Sales and service outlets", True, "", ""),
    ("service_manual", "售后服务手册和程序文件", "After-sales service manual and procedures", True, "", ""),
    ("service_records", "售后服务记录", "After-sales service records", True,
     "近三个月的服务记录样本", "Samples of service records from the last three months"),
    ("satisfaction_survey", "顾客满意度调查结果", "Customer satisfaction survey results", True, "", ""),
    ("staff_certificates", "人员证书和培训记录", "Staff certificates and training records", True,
     "含售后服务管理师证书", "Including after-sales service manager certificates"),
]


def load_material_types(apps=None):
    """Give every scheme the standard list of materials, unless it has one."""
    apps = apps or live_apps
    Scheme = apps.get_model("scoring", "Scheme")
    MaterialType = apps.get_model("applications", "MaterialType")
    for scheme in Scheme.objects.all():
        if MaterialType.objects.filter(scheme=scheme).exists():
            continue
        MaterialType.objects.bulk_create(
            MaterialType(
                scheme=scheme,
                position=position,
                code=code,
                name_zh=name_zh,
                name_en=name_en,
                required=required,
                description_zh=hint_zh,
                description_en=hint_en,
            )
            for position, (code, name_zh, name_en, required, hint_zh, hint_en) in enumerate(
                MATERIAL_TYPES
            )
        )
