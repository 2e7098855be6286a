"""The call-back services: allowed, wrong role, wrong state, repeated."""

import datetime
from decimal import Decimal

import pytest

from applications import services as case_services
from audits import callbacks
from audits import services as services
from audits.models import CallBack, CustomerList, CustomerRow
from audits.selectors import callbacks as selectors_callbacks
from audits.selectors.callbacks import callback_calls
from certify.exceptions import CertifyError, InvalidTransition, NotAllowed
from certify.models import Event
from scoring.models import Metric
from tests.audits.callbacks_helpers import (
    csv_rows,
    csv_upload,
    planned_onsite,
    sampled,
    started,
    xlsx_upload,
)
from tests.audits.helpers import running_document_review, signed_case
from tests.samples import MINIMAL_PDF
from tests.worlds import reloaded, shared_world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


world, cast = shared_world(lambda cast: planned_onsite(cast.applicant, cast.organisation, cast.manager))


@pytest.fixture
def onsite(world, cast):
    return tuple(reloaded(instance) for instance in world.built)


def events(audit, verb):
    return Event.objects.filter(object_id=audit.pk, verb=verb).count()


# --- the customer list -----------------------------------------------------------


def test_the_applicant_uploads_a_gb18030_list_with_bad_rows_kept(onsite, applicant):
    audit, _lead, _member = onsite
    text = csv_rows(3) + ",13800000009,空调,2026-01-09\n无电话,,空调,明天\n"
    customer_list = services.customer_list_upload(
        actor=applicant, audit=audit, upload=csv_upload(text, "gb18030")
    )
    assert (customer_list.kind, customer_list.encoding) == ("csv", "gb18030")
    rows = list(customer_list.rows.order_by("row_number"))
    assert [(r.row_number, r.position, r.problems) for r in rows] == [
        (2, 1, []),
        (3, 2, []),
        (4, 3, []),
        (5, None, ["name_missing"]),
        (6, None, ["contact_missing", "date_invalid"]),
    ]
    assert rows[4].problem_labels == ["the contact is missing", "the date of service cannot be read"]
    assert customer_list.file.read().decode("gb18030") == text
    assert events(audit, "callback.list_uploaded") == 1


def test_an_xlsx_list_is_stored_row_by_row(onsite, applicant):
    audit, _lead, _member = onsite
    upload = xlsx_upload(
        [["name", "contact", "product", "service date"], ["A", "1", "P", datetime.date(2026, 1, 2)], ["", "2", "P", "x"]]
    )
    customer_list = services.customer_list_upload(actor=applicant, audit=audit, upload=upload)
    assert customer_list.kind == "xlsx"
    assert list(customer_list.rows.values_list("row_number", "position", "service_date")) == [
        (2, 1, datetime.date(2026, 1, 2)),
        (3, None, None),
    ]


def test_only_the_organisations_members_upload(onsite, outsider, manager):
    audit, lead, _member = onsite
    for person in (lead, outsider, manager):
        with pytest.raises(NotAllowed, match="Only the organisation's members"):
            services.customer_list_upload(actor=person, audit=audit, upload=csv_upload(csv_rows(3)))
    assert not CustomerList.objects.exists()


def test_a_file_that_is_neither_csv_nor_xlsx_is_refused(onsite, applicant):
    audit, _lead, _member = onsite
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(CertifyError, match="not an allowed type"):
        services.customer_list_upload(
            actor=applicant, audit=audit, upload=SimpleUploadedFile("customers.csv", MINIMAL_PDF)
        )


def test_a_list_without_header_is_refused_with_the_reason(onsite, applicant):
    audit, _lead, _member = onsite
    with pytest.raises(CertifyError, match="The first row must name the columns"):
        services.customer_list_upload(actor=applicant, audit=audit, upload=csv_upload("张三,1,空调,2026-01-01\n"))


def test_a_document_review_has_no_call_backs(applicant, organisation, manager):
    case = signed_case(applicant, organisation, manager)
    review, _lead = running_document_review(case, manager)
    with pytest.raises(CertifyError, match="on-site and surveillance"):
        services.customer_list_upload(actor=applicant, audit=review, upload=csv_upload(csv_rows(3)))


def test_a_withdrawn_cases_audit_refuses_the_list(onsite, applicant):
    audit, _lead, _member = onsite
    case_services.case_withdraw(actor=applicant, case=audit.case)
    with pytest.raises(InvalidTransition, match="withdrawn"):
        services.customer_list_upload(actor=applicant, audit=audit, upload=csv_upload(csv_rows(3)))


