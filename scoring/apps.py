from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScoringConfig(AppConfig):
    name = "scoring"
    verbose_name = _("Scoring")

    def ready(self):
        from certify.events import state_register, verb_register
        from scoring.models import SchemeVersion, ScoreSheet
        from scoring.verbs import Verb

        state_register(SchemeVersion.Status.choices)
        state_register(ScoreSheet.Status.choices)

        verb_register(Verb.choices)
