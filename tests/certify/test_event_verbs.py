"""Event verbs are declared once per app, in its verbs.Verb, with the label
the history shows in English and in Chinese (a raw code such as
audit.special_deduction in a case's history is what this catches)."""

import re
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from certify.events import verb_label

APPS = ("applications", "audits", "certificates", "certify", "scoring")
BARE_VERB = re.compile(r'verb\s*=\s*f?"[^"]*"')


def _verbs(app):
    return import_module(f"{app}.verbs").Verb


def test_no_verb_is_written_as_a_bare_string():
    root = Path(settings.BASE_DIR)
    bare = [
        f"{path.relative_to(root)}: {match}"
        for app in APPS
        for path in (root / app).rglob("*.py")
        if "migrations" not in path.parts
        for match in BARE_VERB.findall(path.read_text(encoding="utf-8"))
    ]
    assert bare == []


def test_no_verb_is_declared_by_two_apps():
    values = [verb.value for app in APPS for verb in _verbs(app)]
    assert len(values) == len(set(values))


@pytest.mark.parametrize("app", APPS)
def test_every_verb_of_the_app_has_a_label_in_english_and_in_chinese(app):
    unlabelled, untranslated = [], []
    for verb in _verbs(app):
        with translation.override("en"):
            english = str(verb_label(verb))
        with translation.override("zh-hans"):
            chinese = str(verb_label(verb))
        if english == verb.value:
            unlabelled.append(verb.value)
        elif chinese == english:
            untranslated.append(verb.value)

    assert (unlabelled, untranslated) == ([], [])
