"""Reads of cases, each limited to what the user may see (DESIGN.md
"Access to a case": the organisation's members, managers, and the staff
granted access)."""

from django.db.models import Count, Q, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy

from applications.models import Case, CaseAccess, Material, MaterialType, SupplementRequest
from certify import transitions
from certify.cache import versioned
from scoring.selectors import settled, version_keys, version_read_with

# Long texts of the case's organisation and scheme that no case page shows.
UNSHOWN = (
    "organisation__business_scope",
    "organisation__address",
    "version__notes",
    "version__scheme__description_zh",
    "version__scheme__description_en",
)


# What the case tables show: the list reads these columns of its 25 rows
# rather than every column of the case, its organisation and its scheme.
CASE_TABLE_FIELDS = (
    "public_id",
    "reference",
    "status",
    "supplement_due",
    "review_due",
    "decision_due",
    "organisation__legal_name",
    "version__scheme__code",
)


def case_list_for_user(user):
    return _visible(Case.objects.select_related("organisation", "version__scheme").defer(*UNSHOWN), user)


def _visible(queryset, user):
    if not user.is_authenticated:
        return queryset.none()
    if user.is_manager:
        return queryset
    visible = Q(pk__in=CaseAccess.objects.filter(user=user).values("case_id"))
    if user.is_applicant:
        visible |= Q(
            organisation__memberships__user=user, organisation__memberships__ended_at__isnull=True
        )
    return queryset.filter(visible)


def case_get_for_user(user, public_id, *, related=()):
    """The case if the user may see it, else Http404; `related` are more
    relations to read with it (e.g. "contract" for its page).

    The version and scheme come from scoring.version_with_scheme, as on the
    audit pages: their columns were a third of the case's read, and a
    settled version does not change under the case.
    """
    queryset = _visible(
        Case.objects.select_related("organisation", *related)
        .defer(*(field for field in UNSHOWN if field.startswith("organisation__")))
        .annotate(**version_keys("version")),
        user,
    )
    # get_object_or_404 rather than first(), which would sort by the
    # model's ordering to pick among rows that are at most one.
    case = get_object_or_404(queryset, public_id=public_id)
    case.version = version_read_with(case, case.version_id)
    return case


def material_types(version):
    """The material types of the version's scheme, in order (per process for
    a settled version: the types come with the catalogue and are never edited)."""
    return settled(
        version, "material types", lambda: list(MaterialType.objects.filter(scheme_id=version.scheme_id).order_by("position"))
    )


def case_checklist(case):
    """Each material type of the scheme with its versions, newest first,
    in one query whatever the number of uploads."""
    types = material_types(case.version)
    versions = {}
    for material in (
        Material.objects.filter(case=case).select_related("uploaded_by").order_by("-number")
    ):
        versions.setdefault(material.material_type_id, []).append(material)
    rows = []
    for material_type in types:
        uploads = versions.get(material_type.pk, [])
        latest = uploads[0] if uploads else None
        rows.append(
            {
                "type": material_type,
                "latest": latest,
                "older": uploads[1:],
                "missing": material_type.required
                and (latest is None or latest.review == Material.Review.COMMENTED),
            }
        )
    return rows


def case_supplements(case):
    """(the open supplement request or None, the answered ones newest first),
    read in one query; the open one's items come with it."""
    requests = list(
        SupplementRequest.objects.filter(case=case).select_related("requested_by").order_by("-requested_at", "-id")
    )
    open_request = next((request for request in requests if request.answered_at is None), None)
    if open_request is not None:
        prefetch_related_objects([open_request], "items__material_type")
    return open_request, [request for request in requests if request.answered_at is not None]


def case_material_get_for_user(user, case_public_id, material_id):
    case = case_get_for_user(user, case_public_id)
    material = Material.objects.filter(case=case, pk=material_id).first()
    if material is None:
        raise Http404
    return material


def review_queue():
    """Cases waiting for the body, the soonest deadline first."""
    # Prefetched, not joined: the page's rows are chosen on the case table
    # alone (its index), before the organisations are read.
    return (
        Case.objects.filter(status__in=Case.OPEN_FOR_REVIEW)
        .prefetch_related("organisation", "version__scheme", "reviewed_by")
        .order_by("review_due", "submitted_at", "id")
    )


PIPELINE = "case-pipeline"


