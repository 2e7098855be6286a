from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = _("Scoring")

    def ready(self):
        from certify.events import state_register, verb_register
        from scoring.models import SchemeVersion, ScoreSheet

        state_register(SchemeVersion.Status.choices)
        state_register(ScoreSheet.Status.choices)

        verb_register(
            {
                "scheme_version.created": _("Draft version created"),
                "scheme_version.published": _("Version published"),
                "scheme_version.retired": _("Version retired"),
                "scheme_version.normative_set": _("Marked normative"),
                "score_sheet.created": _("Score sheet started"),
                "score_sheet.submitted": _("Score sheet submitted"),
                "score_sheet.superseded": _("Score sheet superseded by a correction"),
            }
        )
