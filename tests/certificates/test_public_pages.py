"""The body's public pages (ISO/IEC 17065 4.6): the certification process,
the fee principles and the complaints and appeals procedure, shipped by a
data migration, shown to everyone and edited by managers."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.urls import reverse

from applications.fees import fee_schedule_get
from certificates import services
from certificates.catalogue_pages import SHIPPED_PAGES, load_public_pages
from certificates.models import PublicPage
from certify.exceptions import NotAllowed
from certify.models import Event

pytestmark = pytest.mark.django_db

SLUGS = [slug for slug, *_rest in SHIPPED_PAGES]


@pytest.fixture(autouse=True)
def _no_requests_counted():
    cache.clear()
    yield
    cache.clear()


def page_url(slug):
    return reverse("certificates:public_page", args=[slug])


def edit_url(slug):
    return reverse("certificates:public_page_edit", args=[slug])


def form(page, **changes):
    return {name: getattr(page, name) for name in ("title_zh", "body_zh", "title_en", "body_en")} | changes


def test_the_migration_ships_the_three_pages():
    assert sorted(PublicPage.objects.values_list("slug", flat=True)) == sorted(["process", "fees", "complaints"])


def test_every_shipped_page_has_both_languages():
    for page in PublicPage.objects.all():
        assert page.title_zh and page.title_en and page.body_zh and page.body_en


def test_the_loader_can_run_again_without_changing_an_edited_page(manager):
    page = PublicPage.objects.get(slug="fees")
    services.public_page_update(actor=manager, page=page, **form(page, body_zh="本机构自定的收费原则。"))

    load_public_pages()

    assert PublicPage.objects.count() == 3
    assert PublicPage.objects.get(slug="fees").body_zh == "本机构自定的收费原则。"


def test_the_loader_restores_pages_after_the_tables_are_emptied():
    PublicPage.objects.all().delete()

    load_public_pages()

    assert PublicPage.objects.count() == 3


@pytest.mark.parametrize("slug", SLUGS)
def test_a_page_shows_its_chinese_text_by_default(client, slug):
    page = PublicPage.objects.get(slug=slug)

    content = client.get(page_url(slug)).content.decode()

    assert page.title_zh in content
    assert page.body_zh.splitlines()[0] in content


@pytest.mark.parametrize("slug", SLUGS)
def test_a_page_shows_its_english_text_to_an_english_browser(english_client, slug):
    page = PublicPage.objects.get(slug=slug)

    content = english_client.get(page_url(slug)).content.decode()

    assert page.title_en in content
    assert page.body_en.splitlines()[0].replace('"', "&quot;") in content
    assert page.body_zh.splitlines()[0] not in content


def test_the_process_page_states_validity_surveillance_and_renewal(english_client):
    content = english_client.get(page_url("process")).content.decode()

    assert "valid for 3 years" in content
    assert "every 12 months" in content
    assert "renewal window" in content
    assert "suspended" in content and "withdrawn" in content


def test_the_complaints_page_names_the_regulator_and_links_to_the_form(english_client):
    content = english_client.get(page_url("complaints")).content.decode()

    assert "certification regulator" in content
    assert reverse("certificates:complaint_new") in content


def test_the_fees_page_shows_the_current_fee_schedule(client):
    schedule = fee_schedule_get()
    schedule.prepayment_percent = 40
    schedule.save(update_fields=["prepayment_percent"])

    content = client.get(page_url("fees")).content.decode()

    assert 'data-testid="fee-schedule"' in content
    assert "¥20,000.00" in content
    assert "40 %" in content


def test_an_english_page_without_an_english_text_falls_back_to_chinese(english_client, manager):
    page = PublicPage.objects.get(slug="process")
    services.public_page_update(actor=manager, page=page, **form(page, body_en="", title_en=""))

    content = english_client.get(page_url("process")).content.decode()

    assert page.title_zh in content


def test_an_unknown_page_is_404(client):
    assert client.get(page_url("nothing-here")).status_code == 404


def test_the_body_is_shown_as_text_never_as_html(client, manager):
    page = PublicPage.objects.get(slug="process")
    services.public_page_update(actor=manager, page=page, **form(page, body_zh="<script>alert(1)</script>\n\n第二段"))

    content = client.get(page_url("process")).content.decode()

    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    assert "<p>第二段</p>" in content


def test_managers_see_an_edit_button(client, manager):
    client.force_login(manager)

    content = client.get(page_url("process")).content.decode()

    assert edit_url("process") in content


@pytest.mark.parametrize("role", ["anonymous", "applicant", "auditor"])
def test_nobody_else_sees_the_edit_button(client, request, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))

    content = client.get(page_url("process")).content.decode()

    assert edit_url("process") not in content


@pytest.mark.parametrize(("role", "status"), [("anonymous", 302), ("applicant", 403), ("auditor", 403)])
def test_only_managers_may_post_an_edit(client, request, role, status):
    page = PublicPage.objects.get(slug="process")
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))

    response = client.post(edit_url("process"), form(page, body_zh="篡改"))

    assert response.status_code == status
    assert PublicPage.objects.get(slug="process").body_zh == page.body_zh


def test_an_edit_shows_at_once(client, manager):
    page = PublicPage.objects.get(slug="complaints")
    client.force_login(manager)

    response = client.post(edit_url("complaints"), form(page, body_zh="新的投诉处理程序。"))
    client.logout()

    assert response["Location"] == page_url("complaints")
    assert "新的投诉处理程序。" in client.get(page_url("complaints")).content.decode()


def test_an_edit_records_who_and_when_and_keeps_the_history(client, manager):
    page = PublicPage.objects.get(slug="fees")
    client.force_login(manager)

    client.post(edit_url("fees"), form(page, title_en="Our fees"))

    page.refresh_from_db()
    assert (page.title_en, page.updated_by) == ("Our fees", manager)
    assert page.history.latest().history_user == manager


def test_an_edit_writes_one_event(manager):
    page = PublicPage.objects.get(slug="fees")

    services.public_page_update(actor=manager, page=page, **form(page, title_en="Our fees"))

    events = Event.objects.filter(content_type=ContentType.objects.get_for_model(PublicPage), object_id=page.pk)
    assert [(event.verb, event.data["fields"]) for event in events] == [("public_page.updated", ["title_en"])]


def test_saving_the_same_text_changes_nothing(manager):
    page = PublicPage.objects.get(slug="fees")

    services.public_page_update(actor=manager, page=page, **form(page))

    assert not Event.objects.filter(verb="public_page.updated").exists()


def test_the_chinese_text_is_required(client, manager):
    page = PublicPage.objects.get(slug="fees")
    client.force_login(manager)

    response = client.post(edit_url("fees"), form(page, body_zh=""))

    assert response.status_code == 200
    assert PublicPage.objects.get(slug="fees").body_zh == page.body_zh


def test_the_service_refuses_anyone_but_a_manager(applicant):
    page = PublicPage.objects.get(slug="fees")

    with pytest.raises(NotAllowed, match="只有认证管理人员可以执行此操作。"):
        services.public_page_update(actor=applicant, page=page, **form(page, body_zh="篡改"))


def test_the_pages_are_rate_limited_like_the_verify_pages(client, settings):
    settings.PUBLIC_RATE_LIMIT = "2/m"

    statuses = [client.get(page_url("process")).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def test_the_footer_links_the_three_pages_on_every_page(client):
    content = client.get(reverse("certificates:verify")).content.decode()

    for slug in SLUGS:
        assert f'href="{page_url(slug)}"' in content
