from decimal import Decimal

import pytest

from certify.exceptions import CertifyError, InvalidTransition
from certify.models import Event
from scoring import services
from scoring.catalogue import GBT27922
from scoring.models import Item, Mark, ScoreSheet
from scoring.selectors import scheme_version_latest_published

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def version():
    return scheme_version_latest_published(GBT27922)


@pytest.fixture
def sheet(version, manager):
    return services.score_sheet_create(actor=manager, version=version)


def mark_all(sheet, actor, result="conforming"):
    for item in Item.objects.filter(indicator__category__version=sheet.version):
        services.mark_set(actor=actor, sheet=sheet, item_id=item.pk, result=result)


def item(version, code):
    return Item.objects.get(indicator__category__version=version, code=code)


def test_the_shipped_scheme_has_the_standards_structure(version):
    from scoring.selectors import version_tree

    tree = version_tree(version)
    assert [(c.code, c.max_points) for c in tree] == [("A", 40), ("B", 35), ("C", 25)]
    indicators = [i for c in tree for i in c.indicators.all()]
    assert len(indicators) == 15
    assert next(i for i in indicators if i.code == "A2").items.get(code="A2.2").max_points == 5
    assert version.normative is False


def test_a_sheet_starts_as_a_draft_with_an_event(sheet, manager):
    assert sheet.status == ScoreSheet.Status.DRAFT
    assert Event.objects.filter(verb="score_sheet.created", object_id=sheet.pk).exists()


def test_marking_an_item_twice_keeps_one_mark(sheet, manager, version):
    services.mark_set(actor=manager, sheet=sheet, item_id=item(version, "A1.1").pk, result="conforming")
    services.mark_set(actor=manager, sheet=sheet, item_id=item(version, "A1.1").pk, result="nonconforming")
    assert list(sheet.marks.values_list("result", flat=True)) == ["nonconforming"]


def test_a_sampled_mark_needs_both_counts(sheet, manager, version):
    with pytest.raises(CertifyError, match="how many samples"):
        services.mark_set(actor=manager, sheet=sheet, item_id=item(version, "A2.1").pk, result="sampled", samples=5)


def test_more_conforming_samples_than_samples_is_refused(sheet, manager, version):
    with pytest.raises(CertifyError, match="between 0 and the number of samples"):
        services.mark_set(
            actor=manager, sheet=sheet, item_id=item(version, "A2.1").pk, result="sampled", samples=5, conforming=6
        )


def test_a_deletion_needs_its_reason(sheet, manager, version):
    with pytest.raises(CertifyError, match="does not apply"):
        services.mark_set(actor=manager, sheet=sheet, item_id=item(version, "B6.1").pk, result="deleted")


def test_an_item_of_another_version_is_refused(sheet, manager):
    other = Item.objects.exclude(indicator__category__version=sheet.version).first()
    with pytest.raises(CertifyError, match="not part of the sheet"):
        services.mark_set(actor=manager, sheet=sheet, item_id=other.pk, result="conforming")


def test_submitting_with_unmarked_items_is_refused_with_the_count(sheet, manager, version):
    services.mark_set(actor=manager, sheet=sheet, item_id=item(version, "A1.1").pk, result="conforming")
    with pytest.raises(CertifyError, match="20 item"):
        services.score_sheet_submit(actor=manager, sheet=sheet)


def test_submitting_freezes_the_score_and_level(sheet, manager, version):
    mark_all(sheet, manager)
    services.mark_set(actor=manager, sheet=sheet, item_id=item(version, "C2.1").pk, result="nonconforming")
    sheet = services.score_sheet_submit(actor=manager, sheet=sheet)
    assert (sheet.score, sheet.level_code) == (Decimal("87.00"), "star3")
    assert sheet.result["score"] == "87.00"
    with pytest.raises(InvalidTransition, match="frozen"):
        services.mark_set(actor=manager, sheet=sheet, item_id=item(version, "A1.1").pk, result="nonconforming")


def test_submitting_twice_writes_one_event(sheet, manager):
    mark_all(sheet, manager)
    services.score_sheet_submit(actor=manager, sheet=sheet)
    services.score_sheet_submit(actor=manager, sheet=sheet)
    assert Event.objects.filter(verb="score_sheet.submitted", object_id=sheet.pk).count() == 1


def test_a_correction_copies_the_marks_and_supersedes_the_original_when_submitted(sheet, manager, version):
    mark_all(sheet, manager)
    services.special_deduction_add(actor=manager, sheet=sheet, rule="law", reason="无证经营")
    services.score_sheet_submit(actor=manager, sheet=sheet)
    correction = services.score_sheet_correct(actor=manager, sheet=sheet)
    assert correction.marks.count() == 21
    assert correction.special_deductions.count() == 1
    services.mark_set(actor=manager, sheet=correction, item_id=item(version, "A1.1").pk, result="nonconforming")
    correction = services.score_sheet_submit(actor=manager, sheet=correction)
    sheet.refresh_from_db()
    assert sheet.status == ScoreSheet.Status.SUPERSEDED
    assert sheet.score == Decimal("99.00")
    assert correction.score == Decimal("96.00")


def test_the_special_bonus_is_capped_by_the_scheme(sheet, manager):
    with pytest.raises(CertifyError, match="at most 1"):
        services.special_bonus_set(actor=manager, sheet=sheet, bonus=2, reason="行业领先")


def test_a_percentage_metric_above_one_hundred_is_refused(sheet, manager):
    with pytest.raises(CertifyError, match="between 0 and 100"):
        services.metric_set(actor=manager, sheet=sheet, metric="customer_satisfaction", value=101, source="self_reported")


def test_a_sheet_needs_a_published_version(manager):
    from tests.scoring.builders import published_version

    draft = published_version(status="draft")
    with pytest.raises(CertifyError, match="published"):
        services.score_sheet_create(actor=manager, version=draft)


def test_a_mark_row_constraint_refuses_inconsistent_samples(sheet, manager, version):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Mark.objects.create(
            sheet=sheet, item=item(version, "A2.1"), result="sampled", samples=3, conforming=4, updated_by=manager
        )
