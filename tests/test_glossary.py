"""The terms of docs/GLOSSARY.md hold in the Chinese catalogue: a wrong term
is refused where the glossary says it is wrong, not everywhere."""

import re
from dataclasses import dataclass
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

from audits.models import Audit

GLOSSARY = Path(settings.BASE_DIR) / "docs" / "GLOSSARY.md"
CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


@dataclass(frozen=True)
class Rule:
    english: tuple
    context: str
    wrong: tuple

    def _mentions(self, entry, word):
        return entry.msgctxt == word or _contains_word(entry.msgid, word)

    def applies_to(self, entry):
        if not any(_contains_word(entry.msgid, form) for form in self.english):
            return False
        if self.context == "any":
            return True
        if self.context.startswith("not "):
            return not self._mentions(entry, self.context.removeprefix("not "))
        return bool(self._mentions(entry, self.context))

    def broken_by(self, entry):
        translations = [entry.msgstr, *entry.msgstr_plural.values()]
        return self.applies_to(entry) and any(wrong in text for wrong in self.wrong for text in translations)


def _contains_word(text, word):
    """`word` in `text` as a word or the start of one ("fee" in "fees",
    "review" in "reviewer")."""
    return re.search(rf"\b{re.escape(word)}\w*", text, re.IGNORECASE) is not None


def _forms(cell):
    return tuple(form.strip() for form in cell.split("/") if form.strip())


def glossary_rules(text):
    """The rows of the glossary's "Enforced" table."""
    section = text.split("## Enforced", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")][2:]
    rules = []
    for row in rows:
        english, context, _right, wrong, _note = (cell.strip().strip("`") for cell in row.strip().strip("|").split("|"))
        rules.append(Rule(english=_forms(english), context=context, wrong=_forms(wrong)))
    return rules


def glossary_violations(entries, rules):
    return [
        f"{entry.msgctxt or '-'} | {entry.msgid} → {entry.msgstr}: {'/'.join(rule.wrong)} is wrong here"
        for entry in entries
        if not entry.obsolete
        for rule in rules
        if rule.broken_by(entry)
    ]


@pytest.fixture(scope="module")
def rules():
    return glossary_rules(GLOSSARY.read_text(encoding="utf-8"))


def test_the_glossary_holds_rules_for_the_terms_the_standard_fixes(rules):
    assert {wrong for rule in rules for wrong in rule.wrong} >= {"撤回", "年度监督费", "换版", "初审", "组织档案"}


def test_the_chinese_catalogue_uses_the_glossarys_terms(rules):
    assert glossary_violations(polib.pofile(str(CATALOGUE)), rules) == []


def test_a_wrong_term_in_its_context_is_refused(rules):
    wrong = polib.POEntry(msgctxt="certificate", msgid="Withdraw", msgstr="撤回")

    assert glossary_violations([wrong], rules) == [
        "certificate | Withdraw → 撤回: 撤回 is wrong here"
    ]


def test_the_same_term_is_right_in_another_context(rules):
    application = polib.POEntry(msgid="Withdraw the application", msgstr="撤回申请")

    assert glossary_violations([application], rules) == []


def test_the_fee_keeps_its_own_word(rules):
    fee = polib.POEntry(msgid="Annual surveillance fee", msgstr="年度监督费")

    assert glossary_violations([fee], rules) == []


def test_a_surveillance_report_is_titled_as_one():
    assert "监督审核报告" in Audit.REPORT_TITLES[Audit.Kind.SURVEILLANCE][0]


def test_a_surveillance_lead_recommends_against_keeping_the_certificate():
    with translation.override("zh-hans"):
        assert str(Audit(kind=Audit.Kind.SURVEILLANCE).not_recommended_label) == "不推荐保持认证"


def test_an_onsite_lead_recommends_against_certifying():
    with translation.override("zh-hans"):
        assert str(Audit(kind=Audit.Kind.ONSITE).not_recommended_label) == "不推荐认证"
