"""Every event verb written in the code has a label for the history, in
English and in Chinese (a raw code such as audit.special_deduction in a
case's history is what this catches)."""

import re
from pathlib import Path

from django.conf import settings
from django.utils import translation

from certify.events import verb_label

APPS = ("applications", "audits", "certificates", "certify", "scoring")
VERB = re.compile(r'verb="([a-z_]+\.[a-z_.]+)"')


def verbs_written():
    root = Path(settings.BASE_DIR)
    return sorted(
        {verb for app in APPS for path in (root / app).rglob("*.py") for verb in VERB.findall(path.read_text())}
    )


def test_the_code_writes_verbs_this_test_can_find():
    assert len(verbs_written()) > 50


def test_every_verb_written_has_a_label_in_english_and_in_chinese():
    unlabelled, untranslated = [], []
    for verb in verbs_written():
        with translation.override("en"):
            english = str(verb_label(verb))
        with translation.override("zh-hans"):
            chinese = str(verb_label(verb))
        if english == verb:
            unlabelled.append(verb)
        elif chinese == english:
            untranslated.append(verb)

    assert (unlabelled, untranslated) == ([], [])