def test_uploading_the_same_file_again_changes_nothing(onsite, applicant):
    audit, _lead, _member = onsite
    first = services.customer_list_upload(actor=applicant, audit=audit, upload=csv_upload(csv_rows(5)))
    again = services.customer_list_upload(actor=applicant, audit=audit, upload=csv_upload(csv_rows(5)))
    assert again.pk == first.pk and again.file.name == first.file.name
    assert events(audit, "callback.list_uploaded") == 1
    assert CustomerRow.objects.count() == 5


def test_a_new_list_replaces_the_old_one_and_its_sample_until_a_call(onsite, applicant):
    audit, lead, member = onsite
    rows = sampled(audit, applicant, lead, customers=12)
    services.customer_list_upload(actor=applicant, audit=audit, upload=csv_upload(csv_rows(25, start=100)))
    customer_list = CustomerList.objects.get(audit=audit)
    assert customer_list.sample_seed is None and customer_list.sample_size is None
    assert customer_list.rows.count() == 25
    assert customer_list.rows.first().name == "客户100"
    rows = sampled(audit, applicant, lead, customers=30)
    services.callback_record(actor=member, audit=audit, row_id=rows[0].pk, reached=False)
    with pytest.raises(InvalidTransition, match="can no longer be replaced"):
        services.customer_list_upload(actor=applicant, audit=audit, upload=csv_upload(csv_rows(8)))
    assert CustomerList.objects.get(audit=audit).rows.count() == 30


# --- the sample ------------------------------------------------------------------


def test_the_lead_draws_a_reproducible_sample_with_a_stored_seed(onsite, applicant):
    """Runs on every database the suite runs on (SQLite and PostgreSQL): the
    stored seed over the stored positions gives the stored sample."""
    audit, lead, _member = onsite
    services.customer_list_upload(actor=applicant, audit=audit, upload=csv_upload(csv_rows(40)))
    customer_list = services.callback_sample_draw(actor=lead, audit=audit, size=15)
    assert customer_list.sample_seed is not None and customer_list.sample_size == 15
    drawn = [row.position for row in callback_calls(audit)]
    assert len(drawn) == 15
    positions = list(
        CustomerRow.objects.filter(customer_list=customer_list, position__isnull=False)
        .order_by("position")
        .values_list("position", flat=True)
    )
    assert drawn == callbacks.sample_positions(positions, 15, customer_list.sample_seed)
    assert Event.objects.get(object_id=audit.pk, verb="callback.sample_drawn").data["positions"] == drawn


def test_a_known_seed_gives_the_same_sample_on_every_database(onsite, applicant):
    audit, lead, _member = onsite
    services.customer_list_upload(actor=applicant, audit=audit, upload=csv_upload(csv_rows(30)))
    customer_list = CustomerList.objects.get(audit=audit)
    positions = list(
        customer_list.rows.filter(position__isnull=False).order_by("position").values_list("position", flat=True)
    )
    assert callbacks.sample_positions(positions, 12, 42) == [21, 4, 1, 24, 9, 8, 25, 5, 29, 18, 3, 19]


def test_bad_rows_are_never_drawn_and_a_short_list_is_drawn_whole(onsite, applicant):
    audit, lead, _member = onsite
    text = csv_rows(6) + "坏行,,空调,2026-01-01\n"
    services.customer_list_upload(actor=applicant, audit=audit, upload=csv_upload(text))
    services.callback_sample_draw(actor=lead, audit=audit, size=10)
    assert sorted(row.position for row in callback_calls(audit)) == [1, 2, 3, 4, 5, 6]


def test_only_the_lead_draws(onsite, applicant, manager):
    audit, _lead, member = onsite
    services.customer_list_upload(actor=applicant, audit=audit, upload=csv_upload(csv_rows(12)))
    for person in (member, manager, applicant):
        with pytest.raises(NotAllowed, match="lead auditor"):
            services.callback_sample_draw(actor=person, audit=audit, size=10)


@pytest.mark.parametrize("size", [9, 21])
def test_the_sample_is_10_to_20(onsite, applicant, size):
    audit, lead, _member = onsite
    services.customer_list_upload(actor=applicant, audit=audit, upload=csv_upload(csv_rows(30)))
    with pytest.raises(CertifyError, match="between 10 and 20"):
        services.callback_sample_draw(actor=lead, audit=audit, size=size)


def test_no_sample_without_a_list(onsite):
    audit, lead, _member = onsite
    with pytest.raises(CertifyError, match="not uploaded the customer list"):
        services.callback_sample_draw(actor=lead, audit=audit, size=10)


