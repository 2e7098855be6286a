"""The audit report as PDF (WeasyPrint, Chinese fonts first)."""

from django.template.loader import render_to_string
from django.utils import translation

from audits.selectors.audit import findings_for_audit
from certify.pdf import html_to_pdf
from certify.selectors import body_profile_get
from scoring.components import sheet_context


def audit_report_pdf(audit):

    from audits.selectors.callbacks import callback_calls, callback_rates_for
    from audits.selectors.nonconformity import nonconformities_for_audit

    with translation.override("zh-hans"):
        context = sheet_context(audit.sheet, editable=False)
        context.update(
            {
                "audit": audit,
                "case": audit.case,
                "team": list(audit.team.select_related("auditor")),
                "findings": findings_for_audit(audit),
                "nonconformities": list(nonconformities_for_audit(audit)),
                "callbacks": callback_rates_for(callback_calls(audit)),
                "body_profile": body_profile_get(),
                "title": audit.REPORT_TITLES[audit.kind][0],
                "subtitle": audit.REPORT_TITLES[audit.kind][1],
                "recommendation_name": next(
                    (
                        level.name_zh
                        for level in audit.case.version.levels.all()
                        if level.code == audit.recommendation
                    ),
                    str(audit.not_recommended_label),
                ),
            }
        )
        html = render_to_string("audits/pdf/report.html", context)
    return html_to_pdf(html)
