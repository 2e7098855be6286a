"""The reason codes shipped as a starting list (DOMAIN.md 5.7); managers
add, rename and retire their own. One loader for the migration and tests."""

from django.apps import apps as live_apps

SHIPPED_REASON_CODES = {
    "suspend": [
        ("S01", "监督审核发现不符合且未在期限内整改", "Surveillance found a nonconformity not corrected in time"),
        ("S02", "未按期接受监督审核", "Surveillance audit not held when due"),
        ("S03", "误用证书或认证标志", "Misuse of the certificate or the certification mark"),
        ("S04", "获证组织申请暂停", "Suspension requested by the holder"),
        ("S05", "发生严重售后服务质量问题", "Serious after-sales service failure"),
    ],
    "reinstate": [
        ("R01", "暂停原因已消除并经验证", "Cause of the suspension removed and verified"),
        ("R02", "监督审核已完成且结果符合", "Surveillance audit held with a conforming result"),
    ],
    "withdraw": [
        ("W01", "暂停期满仍未恢复符合", "Suspension period ended without conformity restored"),
        ("W02", "提供虚假材料或存在欺诈", "False information or fraud"),
        ("W03", "严重违反认证要求", "Serious breach of the certification requirements"),
        ("W04", "拒绝接受监督", "Surveillance refused"),
    ],
    "cancel": [
        ("C01", "获证组织申请注销", "Cancellation requested by the holder"),
        ("C02", "获证组织终止经营", "Holder ceased business"),
        ("C03", "认证范围内的服务已停止提供", "Certified service no longer provided"),
    ],
    "revise": [
        ("V01", "认证范围缩小", "Scope reduced"),
        ("V02", "评价等级降低", "Level lowered"),
        ("V03", "组织名称或地址变更", "Name or address of the holder changed"),
    ],
}


def load_reason_codes(apps=None):
    """Create the shipped codes that are missing; never change existing ones."""
    ReasonCode = (apps or live_apps).get_model("certificates", "ReasonCode")
    for action, rows in SHIPPED_REASON_CODES.items():
        for position, (code, label_zh, label_en) in enumerate(rows):
            ReasonCode.objects.get_or_create(
                action=action,
                code=code,
                defaults={"label_zh": label_zh, "label_en": label_en, "position": position},
            )
