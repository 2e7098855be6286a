"""Scheme versions of any size for tests, built straight in the database."""

from decimal import Decimal

from scoring.models import Category, Indicator, Item, Level, Scheme, SchemeVersion

LEVELS = [("compliant", "达标级", 70), ("star3", "三星级", 80), ("star4", "四星级", 90), ("star5", "五星级", 95)]


def published_version(*, items=15, code="TEST", status=SchemeVersion.Status.PUBLISHED):
    """A version of one category and five indicators sharing `items` items
    of equal points (100 in all)."""
    scheme, _ = Scheme.objects.get_or_create(code=code, defaults={"name_zh": f"测试方案 {code}"})
    version = SchemeVersion.objects.create(
        scheme=scheme, number=scheme.versions.count() + 1, status=status
    )
    for position, (level_code, name, minimum) in enumerate(LEVELS):
        Level.objects.create(
            version=version, position=position, code=level_code, name_zh=name, min_score=minimum
        )
    category = Category.objects.create(version=version, code="A", name_zh="类别", max_points=100)
    indicators = 5
    per_indicator = items // indicators
    points = Decimal(100) / Decimal(items)
    for i in range(indicators):
        indicator = Indicator.objects.create(
            category=category,
            position=i,
            code=f"A{i + 1}",
            name_zh=f"指标 {i + 1}",
            max_points=points * per_indicator,
        )
        Item.objects.bulk_create(
            Item(
                indicator=indicator,
                position=j,
                code=f"A{i + 1}.{j + 1}",
                name_zh=f"要求 {i + 1}.{j + 1}",
                max_points=points,
            )
            for j in range(per_indicator)
        )
    return version
