"""The managers' scheme editor (issue 3 item 2): access, the tree with its
sums, inline editing of a draft, publish (refused naming the node, then
published after the fix), clone, normative, retire."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scoring import services, urls
from scoring.catalogue import GBT27922
from scoring.models import Category, Indicator, Item, Level, SchemeVersion
from scoring.selectors import PROCESS_SETTINGS
from tests.access import client_as, expect, managers_only, matrix_params, url_names

pytestmark = pytest.mark.django_db

POST_ONLY = expect(302, 403, 403, 403, 403, 405)

PAGES = {
    "scoring:scheme_list": managers_only(),
    "scoring:version_detail": managers_only(),
    "scoring:version_settings": managers_only(),
    "scoring:node_add": managers_only(),
    "scoring:node_add_to": managers_only(),
    "scoring:node_edit": managers_only(),
    "scoring:version_clone": POST_ONLY,
    "scoring:version_publish": POST_ONLY,
    "scoring:version_retire": POST_ONLY,
    "scoring:version_normative": POST_ONLY,
    "scoring:node_delete": POST_ONLY,
}


@pytest.fixture
def shipped(db):
    return SchemeVersion.objects.get(scheme__code=GBT27922, number=1)


@pytest.fixture
def draft(shipped, manager):
    return services.scheme_version_clone(actor=manager, version=shipped)


@pytest.fixture
def manager_client(client, manager, english):
    client.force_login(manager)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def item_of(version, code):
    return Item.objects.get(indicator__category__version=version, code=code)


def indicator_of(version, code):
    return Indicator.objects.get(category__version=version, code=code)


def detail(version):
    return reverse("scoring:version_detail", args=[version.public_id])


def page_text(response):
    return response.content.decode()


@pytest.fixture
def page_url(draft):
    item = item_of(draft, "A1.1")
    arguments = {
        "scoring:scheme_list": [],
        "scoring:node_add": [draft.public_id, "category"],
        "scoring:node_add_to": [draft.public_id, "item", item.indicator_id],
        "scoring:node_edit": [draft.public_id, "item", item.pk],
        "scoring:node_delete": [draft.public_id, "item", item.pk],
    }
    return lambda name: reverse(name, args=arguments.get(name, [draft.public_id]))


# --- Access ---------------------------------------------------------------------


def test_the_matrix_covers_every_page_of_the_editor():
    missing = url_names(urls.urlpatterns, "scoring") - set(PAGES)

    assert missing == set(), f"pages missing from the access matrix: {sorted(missing)}"


@pytest.mark.parametrize(("name", "role", "status"), matrix_params(PAGES))
def test_page_answers_each_role_as_expected(client, request, page_url, name, role, status):
    client = client_as(client, request, role)

    response = client.get(page_url(name))

    assert response.status_code == status


def test_an_anonymous_visitor_is_sent_to_sign_in_and_back(client, page_url):
    url = page_url("scoring:version_detail")

    response = client.get(url)

    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("role", ["applicant", "auditor"])
def test_a_non_manager_may_not_publish(client, request, draft, role):
    client = client_as(client, request, role)

    response = client.post(reverse("scoring:version_publish", args=[draft.public_id]))

    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.status == SchemeVersion.Status.DRAFT


def test_an_unknown_kind_of_node_is_404(manager_client, draft):
    response = manager_client.get(f"/schemes/versions/{draft.public_id}/banana/new/")

    assert response.status_code == 404


def test_a_node_of_another_version_is_404(manager_client, draft, shipped):
    item = item_of(shipped, "A1.1")

    response = manager_client.get(
        reverse("scoring:node_edit", args=[draft.public_id, "item", item.pk])
    )

    assert response.status_code == 404


def test_the_navigation_links_the_scheme_list_for_managers(manager_client):
    response = manager_client.get(reverse("applications:manager_home"))

    assert reverse("scoring:scheme_list") in page_text(response)


# --- The list and the tree --------------------------------------------------------


def test_the_list_shows_every_scheme_with_its_versions(manager_client, draft):
    response = manager_client.get(reverse("scoring:scheme_list"))

    text = page_text(response)
    assert response.status_code == 200
    for code in ("GBT27922-2011", "EXAMPLE-7STAR", "EXAMPLE-10STAR"):
        assert code in text
    assert f'data-testid="version-{GBT27922}-2"' in text
    assert "Not normative" in text
    assert reverse("scoring:version_clone", args=[draft.public_id]) not in text


def test_the_tree_shows_points_running_sums_and_the_not_normative_notice(
    manager_client, shipped
):
    response = manager_client.get(detail(shipped))

    text = page_text(response)
    assert response.status_code == 200
    assert 'data-testid="not-normative"' in text
    assert 'data-testid="sum-problem"' not in text
    assert "categories sum to 100" in text
    assert "running total 75 / 100" in text
    assert 'data-testid="item-A2.2"' in text
    # Published versions are read-only: no editing controls.
    assert "hx-get" not in text
    assert 'data-testid="publish"' not in text


def test_the_tree_marks_every_sum_that_does_not_add_up(manager_client, manager, draft):
    item = item_of(draft, "A1.1")
    item.max_points = Decimal("4")
    services.scheme_node_save(actor=manager, node=item)

    response = manager_client.get(detail(draft))

    text = page_text(response)
    assert 'data-testid="sum-problem"' in text
    assert "Items sum to 7, not 6" in text
    assert "Indicators sum to" not in text  # A1 still says 6: category A adds up
    assert "Items of indicator A1 sum to 7.00, not 6.00." in text


def test_the_tree_marks_categories_not_summing_to_100(manager_client, manager, draft):
    category = Category.objects.get(version=draft, code="C")
    category.max_points = Decimal("30")
    services.scheme_node_save(actor=manager, node=category)

    text = page_text(manager_client.get(detail(draft)))

    assert "Indicators sum to 25, not 30" in text
    assert "Categories sum to 105, not 100" in text


def test_the_detail_page_runs_as_many_queries_for_60_items_as_for_21(
    manager_client, manager, shipped, draft
):
    assert Item.objects.filter(indicator__category__version=shipped).count() == 21
    indicators = list(Indicator.objects.filter(category__version=draft))
    for number in range(39):
        services.scheme_node_save(
            actor=manager,
            node=Item(
                indicator=indicators[number % len(indicators)],
                code=f"X{number}",
                name_zh=f"附加 {number}",
                max_points=Decimal("1"),
            ),
        )
    assert Item.objects.filter(indicator__category__version=draft).count() == 60
    manager_client.get(detail(shipped))  # warm caches (sessions, content types)

    with CaptureQueriesContext(connection) as with_21:
        assert manager_client.get(detail(shipped)).status_code == 200
    with CaptureQueriesContext(connection) as with_60:
        assert manager_client.get(detail(draft)).status_code == 200

    assert len(with_60.captured_queries) == len(with_21.captured_queries)


def test_the_history_panel_shows_events_and_field_changes(manager_client, manager, draft):
    item = item_of(draft, "A1.1")
    item.max_points = Decimal("2")
    services.scheme_node_save(actor=manager, node=item)

    text = page_text(manager_client.get(detail(draft)))

    assert "Draft version created" in text
    assert 'data-testid="changes"' in text
    assert "<code>A1.1</code>" in text


# --- Editing a draft ----------------------------------------------------------------


def test_a_manager_edits_an_item_of_a_draft(manager_client, draft):
    item = item_of(draft, "A1.1")
    url = reverse("scoring:node_edit", args=[draft.public_id, "item", item.pk])

    form = manager_client.get(url)
    response = manager_client.post(
        url,
        {
            "code": "A1.1",
            "clause": "5.1.1.1",
            "name_zh": "新的要求",
            "name_en": "A new requirement",
            "max_points": "2.5",
            "kind": "sampled",
            "evidence_zh": "记录",
            "evidence_en": "Records",
            "position": "0",
        },
    )

    assert form.status_code == 200
    assert response.status_code == 302
    assert response["Location"] == f"{detail(draft)}#item-{item.pk}"
    item.refresh_from_db()
    assert item.max_points == Decimal("2.5")
    assert item.kind == Item.Kind.SAMPLED
    assert item.name_en == "A new requirement"


def test_the_inline_form_comes_as_a_partial_and_a_save_reloads_the_page(
    manager_client, draft
):
    indicator = indicator_of(draft, "A1")
    url = reverse("scoring:node_add_to", args=[draft.public_id, "item", indicator.pk])

    form = manager_client.get(url, headers={"HX-Request": "true"})
    response = manager_client.post(
        url,
        {"code": "A1.3", "name_zh": "新条款", "max_points": "1", "kind": "qualitative",
         "position": "2"},
        headers={"HX-Request": "true"},
    )

    assert "<html" not in page_text(form)
    assert 'data-testid="editor-form"' in page_text(form)
    assert response.status_code == 200
    new = item_of(draft, "A1.3")
    assert response["HX-Refresh"] == "true"
    assert new.indicator == indicator


@pytest.mark.parametrize(
    ("points", "error"),
    [
        ("-1", "Points must be more than 0."),
        ("0", "Points must be more than 0."),
        ("three", "Enter a number."),
        ("123456789", "Ensure that there are no more than 7 digits in total."),
    ],
)
def test_bad_points_are_refused_on_the_form(manager_client, draft, points, error):
    item = item_of(draft, "A1.1")
    url = reverse("scoring:node_edit", args=[draft.public_id, "item", item.pk])

    response = manager_client.post(
        url, {"code": "A1.1", "name_zh": "x", "max_points": points, "kind": "qualitative",
              "position": "0"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert error in page_text(response)
    item.refresh_from_db()
    assert item.max_points == Decimal("3")


@pytest.mark.parametrize(
    ("kind", "code", "data"),
    [
        ("category", "B", {"name_zh": "重复", "max_points": "1", "position": "9"}),
        ("level", "star3", {"name_zh": "重复", "min_score": "85", "position": "9"}),
    ],
)
def test_a_duplicate_code_is_refused_with_a_message(manager_client, draft, kind, code, data):
    url = reverse("scoring:node_add", args=[draft.public_id, kind])

    response = manager_client.post(url, {"code": code, **data})

    assert response.status_code == 200
    assert f"The code {code} is already used in this version." in page_text(response)


def test_a_duplicate_item_code_is_refused_with_a_message(manager_client, draft):
    indicator = indicator_of(draft, "B1")
    url = reverse("scoring:node_add_to", args=[draft.public_id, "item", indicator.pk])

    response = manager_client.post(
        url, {"code": "A1.1", "name_zh": "重复", "max_points": "1", "kind": "qualitative",
              "position": "1"}
    )

    assert "The code A1.1 is already used in this version." in page_text(response)
    assert Item.objects.filter(indicator__category__version=draft, code="A1.1").count() == 1


def test_an_integrity_error_from_the_database_is_shown_not_a_500(
    manager_client, draft, monkeypatch
):
    def refuse(**kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(services, "scheme_node_save", refuse)
    url = reverse("scoring:node_add", args=[draft.public_id, "category"])

    response = manager_client.post(
        url, {"code": "D", "name_zh": "新", "max_points": "1", "position": "3"}
    )

    assert response.status_code == 200
    assert "Another category of this version already has these values" in page_text(response)


def test_a_gate_on_a_metric_the_level_already_gates_is_refused(manager_client, manager):
    ten_star = SchemeVersion.objects.get(scheme__code="EXAMPLE-10STAR", number=1)
    draft = services.scheme_version_clone(actor=manager, version=ten_star)
    level = Level.objects.get(version=draft, code="star10")
    url = reverse("scoring:node_add_to", args=[draft.public_id, "gate", level.pk])

    response = manager_client.post(url, {"metric": "customer_satisfaction", "minimum": "95"})
    too_high = manager_client.post(url, {"metric": "complaint_closure", "minimum": "120"})

    assert "This level already has a gate on this metric." in page_text(response)
    assert "A percentage must be between 0 and 100." in page_text(too_high)
    assert level.gates.count() == 2


def test_a_manager_adds_a_level_and_a_gate(manager_client, draft):
    manager_client.post(
        reverse("scoring:node_add", args=[draft.public_id, "level"]),
        {"code": "star6", "name_zh": "六星级", "min_score": "98", "position": "4"},
    )
    level = Level.objects.get(version=draft, code="star6")
    manager_client.post(
        reverse("scoring:node_add_to", args=[draft.public_id, "gate", level.pk]),
        {"metric": "customer_satisfaction", "minimum": "92.5"},
    )

    assert level.gates.get().minimum == Decimal("92.5")


def test_a_manager_deletes_an_item_by_post(manager_client, draft):
    item = item_of(draft, "A1.2")

    response = manager_client.post(
        reverse("scoring:node_delete", args=[draft.public_id, "item", item.pk])
    )

    assert response.status_code == 302
    assert not Item.objects.filter(pk=item.pk).exists()


def test_a_manager_edits_the_rules_and_settings(manager_client, draft):
    url = reverse("scoring:version_settings", args=[draft.public_id])
    data = {
        name: getattr(draft, name)
        for name in PROCESS_SETTINGS
    } | {"fail_below": "70", "special_deductions_fail_at": "5", "special_bonus_max": "1",
         "notes": "Our own sheet"}
    data["supplement_answer_working_days"] = 15

    response = manager_client.post(url, data)
    bad = manager_client.post(url, data | {"grace_months": "-2", "fail_below": "x"})

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.supplement_answer_working_days == 15
    assert draft.notes == "Our own sheet"
    assert bad.status_code == 200
    assert "Enter a number." in page_text(bad)


def test_editing_a_published_version_is_refused(manager_client, shipped):
    item = item_of(shipped, "A1.1")
    url = reverse("scoring:node_edit", args=[shipped.public_id, "item", item.pk])

    response = manager_client.post(
        url, {"code": "A1.1", "name_zh": "x", "max_points": "9", "kind": "qualitative",
              "position": "0"},
        follow=True,
    )
    settings = manager_client.post(
        reverse("scoring:version_settings", args=[shipped.public_id]), {"fail_below": "60"}
    )
    delete = manager_client.post(
        reverse("scoring:node_delete", args=[shipped.public_id, "item", item.pk]), follow=True
    )

    assert "is Published and can no longer be edited; clone it into a new draft." in page_text(
        response
    )
    assert settings.status_code == 302
    assert "can no longer be edited" in page_text(delete)
    item.refresh_from_db()
    assert item.max_points == Decimal("3")
    shipped.refresh_from_db()
    assert shipped.fail_below == Decimal("70")


# --- Publish, clone, normative, retire ------------------------------------------------


def test_publish_is_refused_naming_the_indicator_then_publishes_after_the_fix(
    manager_client, manager, draft
):
    item = item_of(draft, "A2.2")
    item.max_points = Decimal("6")
    services.scheme_node_save(actor=manager, node=item)
    url = reverse("scoring:version_publish", args=[draft.public_id])

    refused = manager_client.post(url, follow=True)

    assert "The version cannot be published: the items of indicator A2 sum to 9.00, not 8.00" in page_text(
        refused
    )
    draft.refresh_from_db()
    assert draft.status == SchemeVersion.Status.DRAFT

    edit = reverse("scoring:node_edit", args=[draft.public_id, "item", item.pk])
    manager_client.post(
        edit,
        {"code": "A2.2", "clause": "5.1.2.2", "name_zh": item.name_zh, "max_points": "5",
         "kind": "qualitative", "position": "1"},
    )
    published = manager_client.post(url, follow=True)

    assert "Version 2 is published" in page_text(published)
    draft.refresh_from_db()
    assert draft.status == SchemeVersion.Status.PUBLISHED
    assert draft.published_by == manager


def test_publish_names_a_category_that_does_not_sum_to_100(manager_client, manager, draft):
    category = Category.objects.get(version=draft, code="C")
    indicator = indicator_of(draft, "C1")
    indicator.max_points = Decimal("13")
    services.scheme_node_save(actor=manager, node=indicator)

    refused = manager_client.post(
        reverse("scoring:version_publish", args=[draft.public_id]), follow=True
    )

    assert "the items of indicator C1 sum to 12.00" in page_text(refused)
    assert category.code == "C"


def test_clone_copies_the_tree_levels_and_settings(manager_client, shipped):
    response = manager_client.post(reverse("scoring:version_clone", args=[shipped.public_id]))

    clone = SchemeVersion.objects.get(scheme=shipped.scheme, number=2)
    assert response.status_code == 302
    assert response["Location"] == detail(clone)
    assert clone.status == SchemeVersion.Status.DRAFT
    assert not clone.normative

    def tree(version):
        return sorted(
            Item.objects.filter(indicator__category__version=version).values_list(
                "indicator__category__code", "indicator__code", "code", "max_points", "kind"
            )
        )

    assert tree(clone) == tree(shipped)
    assert len(tree(clone)) == 21
    assert list(clone.levels.values_list("code", "min_score")) == list(
        shipped.levels.values_list("code", "min_score")
    )


def test_a_manager_marks_and_unmarks_a_published_version_normative(manager_client, shipped):
    url = reverse("scoring:version_normative", args=[shipped.public_id])

    manager_client.post(url, {"normative": "1"})
    shipped.refresh_from_db()
    marked = shipped.normative
    page = page_text(manager_client.get(detail(shipped)))
    manager_client.post(url, {"normative": "0"})
    shipped.refresh_from_db()

    assert marked is True
    assert 'data-testid="not-normative"' not in page
    assert shipped.normative is False


def test_a_draft_cannot_be_marked_normative(manager_client, draft):
    response = manager_client.post(
        reverse("scoring:version_normative", args=[draft.public_id]),
        {"normative": "1"},
        follow=True,
    )

    assert "Only a published version can be marked normative." in page_text(response)
    draft.refresh_from_db()
    assert draft.normative is False


def test_a_manager_retires_a_published_version_but_not_a_draft(manager_client, shipped, draft):
    manager_client.post(reverse("scoring:version_retire", args=[shipped.public_id]))
    refused = manager_client.post(
        reverse("scoring:version_retire", args=[draft.public_id]), follow=True
    )

    shipped.refresh_from_db()
    assert shipped.status == SchemeVersion.Status.RETIRED
    assert "Only a published version can be retired." in page_text(refused)
