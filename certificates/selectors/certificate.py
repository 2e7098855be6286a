"""Reads of the certificates app, each limited to what the reader may see;
the public reads return only certificates' public records."""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Case, Membership
from audits.models import Audit, TeamMember
from audits.selectors.nonconformity import nonconformities_for_case
from certificates.models import Certificate, ReasonCode, Surveillance
from certify import transitions
from certify.cache import versioned
from certify.i18n import localized
from certify.pagination import RowsByKey, rows_after
from scoring.components import level_names
from scoring.selectors import process_settings_get, version_structure


@dataclass
class DecisionBasis:
    """What the decider sees, and the levels the decision may grant."""

    case: Case
    audit: Audit | None
    sheet: object | None
    recommendation: str
    levels: list
    allowed_levels: list
    caps: list = field(default_factory=list)
    nonconformities: list = field(default_factory=list)
    team: list = field(default_factory=list)

    def level_name(self, code):
        return level_names(self.levels).get(code, code)


def _months_held(organisation, scheme_code, today):
    """Whole months since the organisation was first certified under the
    scheme (0 when never)."""
    first = (
        Certificate.objects.filter(organisation=organisation, scheme_code=scheme_code)
        .exclude(status=Certificate.Status.WITHDRAWN)
        .order_by("granted_on")
        .values_list("granted_on", flat=True)
        .first()
    )
    if first is None:
        return 0
    delta = relativedelta(today, first)
    return delta.years * 12 + delta.months


def decision_basis(case, today=None):
    """The final on-site audit's sheet and recommendation, every
    nonconformity of the case, the audit teams, and the levels allowed: no
    higher than the score reaches, than the level applied for, nor, while
    the organisation has held the scheme's certificate for less than the
    scheme's months before a star level, than the lowest level (DOMAIN.md
    decision 4)."""
    today = today or timezone.localdate()
    audit = (
        Audit.objects.filter(case=case, kind=Audit.Kind.ONSITE, status=Audit.Status.CLOSED)
        .select_related("sheet")
        .order_by("-closed_at", "-id")
        .first()
    )
    sheet = audit.sheet if audit and audit.sheet and audit.sheet.status == "submitted" else None
    levels = version_structure(case.version)[1]
    codes = [level.code for level in levels]
    names = level_names(levels)
    caps = []
    allowed = []
    if sheet is not None and sheet.level_code in codes:
        top = codes.index(sheet.level_code)
        caps.append(_("The final score reaches %(level)s.") % {"level": names[sheet.level_code]})
        if case.target_level in codes and codes.index(case.target_level) < top:
            top = codes.index(case.target_level)
            caps.append(_("The application asked for %(level)s.") % {"level": names[case.target_level]})
        months = process_settings_get(case.version).min_months_before_star
        if months and top > 0 and _months_held(case.organisation, case.version.scheme.code, today) < months:
            top = 0
            caps.append(
                _("The scheme grants a star level only after %(months)s months at %(level)s.")
                % {"months": months, "level": names[codes[0]]}
            )
        allowed = levels[: top + 1]
    team = list(
        TeamMember.objects.filter(audit__case=case)
        .select_related("auditor", "audit")
        .order_by("audit__created_at", "role", "id")
    )
    return DecisionBasis(
        case=case,
        audit=audit,
        sheet=sheet,
        recommendation=audit.recommendation if audit else "",
        levels=levels,
        allowed_levels=allowed,
        caps=caps,
        nonconformities=list(nonconformities_for_case(case)),
        team=team,
    )


def decision_queue():
    """Cases waiting for the decision, the soonest due first."""
    return (
        Case.objects.filter(status=Case.Status.DECISION_PENDING)
        .select_related("organisation", "version__scheme")
        .order_by(F("decision_due").asc(nulls_last=True), "id")
    )


def cases_user_audited(user):
    return set(TeamMember.objects.filter(auditor=user).values_list("audit__case_id", flat=True))


# --- Certificates for signed-in readers -------------------------------------------


