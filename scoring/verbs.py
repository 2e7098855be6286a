"""The event verbs of scheme versions and score sheets: each written once here
with the label the history shows (DESIGN.md "How a transition is written")."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Verb(models.TextChoices):
    SCHEME_VERSION_CREATED = "scheme_version.created", _("Draft version created")
    SCHEME_VERSION_PUBLISHED = "scheme_version.published", _("Version published")
    SCHEME_VERSION_RETIRED = "scheme_version.retired", _("Version retired")
    SCHEME_VERSION_NORMATIVE_SET = "scheme_version.normative_set", _("Marked normative")
    SCORE_SHEET_CREATED = "score_sheet.created", _("Score sheet started")
    SCORE_SHEET_SUBMITTED = "score_sheet.submitted", _("Score sheet submitted")
    SCORE_SHEET_SUPERSEDED = "score_sheet.superseded", _("Score sheet superseded by a correction")