def test_drawing_again_is_a_no_op_a_redraw_changes_the_seed_until_a_call(onsite, applicant):
    audit, lead, member = onsite
    services.customer_list_upload(actor=applicant, audit=audit, upload=csv_upload(csv_rows(30)))
    seed = services.callback_sample_draw(actor=lead, audit=audit, size=10).sample_seed
    assert services.callback_sample_draw(actor=lead, audit=audit, size=10).sample_seed == seed
    assert events(audit, "callback.sample_drawn") == 1
    redrawn = services.callback_sample_draw(actor=lead, audit=audit, size=12, redraw=True)
    assert redrawn.sample_seed != seed
    assert len(callback_calls(audit)) == 12
    row = callback_calls(audit)[0]
    services.callback_record(actor=member, audit=audit, row_id=row.pk, reached=False)
    with pytest.raises(InvalidTransition, match="cannot be redrawn"):
        services.callback_sample_draw(actor=lead, audit=audit, size=12, redraw=True)


def test_a_withdrawn_cases_audit_refuses_the_draw(onsite, applicant):
    audit, lead, _member = onsite
    services.customer_list_upload(actor=applicant, audit=audit, upload=csv_upload(csv_rows(12)))
    case_services.case_withdraw(actor=applicant, case=audit.case)
    with pytest.raises(InvalidTransition, match="withdrawn"):
        services.callback_sample_draw(actor=lead, audit=audit, size=10)


# --- the calls -------------------------------------------------------------------


def test_a_team_member_records_a_call(onsite, applicant):
    audit, lead, member = onsite
    row = sampled(audit, applicant, lead)[0]
    call = services.callback_record(
        actor=member, audit=audit, row_id=row.pk, reached=True, satisfaction=4, resolved_first_contact=True, remarks=" 满意 "
    )
    assert (call.reached, call.satisfaction, call.resolved_first_contact, call.remarks) == (True, 4, True, "满意")
    assert events(audit, "callback.recorded") == 1


def test_an_unreached_call_keeps_no_answers(onsite, applicant):
    audit, lead, member = onsite
    row = sampled(audit, applicant, lead)[0]
    call = services.callback_record(
        actor=lead, audit=audit, row_id=row.pk, reached=False, satisfaction=5, resolved_first_contact=True
    )
    assert (call.satisfaction, call.resolved_first_contact) == (None, None)


@pytest.mark.parametrize(
    ("satisfaction", "resolved", "message"),
    [(None, True, "satisfaction from 1 to 5"), (6, True, "satisfaction from 1 to 5"), (3, None, "first contact")],
)
def test_a_reached_call_needs_satisfaction_and_resolution(onsite, applicant, satisfaction, resolved, message):
    audit, lead, member = onsite
    row = sampled(audit, applicant, lead)[0]
    with pytest.raises(CertifyError, match=message):
        services.callback_record(
            actor=member, audit=audit, row_id=row.pk, reached=True, satisfaction=satisfaction, resolved_first_contact=resolved
        )
    assert not CallBack.objects.exists()


def test_only_the_team_records_calls(onsite, applicant, manager, auditor):
    audit, lead, _member = onsite
    row = sampled(audit, applicant, lead)[0]
    for person in (manager, auditor, applicant):
        with pytest.raises(NotAllowed, match="audit's team"):
            services.callback_record(actor=person, audit=audit, row_id=row.pk, reached=False)


def test_only_sampled_customers_are_called(onsite, applicant):
    audit, lead, member = onsite
    sampled(audit, applicant, lead, customers=30)
    outside = CustomerRow.objects.filter(customer_list__audit=audit, sample_rank__isnull=True).first()
    with pytest.raises(CertifyError, match="not in the audit's sample"):
        services.callback_record(actor=member, audit=audit, row_id=outside.pk, reached=False)


def test_recording_the_same_call_again_is_a_no_op_and_a_change_is_a_correction(onsite, applicant):
    audit, lead, member = onsite
    row = sampled(audit, applicant, lead)[0]
    for _ in range(2):
        services.callback_record(actor=member, audit=audit, row_id=row.pk, reached=True, satisfaction=3, resolved_first_contact=False)
    assert events(audit, "callback.recorded") == 1
    services.callback_record(actor=member, audit=audit, row_id=row.pk, reached=True, satisfaction=4, resolved_first_contact=False)
    assert events(audit, "callback.corrected") == 1
    assert CallBack.objects.get().satisfaction == 4


def test_a_withdrawn_cases_audit_refuses_calls(onsite, applicant):
    audit, lead, member = onsite
    row = sampled(audit, applicant, lead)[0]
    case_services.case_withdraw(actor=applicant, case=audit.case)
    with pytest.raises(InvalidTransition, match="withdrawn"):
        services.callback_record(actor=member, audit=audit, row_id=row.pk, reached=False)