def certificate_list_for_user(user):
    queryset = Certificate.objects.select_related("organisation", "status_reason")
    if not user.is_authenticated:
        return queryset.none()
    if user.is_manager:
        return queryset
    if user.is_applicant:
        return queryset.filter(
            organisation__in=Membership.objects.filter(user=user).values("organisation_id")
        )
    return queryset.none()


def certificate_search(certificates, search):
    """Certificates whose number or code starts with `search`, or whose
    holder's name holds it (the managers' and holders' list)."""
    return certificates.filter(
        Q(number__startswith=search.upper()) | Q(holder_uscc__startswith=search.upper()) | Q(holder_name__contains=search)
    )


def certificate_get_for_user(user, public_id):
    certificate = (
        certificate_list_for_user(user)
        .select_related("case", "decision__decided_by", "predecessor", "successor")
        .filter(public_id=public_id)
        .first()
    )
    if certificate is None:
        raise Http404
    return certificate


def revisions_of(certificate):
    """Every revision of the certificate's number, newest first, in one query."""
    return list(
        Certificate.objects.filter(base_number=certificate.base_number)
        .only(
            "public_id", "token", "number", "revision", "status", "status_reason", "issued_on",
            "level_name_zh", "level_name_en",
        )
        .order_by("-revision")
    )


def surveillances_of(certificate):
    """The certificate's surveillances with their audits, in one query; a
    revision shows those of the certificates it replaced too."""
    return list(
        Surveillance.objects.filter(certificate__base_number=certificate.base_number, certificate__cycle=certificate.cycle)
        .select_related("audit", "outcome_by")
        .order_by("number", "id")
    )


def grouped_reason_choices(actions):
    """Reason choices grouped by action, for a form that serves several."""
    labels = dict(ReasonCode.Action.choices)
    reasons = ReasonCode.objects.filter(action__in=actions, active=True).order_by("action", "position", "id")
    groups = {action: [] for action in actions}
    for reason in reasons:
        groups[reason.action].append((reason.pk, f"{reason.code} {localized(reason, 'label')}"))
    return [(labels[action], choices) for action, choices in groups.items() if choices]


def reason_choices(action):
    return [
        (reason.pk, f"{reason.code} {localized(reason, 'label')}")
        for reason in ReasonCode.objects.filter(action=action, active=True).order_by("position", "id")
    ]


def reason_codes():
    """Every reason code, grouped by action in the order of a certificate's life."""
    order = {action: index for index, action in enumerate(ReasonCode.Action.values)}
    return sorted(ReasonCode.objects.all(), key=lambda reason: (order[reason.action], reason.position, reason.id))


# --- Public records ----------------------------------------------------------------

PUBLIC_FIELDS = (
    "public_id",
    "token",
    "number",
    "base_number",
    "revision",
    "status",
    "holder_name",
    "holder_uscc",
    "holder_address",
    "scope",
    "scheme_code",
    "scheme_name_zh",
    "scheme_name_en",
    "scheme_version",
    "level_code",
    "level_name_zh",
    "level_name_en",
    "body",
    "sites",
    "granted_on",
    "first_issued_on",
    "issued_on",
    "valid_from",
    "expires_on",
    "last_surveillance_on",
    "status_changed_at",
    # Says whether a replaced certificate was revised or renewed.
    "status_reason",
)


def verification_cache_name(token):
    return f"verify:{token}"


def _seconds_left_today():
    now = timezone.localtime()
    midnight = datetime.combine(now.date() + timedelta(days=1), time.min, tzinfo=now.tzinfo)
    return max(1, int((midnight - now).total_seconds()))


def public_certificate(token):
    """The public record behind a QR code, with its successor, or 404.

    Every QR scan reads it, so it is cached until the certificate is next
    saved (wired in AppConfig.ready) or the day ends, whichever is first:
    validity lapses by date, before the nightly job saves the status."""

    def read():
        # False, not None, for an unknown token: None is the cache's miss.
        return (
            Certificate.objects.select_related("successor")
            .only(*PUBLIC_FIELDS, "successor__token", "successor__number")
            .filter(token=token)
            .first()
        ) or False

    certificate = versioned(verification_cache_name(token), read, timeout=_seconds_left_today())
    if not certificate:
        raise Http404
    return certificate


