from django.utils.translation import get_language


def localized(obj, field_name):
    """The Chinese or English text of a bilingual field (`<name>_zh`,
    `<name>_en`): English when the page is English and the text exists."""
    english = getattr(obj, f"{field_name}_en", "")
    if get_language() == "en" and english:
        return english
    return getattr(obj, f"{field_name}_zh")