# --- metrics into the score sheet ------------------------------------------------

WORKED = [  # (reached, satisfaction, resolved): 9 reached, 7 rate 4–5, 5 resolved; 3 not reached
    (True, 5, True), (True, 5, True), (True, 4, True), (True, 4, False), (True, 4, True), (True, 5, False),
    (True, 4, True), (True, 3, False), (True, 1, False), (False, None, None), (False, None, None), (False, None, None),
]


def call_all(audit, member, rows, outcomes=WORKED):
    for row, (reached, satisfaction, resolved) in zip(rows, outcomes, strict=True):
        services.callback_record(
            actor=member, audit=audit, row_id=row.pk, reached=reached, satisfaction=satisfaction, resolved_first_contact=resolved
        )


@pytest.fixture
def running(onsite):
    audit, lead, member = onsite
    return started(audit, lead), lead, member


def test_the_lead_confirms_the_call_back_rates_into_the_sheet(running, applicant):
    audit, lead, member = running
    rows = sampled(audit, applicant, lead, customers=30, size=12)
    call_all(audit, member, rows)
    rates = services.callback_rates_confirm(actor=lead, audit=audit)
    assert (rates.satisfaction, rates.first_time_resolution, rates.unreached) == (Decimal("77.78"), Decimal("55.56"), 3)
    metrics = {m.metric: m for m in Metric.objects.filter(sheet=audit.sheet)}
    reached_dates = [row.service_date for row, outcome in zip(rows, WORKED, strict=True) if outcome[0]]
    for code, value in (("customer_satisfaction", "77.78"), ("first_time_resolution", "55.56")):
        metric = metrics[code]
        assert metric.value == Decimal(value)
        assert metric.source == Metric.Source.CALL_BACKS
        assert metric.sample_size == 9
        assert (metric.period_start, metric.period_end) == (min(reached_dates), max(reached_dates))
    assert "3 not reached" in metrics["customer_satisfaction"].note
    services.callback_rates_confirm(actor=lead, audit=audit)
    assert events(audit, "callback.rates_confirmed") == 1


def test_the_rates_need_the_on_site_audit_started(onsite, applicant):
    audit, lead, member = onsite
    rows = sampled(audit, applicant, lead, customers=12, size=12)
    call_all(audit, member, rows)
    with pytest.raises(CertifyError, match="Start the on-site audit first"):
        services.callback_rates_confirm(actor=lead, audit=audit)


def test_the_rates_need_every_sampled_call_and_someone_reached(running, applicant):
    audit, lead, member = running
    rows = sampled(audit, applicant, lead, customers=10, size=10)
    call_all(audit, member, rows[:9], [(False, None, None)] * 9)
    with pytest.raises(CertifyError, match="1 sampled customer"):
        services.callback_rates_confirm(actor=lead, audit=audit)
    call_all(audit, member, rows[9:], [(False, None, None)])
    with pytest.raises(CertifyError, match="No customer was reached"):
        services.callback_rates_confirm(actor=lead, audit=audit)


def test_only_the_lead_confirms_metrics(running, applicant):
    audit, lead, member = running
    kwargs = {"received": 10, "closed": 9, "period_start": datetime.date(2026, 1, 1), "period_end": datetime.date(2026, 6, 30)}
    with pytest.raises(NotAllowed, match="lead auditor"):
        services.callback_rates_confirm(actor=member, audit=audit)
    with pytest.raises(NotAllowed, match="lead auditor"):
        services.complaint_closure_record(actor=member, audit=audit, **kwargs)
    with pytest.raises(NotAllowed, match="lead auditor"):
        services.months_in_operation_confirm(actor=applicant, audit=audit)


def test_the_lead_may_take_the_enterprises_survey_instead(running):
    audit, lead, _member = running
    period = {"period_start": datetime.date(2026, 1, 1), "period_end": datetime.date(2026, 6, 30)}
    metric = services.callback_survey_confirm(
        actor=lead, audit=audit, metric="customer_satisfaction", value=Decimal("92.5"), sample_size=300, note="第三方调查", **period
    )
    assert (metric.value, metric.source, metric.sample_size) == (Decimal("92.5"), Metric.Source.ENTERPRISE_SURVEY, 300)
    services.callback_survey_confirm(
        actor=lead, audit=audit, metric="customer_satisfaction", value=Decimal("92.50"), sample_size=300, note="第三方调查", **period
    )
    assert events(audit, "callback.survey_confirmed") == 1
    with pytest.raises(CertifyError, match="satisfaction or first-time resolution"):
        services.callback_survey_confirm(actor=lead, audit=audit, metric="complaint_closure", value=1, sample_size=1, **period)
    with pytest.raises(CertifyError, match="between 0 and 100"):
        services.callback_survey_confirm(
            actor=lead, audit=audit, metric="first_time_resolution", value=Decimal("101"), sample_size=3, **period
        )


