"""PDF documents of the applications app (WeasyPrint, Chinese fonts first)."""

from django.template.loader import render_to_string
from django.utils import translation

from applications.fees import fee_schedule_get
from certify.pdf import html_to_pdf
from certify.selectors import body_profile_get


def _pdf(template, context):

    # Contracts are bilingual documents; their labels are rendered in Chinese
    # whatever language the person who triggered the rendering uses.
    with translation.override("zh-hans"):
        html = render_to_string(template, {"body_profile": body_profile_get(), **context})
    return html_to_pdf(html)


def contract_pdf(contract):
    case = contract.case
    level = case.version.levels.filter(code=case.target_level).first()
    return _pdf(
        "applications/case/pdf/contract.html",
        {
            "contract": contract,
            "case": case,
            "organisation": case.organisation,
            "target_level_name": level.name_zh if level else case.target_level,
            "payment_terms": fee_schedule_get().payment_terms,
        },
    )


def supplement_notice_pdf(supplement):
    case = supplement.case
    return _pdf("applications/case/pdf/supplement_notice.html", {"case": case, "supplement": supplement})