def pipeline_counts():
    """How many cases are in each state, for the managers' home and case list.

    Counting every case grows with the body's history, so the counts are
    cached until a case is saved (certify.cache; wired in AppConfig.ready).
    """
    counts = versioned(
        PIPELINE,
        lambda: dict(Case.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")),
    )
    return [
        (value, label, counts.get(value, 0), Case.STATUS_TONES.get(value, ""))
        for value, label in Case.Status.choices
    ]


def deadline_condition(day, lookup):
    """Cases whose current deadline — the review, the supplement answer or the
    decision, as the case tables show it — compares to `day` by `lookup`."""
    return (
        Q(status__in=Case.OPEN_FOR_REVIEW, **{f"review_due__{lookup}": day})
        | Q(status=Case.Status.SUPPLEMENT_REQUESTED, **{f"supplement_due__{lookup}": day})
        | Q(status=Case.Status.DECISION_PENDING, **{f"decision_due__{lookup}": day})
    )


def overdue_condition(today):
    return deadline_condition(today, "lt")


def case_is_overdue(case, today=None):
    today = today or timezone.localdate()
    if case.status in Case.OPEN_FOR_REVIEW and case.review_due:
        return case.review_due < today
    if case.status == Case.Status.SUPPLEMENT_REQUESTED and case.supplement_due:
        return case.supplement_due < today
    if case.status == Case.Status.DECISION_PENDING and case.decision_due:
        return case.decision_due < today
    return False




# --- What may happen now ------------------------------------------------------------

# The applicant edits the application and its declarations while it is theirs;
# uploads also answer a document revision.
EDITABLE = frozenset({Case.Status.DRAFT, Case.Status.SUPPLEMENT_REQUESTED})
UPLOADS_ALLOWED = EDITABLE | {Case.Status.DOCUMENT_REVISION}


def case_actions_for(user, case, *, member):
    """The actions `user` may take on `case` now, from the case's table, the
    user's role and their membership (`member`, as the page already knows
    it). The services enforce the same rules; the page only offers these."""
    actions = set()
    if member:
        if case.status in EDITABLE:
            actions |= {"edit", "declare", "submit"}
        if case.status in UPLOADS_ALLOWED:
            actions.add("upload")
        if transitions.allowed(case, Case.Status.WITHDRAWN):
            actions.add("withdraw")
        if transitions.allowed(case, Case.Status.CONTRACT_ACCEPTED):
            actions.add("contract_accept")
        if case.status == Case.Status.DOCUMENT_REVISION:
            actions.add("documents_revised")
    if user.is_manager:
        if transitions.allowed(case, Case.Status.UNDER_REVIEW):
            actions.add("review_start")
        if transitions.allowed(case, Case.Status.ACCEPTED):
            actions |= {"review_decide", "reject"}
        if transitions.allowed(case, Case.Status.CONTRACT_SENT):
            actions.add("contract_send")
        if transitions.allowed(case, Case.Status.CONTRACT_SIGNED):
            actions.add("prepayment_record")
        # The audits app plans the audits, the certificates app decides; the
        # case page links to them in the states that wait for them.
        if case.status == Case.Status.CONTRACT_SIGNED:
            actions.add("plan_document_review")
        if case.status == Case.Status.ONSITE_PLANNED:
            actions.add("plan_onsite")
        if transitions.allowed(case, Case.Status.CERTIFIED):
            actions.add("decide")
    return frozenset(actions)


# The next step in each state, and the date it is due by (a field of the case).
MANAGER_NEXT = {
    Case.Status.SUBMITTED: (gettext_lazy("Start the review."), "review_due"),
    Case.Status.UNDER_REVIEW: (
        gettext_lazy("Review each material, then request a supplement, accept or reject."),
        "review_due",
    ),
    Case.Status.ACCEPTED: (gettext_lazy("Check the quote and send the contract."), None),
    Case.Status.CONTRACT_ACCEPTED: (gettext_lazy("Record the prepayment when it arrives."), None),
    Case.Status.CONTRACT_SIGNED: (gettext_lazy("Plan the document review and its team."), None),
    Case.Status.ONSITE_PLANNED: (gettext_lazy("Plan the on-site audit and its team."), None),
    Case.Status.DECISION_PENDING: (
        gettext_lazy("Decide: a manager who was on none of the audit teams reviews the results and decides."),
        "decision_due",
    ),
}
NEXT = {
    Case.Status.DRAFT: (gettext_lazy("Upload the materials, make the declarations, then submit."), None),
    Case.Status.SUBMITTED: (gettext_lazy("The certification body starts the review."), "review_due"),
    Case.Status.UNDER_REVIEW: (gettext_lazy("The certification body reviews the application."), "review_due"),
    Case.Status.SUPPLEMENT_REQUESTED: (
        gettext_lazy("Upload what the reviewer asked for, then resubmit."),
        "supplement_due",
    ),
    Case.Status.ACCEPTED: (gettext_lazy("The certification body prepares the contract."), None),
    Case.Status.CONTRACT_SENT: (gettext_lazy("Read the contract and accept it."), None),
    Case.Status.CONTRACT_ACCEPTED: (gettext_lazy("Pay the prepayment; the certification body records it."), None),
    Case.Status.CONTRACT_SIGNED: (gettext_lazy("The contract is signed. The document review comes next."), None),
    Case.Status.DOCUMENT_REVIEW: (gettext_lazy("The lead auditor reviews the system documents."), None),
    Case.Status.DOCUMENT_REVISION: (
        gettext_lazy("Revise the documents as the auditor asked, upload them, then report them revised."),
        "supplement_due",
    ),
    Case.Status.ONSITE_PLANNED: (
        gettext_lazy("The documents passed. The certification body plans the on-site audit."),
        None,
    ),
    Case.Status.ONSITE_IN_PROGRESS: (gettext_lazy("The on-site audit is in progress."), None),
    Case.Status.ONSITE_DONE: (gettext_lazy("The audit team prepares the report."), None),
    Case.Status.RECTIFICATION: (
        gettext_lazy("Answer each nonconformity with its correction and evidence; the auditors verify them."),
        None,
    ),
    Case.Status.DECISION_PENDING: (
        gettext_lazy("The audit is complete. A manager who did not audit decides on the certification."),
        "decision_due",
    ),
    Case.Status.CERTIFIED: (gettext_lazy("Certified. The certificate can be downloaded from its page."), None),
    Case.Status.NOT_CERTIFIED: (gettext_lazy("The certification body decided not to certify."), None),
    Case.Status.REJECTED: (gettext_lazy("The application was rejected: %(reason)s"), None),
    Case.Status.WITHDRAWN: (gettext_lazy("The application was withdrawn."), None),
}


def case_next_step(user, case, *, member):
    """What should happen next and by when, for the case page's banner: the
    manager's own step where there is one, else what the case waits for."""
    steps = MANAGER_NEXT if user.is_manager and not member and case.status in MANAGER_NEXT else NEXT
    text, due_field = steps[case.status]
    if case.status == Case.Status.REJECTED:
        text = text % {"reason": case.rejection_reason}
    return text, getattr(case, due_field) if due_field else None