def public_certificate_by_number(number):
    """The public record of the certificate numbered exactly `number`, or 404."""
    token = Certificate.objects.filter(number=number).values_list("token", flat=True).first()
    if token is None:
        raise Http404
    return public_certificate(token)


def public_lookup(*, number="", name="", code=""):
    """Certificates found by exact number, or by the holder's exact name
    together with its code (both needed, so nobody can list a stranger's
    certificates by guessing one of them)."""
    queryset = Certificate.objects.only(*PUBLIC_FIELDS).order_by("-issued_on", "-id")
    if number:
        return list(queryset.filter(number=number.strip().upper())[:20])
    if name and code:
        return list(queryset.filter(holder_name=name.strip(), holder_uscc=code.strip().upper())[:20])
    return []


REGISTER_FIELDS = (
    "token",
    "number",
    "holder_name",
    "holder_uscc",
    "level_name_zh",
    "level_name_en",
    "issued_on",
    "expires_on",
    "scheme_code",
)


def _valid():
    return Certificate.objects.filter(status=Certificate.Status.ACTIVE, expires_on__gte=timezone.localdate())


# The register's order, newest first, and its cursor's key.
REGISTER_ORDER = ("issued_on", "id")


def public_register(search="", *, after=None):
    """Valid certificates, newest first, sliced like a queryset; `search` is a
    prefix of the number, of the code or of the holder's name; `after` a
    key (issued_on, id) the rows follow, for the API's cursor."""
    search = search.strip()
    if not search:
        return rows_after(_valid(), after, REGISTER_ORDER).only(*REGISTER_FIELDS)
    return RowsByKey(register_matches(search, after=after), Certificate.objects.only(*REGISTER_FIELDS))


def register_matches(search, *, after=None):
    """The keys of the valid certificates a search matches, newest first.

    One query per field, united: each reads its matches from its own
    covering index (cert_register_*) without visiting the table. One query
    ORing the three fields read every match's row to sort them, and an
    eight-character number prefix matches a year's certificates: the page
    grew with the register.
    """
    upper = search.upper()
    valid = rows_after(_valid(), after, REGISTER_ORDER).order_by()
    keys = [
        branch.values("id", "issued_on")
        for branch in (
            valid.filter(number__startswith=upper),
            valid.filter(holder_uscc__startswith=upper),
            valid.filter(holder_name__startswith=search),
        )
    ]
    return keys[0].union(*keys[1:]).order_by("-issued_on", "-id")


# The manager's status actions and the state each takes the certificate to.
STATUS_ACTIONS = (
    (ReasonCode.Action.SUSPEND, Certificate.Status.SUSPENDED),
    (ReasonCode.Action.REINSTATE, Certificate.Status.ACTIVE),
    (ReasonCode.Action.WITHDRAW, Certificate.Status.WITHDRAWN),
    (ReasonCode.Action.CANCEL, Certificate.Status.CANCELLED),
)


def certificate_status_actions_for(certificate):
    """The status actions the certificate's table allows now, in order."""
    return [action for action, to_state in STATUS_ACTIONS if transitions.allowed(certificate, to_state)]


# --- Renewal ---------------------------------------------------------------------------


def renewal_window_opens(certificate):
    settings = process_settings_get(certificate.case.version)
    return certificate.expires_on - relativedelta(months=settings.renewal_window_months)


def renewal_refusal(certificate, today):
    """Why the holder may not apply for renewal of `certificate` on `today`,
    or None when they may: the one rule behind the certificate page's button
    and the service."""
    if not certificate.is_current:
        return _("A certificate that is “%(status)s” cannot be renewed; apply anew.") % {
            "status": certificate.get_status_display()
        }
    if today > certificate.expires_on:
        return _("The certificate has expired; apply anew.")
    opens = renewal_window_opens(certificate)
    if today < opens:
        return _("Renewal can be applied for from %(date)s.") % {"date": opens.isoformat()}
    return None