def test_complaint_closure_from_the_complaint_records(running):
    audit, lead, _member = running
    period = {"period_start": datetime.date(2026, 1, 1), "period_end": datetime.date(2026, 6, 30)}
    metric = services.complaint_closure_record(actor=lead, audit=audit, received=48, closed=47, **period)
    # 47 ÷ 48 = 97.9166…% → 97.92
    assert (metric.value, metric.source, metric.sample_size) == (Decimal("97.92"), Metric.Source.COMPLAINT_RECORDS, 48)
    assert (metric.period_start, metric.period_end) == (period["period_start"], period["period_end"])
    services.complaint_closure_record(actor=lead, audit=audit, received=48, closed=47, **period)
    assert events(audit, "callback.complaint_closure_recorded") == 1
    with pytest.raises(CertifyError, match="between 0 and the number received"):
        services.complaint_closure_record(actor=lead, audit=audit, received=5, closed=6, **period)
    with pytest.raises(CertifyError, match="at least one"):
        services.complaint_closure_record(actor=lead, audit=audit, received=0, closed=0, **period)


def test_months_in_operation_come_from_the_profile(running, organisation):
    audit, lead, _member = running
    organisation.service_started_on = datetime.date(2024, 3, 15)
    organisation.save(update_fields=["service_started_on"])
    on = datetime.date(2026, 12, 7)
    metric = services.months_in_operation_confirm(actor=lead, audit=audit, on=on)
    assert (metric.value, metric.source) == (Decimal("32"), Metric.Source.ORGANISATION_PROFILE)
    services.months_in_operation_confirm(actor=lead, audit=audit, on=on)
    assert events(audit, "callback.months_confirmed") == 1
    organisation.service_started_on = None
    organisation.save(update_fields=["service_started_on"])
    with pytest.raises(CertifyError, match="no date when its service system started"):
        services.months_in_operation_confirm(actor=lead, audit=audit, on=on)


def test_a_withdrawn_cases_audit_refuses_metrics(running, applicant):
    audit, lead, _member = running
    case_services.case_withdraw(actor=applicant, case=audit.case)
    with pytest.raises(InvalidTransition, match="withdrawn"):
        services.months_in_operation_confirm(actor=lead, audit=audit)


def test_the_list_summary_counts_every_row_but_shows_the_first_good_and_bad_rows_only(onsite, applicant):
    audit, _lead, _member = onsite
    shown_bad, shown_good = selectors_callbacks.BAD_ROWS_SHOWN, selectors_callbacks.PREVIEW_ROWS
    header, good = csv_rows(shown_good + 3).split("\n", 1)
    bad = ",,空调,明天\n" * (shown_bad + 5)
    customer_list = services.customer_list_upload(
        actor=applicant, audit=audit, upload=csv_upload(f"{header}\n{bad}{good}")
    )

    summary = selectors_callbacks.customer_list_summary(customer_list)

    assert (summary["good"], summary["bad"]) == (shown_good + 3, shown_bad + 5)
    assert [row.position for row in summary["preview"]] == list(range(1, shown_good + 1))
    assert [row.row_number for row in summary["bad_rows"]] == list(range(2, shown_bad + 2))


def test_the_staffs_summary_of_a_clean_list_needs_no_query(onsite, applicant, django_assert_num_queries):
    audit, _lead, _member = onsite
    customer_list = services.customer_list_upload(actor=applicant, audit=audit, upload=csv_upload(csv_rows(30)))
    with django_assert_num_queries(0):
        summary = selectors_callbacks.customer_list_summary(customer_list, preview=False)
    assert (summary["good"], summary["bad"], summary["bad_rows"], summary["preview"]) == (30, 0, [], [])


def test_a_list_uploaded_again_is_counted_again(onsite, applicant):
    audit, _lead, _member = onsite
    services.customer_list_upload(actor=applicant, audit=audit, upload=csv_upload(csv_rows(30)))
    header, good = csv_rows(12).split("\n", 1)
    customer_list = services.customer_list_upload(
        actor=applicant, audit=audit, upload=csv_upload(f"{header}\n,,空调,明天\n{good}")
    )
    customer_list.refresh_from_db()
    assert (customer_list.good_rows, customer_list.bad_rows) == (12, 1)
