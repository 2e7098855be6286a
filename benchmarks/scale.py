"""A certification body's ten years of data, built with bulk inserts.

For N organisations: N applicants and their organisations, 2.5 N cases in
every state, about 6 audits per 2.5 cases with their teams and score sheets
(marks on every submitted sheet), 15 nonconformities per N/1,000… in short,
at N = 10,000: 25,000 cases, ~60,000 audits, ~150,000 nonconformities,
~1,000,000 events and ~100,000 certificates in every status.

The rows are what the services would have written, without running the
services (which would take hours): ids are assigned here so foreign keys
need no round trip, and the same seed and end date give the same data.
"""

import datetime
import random
import uuid
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction

from applications.models import Case, Membership, Organisation, ServiceOutlet
from applications.selectors.case import PIPELINE
from applications.selectors.organisation import ORGANISATION_COUNT
from applications.uscc import uscc_check_char
from audits.models import (
    Audit,
    ConflictDeclaration,
    CustomerList,
    CustomerRow,
    Nonconformity,
    TeamMember,
)
from benchmarks.bulk import Ids, bulk_insert
from benchmarks.scale_callbacks import CallBacks
from benchmarks.shares import (
    CASE_PATH,
    CASE_STATES,
    CITIES,
    DECIDED,
    FINAL_CERTIFICATE_STATES,
    REACHED_DOCUMENT_REVIEW,
    REACHED_ONSITE,
    REGIONS,
    TRADES,
)
from certificates.models import Certificate, Decision, Surveillance
from certify.cache import changed
from certify.models import Event, User
from scoring.catalogue import GBT27922
from scoring.models import Item, Mark, ScoreSheet
from scoring.selectors import scheme_version_latest_published


class DatabaseNotEmpty(Exception):
    pass


def holds_other_data():
    return Organisation.objects.exists() or Case.objects.exists() or Certificate.objects.exists()


class Builder(CallBacks):
    def __init__(self, organisations, *, seed=1, end=datetime.date(2026, 11, 26), log=print):
        self.n = organisations
        self.rng = random.Random(seed)
        self.end = end
        self.start = end - relativedelta(years=10)
        self.log = log
        self.ids = Ids()
        self.version = scheme_version_latest_published(GBT27922)
        self.items = list(Item.objects.filter(indicator__category__version=self.version).order_by("pk"))
        self.levels = list(self.version.levels.order_by("position"))
        self.content_types = {
            model: ContentType.objects.get_for_model(model).pk for model in (Case, Audit, Nonconformity, Certificate)
        }
        self.events = []
        self.event_id = self.ids.take(Event, 0)

    # --- helpers -------------------------------------------------------------------

    def uuid(self):
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def moment(self, earliest=None):
        earliest = earliest or self.start
        days = max((self.end - earliest).days, 1)
        day = earliest + datetime.timedelta(days=self.rng.randrange(days))
        return datetime.datetime.combine(day, datetime.time(self.rng.randrange(1, 10), self.rng.randrange(60)),
                                         tzinfo=datetime.UTC)

    def event(self, obj_model, obj_id, verb, at, actor_id, from_state="", to_state="", data=None):
        self.events.append(
            Event(
                id=self.event_id,
                created_at=at,
                actor_id=actor_id,
                verb=verb,
                content_type_id=self.content_types[obj_model],
                object_id=obj_id,
                from_state=from_state,
                to_state=to_state,
                data=data or {},
            )
        )
        self.event_id += 1
        if len(self.events) >= 50_000:
            self.flush_events()

    def flush_events(self):
        bulk_insert(Event, self.events)
        self.events = []

    def weighted(self, table):
        states, weights = zip(*table, strict=True)
        return self.rng.choices(states, weights=weights)[0]

    # --- the build -----------------------------------------------------------------

    def build(self):
        with transaction.atomic():
            self.people()
            self.organisations()
            self.cases()
            self.flush_events()
        self.reset_sequences()
        # Bulk inserts send no signals: the cached counts are stale.
        changed(PIPELINE)
        changed(ORGANISATION_COUNT)

    def people(self):
        password = make_password("certify-scale")
        auditors = max(10, self.n // 100)
        managers = max(3, self.n // 1000)
        first = self.ids.take(User, self.n + auditors + managers)
        users = []
        for index in range(self.n + auditors + managers):
            role = "applicant" if index < self.n else "auditor" if index < self.n + auditors else "manager"
            users.append(
                User(
                    id=first + index,
                    public_id=self.uuid(),
                    email=f"{role}{first + index}@scale.certify.test",
                    full_name=f"{role.title()} {first + index}",
                    password=password,
                    is_applicant=role == "applicant",
                    is_auditor=role == "auditor",
                    is_manager=role == "manager",
                    email_verified_at=self.moment(),
                    date_joined=self.moment(),
                )
            )
        bulk_insert(User, users)
        self.applicant_ids = [user.id for user in users[: self.n]]
        self.auditor_ids = [user.id for user in users[self.n : self.n + auditors]]
        self.manager_ids = [user.id for user in users[self.n + auditors :]]
        self.log(f"users: {len(users)}")

    def organisations(self):
        first = self.ids.take(Organisation, self.n)
        organisations, memberships, outlets = [], [], []
        outlet_id = self.ids.take(ServiceOutlet, 0)
        for index in range(self.n):
            city = CITIES[index % len(CITIES)]
            first17 = f"91{REGIONS[index % len(REGIONS)]}MA{first + index:07d}"[:17]
            organisations.append(
                Organisation(
                    id=first + index,
                    public_id=self.uuid(),
                    legal_name=f"{city}示例{TRADES[index % len(TRADES)]}{first + index:05d}有限公司",
                    uscc=first17 + uscc_check_char(first17),
                    created_at=self.moment(),
                    created_by_id=self.applicant_ids[index],
                    registration_date=self.start - datetime.timedelta(days=self.rng.randrange(3000)),
                    address=f"{city}市示例大道 {index % 900 + 1} 号",
                    business_scope="商品销售、安装、维修及售后服务",
                    employee_count=self.rng.randrange(20, 800),
                    service_started_on=self.start - datetime.timedelta(days=self.rng.randrange(2000)),
                )
            )
            memberships.append(
                Membership(organisation_id=first + index, user_id=self.applicant_ids[index], role="admin")
            )
            for number in range(self.rng.randrange(1, 4)):
                outlets.append(
                    ServiceOutlet(
                        id=outlet_id,
                        organisation_id=first + index,
                        name=f"服务网点 {number + 1}",
                        address=f"{city}市示例路 {number + 1} 号",
                        headcount=self.rng.randrange(3, 40),
                    )
                )
                outlet_id += 1
        bulk_insert(Organisation, organisations)
        bulk_insert(Membership, memberships)
        bulk_insert(ServiceOutlet, outlets)
        self.organisation_rows = organisations
        self.log(f"organisations: {len(organisations)}, outlets: {len(outlets)}")

    def cases(self):
        count = self.n * 5 // 2
        case_first = self.ids.take(Case, count)
        cases = []
        for index in range(count):
            organisation = self.organisation_rows[index % self.n]
            status = self.weighted(CASE_STATES)
            created = self.moment()
            cases.append(
                Case(
                    id=case_first + index,
                    public_id=self.uuid(),
                    reference=f"SQ{created.year}{case_first + index:06d}",
                    organisation_id=organisation.id,
                    kind=Case.Kind.RENEWAL if index >= self.n and status == Case.Status.CERTIFIED else Case.Kind.INITIAL,
                    version_id=self.version.pk,
                    target_level=self.levels[self.rng.randrange(1, len(self.levels))].code,
                    status=status,
                    scope="家用电器的销售、安装和维修服务",
                    created_at=created,
                    created_by_id=organisation.created_by_id,
                    submitted_at=created + datetime.timedelta(days=3) if status != Case.Status.DRAFT else None,
                    review_due=(created + datetime.timedelta(days=17)).date(),
                    decision_due=(created + datetime.timedelta(days=75)).date()
                    if status == Case.Status.DECISION_PENDING
                    else None,
                )
            )
        bulk_insert(Case, cases)
        self.log(f"cases: {len(cases)}")
        for case in cases:
            self.case_events(case)
        self.audits(cases)

    def case_events(self, case):
        actor = case.created_by_id
        at = case.created_at
        self.event(Case, case.id, "case.created", at, actor, to_state=Case.Status.DRAFT)
        if case.status in CASE_PATH:
            path = CASE_PATH[: CASE_PATH.index(case.status) + 1]
        else:
            path = CASE_PATH[: self.rng.randrange(2, len(CASE_PATH) - 2)] + [case.status]
        for before, after in zip(path, path[1:], strict=False):
            at = at + datetime.timedelta(days=self.rng.randrange(1, 8))
            self.event(Case, case.id, "case.moved", at, actor, from_state=before, to_state=after)

    def audits(self, cases):
        """Document reviews, on-site and surveillance audits with their teams,
        sheets, marks and nonconformities; decisions and certificates."""
        declarations = {}
        declaration_rows = []
        declaration_id = self.ids.take(ConflictDeclaration, 0)
        audits, team, sheets, marks, nonconformities = [], [], [], [], []
        decisions, certificates, surveillances = [], [], []
        closed_onsite = []
        audit_id = self.ids.take(Audit, 0)
        sheet_id = self.ids.take(ScoreSheet, 0)
        nc_id = self.ids.take(Nonconformity, 0)
        decision_id = self.ids.take(Decision, 0)
        certificate_id = self.ids.take(Certificate, 0)
        # Serials continue after any earlier scale data (--force).
        serial = certificate_id
        manager = self.manager_ids[0]

        def declaration(auditor, organisation_id):
            nonlocal declaration_id
            key = (auditor, organisation_id)
            if key not in declarations:
                declaration_rows.append(
                    ConflictDeclaration(
                        id=declaration_id, auditor_id=auditor, organisation_id=organisation_id,
                        no_consultancy=True, no_employment=True, no_other_interest=True,
                        declared_at=self.moment(),
                    )
                )
                declarations[key] = declaration_id
                declaration_id += 1
            return declarations[key]

        def audit(case, kind, status, scored):
            nonlocal audit_id, sheet_id
            start = (case.created_at + datetime.timedelta(days=self.rng.randrange(20, 60))).date()
            lead, member = self.rng.sample(self.auditor_ids, 2)
            sheet = None
            if scored and status != Audit.Status.PLANNED:
                submitted = status in (Audit.Status.REPORT_SUBMITTED, Audit.Status.CLOSED)
                nonconforming = set(self.rng.sample(range(len(self.items)), self.rng.randrange(0, 4)))
                score = Decimal(100) - sum(
                    (self.items[i].max_points for i in nonconforming), Decimal(0)
                )
                level = next((lv.code for lv in reversed(self.levels) if score >= lv.min_score), "fail")
                sheet = ScoreSheet(
                    id=sheet_id, public_id=self.uuid(), version_id=self.version.pk,
                    status=ScoreSheet.Status.SUBMITTED if submitted else ScoreSheet.Status.DRAFT,
                    score=score if submitted else None, level_code=level if submitted else "",
                    created_by_id=lead, submitted_by_id=lead if submitted else None,
                    created_at=case.created_at, submitted_at=case.created_at if submitted else None,
                )
                sheets.append(sheet)
                for position, item in enumerate(self.items):
                    marks.append(
                        Mark(
                            sheet_id=sheet_id, item_id=item.pk,
                            result="nonconforming" if position in nonconforming else "conforming",
                            updated_by_id=lead, updated_at=case.created_at,
                        )
                    )
                sheet_id += 1
            row = Audit(
                id=audit_id, public_id=self.uuid(), case_id=case.id, kind=kind, status=status,
                planned_start=start, planned_end=start + datetime.timedelta(days=1),
                days_computed=Decimal("2.0"), days=Decimal("2.0"), days_basis={"synthetic": True},
                sheet_id=sheet.id if sheet else None,
                recommendation=sheet.level_code if sheet and sheet.level_code != "fail" else "",
                created_by_id=manager, created_at=case.created_at,
                closed_at=case.created_at if status == Audit.Status.CLOSED else None,
            )
            audits.append(row)
            team.append(TeamMember(audit_id=audit_id, auditor_id=lead, role="lead",
                                   declaration_id=declaration(lead, case.organisation_id), assigned_by_id=manager))
            team.append(TeamMember(audit_id=audit_id, auditor_id=member, role="member",
                                   declaration_id=declaration(member, case.organisation_id), assigned_by_id=manager))
            self.event(Audit, audit_id, "audit.planned", case.created_at, manager, to_state=Audit.Status.PLANNED)
            if status != Audit.Status.PLANNED:
                self.event(Audit, audit_id, "audit.started", case.created_at, lead,
                           from_state=Audit.Status.PLANNED, to_state=Audit.Status.IN_PROGRESS)
            if status in (Audit.Status.REPORT_SUBMITTED, Audit.Status.CLOSED):
                self.event(Audit, audit_id, "audit.report_submitted", case.created_at, lead,
                           from_state=Audit.Status.IN_PROGRESS, to_state=status)
            audit_id += 1
            return row, sheet, lead

        def raise_nonconformities(audit_row, lead, count, verified):
            nonlocal nc_id
            for number in range(count):
                item = self.items[self.rng.randrange(len(self.items))]
                status = Nonconformity.Status.VERIFIED if verified else self.rng.choice(
                    [Nonconformity.Status.OPEN, Nonconformity.Status.ANSWERED, Nonconformity.Status.VERIFIED]
                )
                raised = audit_row.created_at + datetime.timedelta(hours=number)
                nonconformities.append(
                    Nonconformity(
                        id=nc_id, public_id=self.uuid(), audit_id=audit_row.id, item_id=item.pk,
                        clause=item.clause, severity="minor" if number % 7 else "major",
                        requires_follow_up=not number % 7,
                        description=f"{item.code} 记录不完整（抽样 {number + 1}）", status=status,
                        due_date=(raised + datetime.timedelta(days=30)).date(), raised_at=raised,
                        raised_by_id=lead,
                        verified_at=raised + datetime.timedelta(days=20) if status == "verified" else None,
                        verified_by_id=lead if status == "verified" else None,
                    )
                )
                self.event(Nonconformity, nc_id, "nonconformity.raised", raised, lead, to_state="open")
                if status != Nonconformity.Status.OPEN:
                    self.event(Nonconformity, nc_id, "nonconformity.answered", raised, audit_row.case.created_by_id,
                               from_state="open", to_state="answered")
                if status == Nonconformity.Status.VERIFIED:
                    self.event(Nonconformity, nc_id, "nonconformity.accepted", raised, lead,
                               from_state="answered", to_state="verified")
                nc_id += 1

        for case in cases:
            if case.status in REACHED_DOCUMENT_REVIEW or case.status in REACHED_ONSITE:
                review_status = Audit.Status.IN_PROGRESS if case.status in (
                    Case.Status.DOCUMENT_REVIEW, Case.Status.DOCUMENT_REVISION) else Audit.Status.CLOSED
                audit(case, Audit.Kind.DOCUMENT_REVIEW, review_status, scored=False)
            if case.status not in REACHED_ONSITE:
                continue
            onsite_status = {
                Case.Status.ONSITE_PLANNED: Audit.Status.PLANNED,
                Case.Status.ONSITE_IN_PROGRESS: Audit.Status.IN_PROGRESS,
                Case.Status.RECTIFICATION: Audit.Status.REPORT_SUBMITTED,
            }.get(case.status, Audit.Status.CLOSED)
            onsite, sheet, lead = audit(case, Audit.Kind.ONSITE, onsite_status, scored=True)
            onsite.case = case
            if onsite_status == Audit.Status.CLOSED:
                closed_onsite.append((onsite, lead))
            if onsite_status != Audit.Status.PLANNED:
                raise_nonconformities(onsite, lead, self.rng.randrange(6, 13), verified=case.status in DECIDED)
            if case.status not in DECIDED:
                continue
            certified = case.status == Case.Status.CERTIFIED and sheet.level_code != "fail"
            decided_at = case.created_at + datetime.timedelta(days=80)
            decision = Decision(
                id=decision_id, public_id=self.uuid(), case_id=case.id,
                outcome="certified" if certified else "not_certified",
                level_code=sheet.level_code if certified else "", sheet_id=sheet.id, score=sheet.score,
                scored_level_code=sheet.level_code, recommendation=onsite.recommendation,
                reason="" if certified else "得分未达到申请等级", decided_by_id=manager, decided_at=decided_at,
            )
            decisions.append(decision)
            self.event(Case, case.id, "case.decided", decided_at, manager,
                       from_state=Case.Status.DECISION_PENDING, to_state=case.status)
            decision_id += 1
            if not certified:
                continue
            # Ten years of one holder: renewals (new numbers) and revisions.
            level = next(lv for lv in self.levels if lv.code == sheet.level_code)
            cycles = self.rng.randrange(2, 5)
            issued = decided_at.date() - relativedelta(years=3 * (cycles - 1))
            previous = None
            first_issued = issued
            final = self.weighted(FINAL_CERTIFICATE_STATES)
            for cycle in range(cycles):
                serial += 1
                base = f"016{issued.year % 100:02d}AS{serial:06d}R{cycle}"
                revisions = self.rng.choice([1, 1, 1, 2, 3, 4])
                for revision in range(revisions):
                    last = cycle == cycles - 1 and revision == revisions - 1
                    status = final if last else Certificate.Status.SUPERSEDED
                    expires = issued + relativedelta(years=3) - datetime.timedelta(days=1)
                    if last and status in Certificate.CURRENT and expires < self.end:
                        expires = self.end + datetime.timedelta(days=self.rng.randrange(30, 1000))
                    row = Certificate(
                        id=certificate_id, public_id=self.uuid(), token=uuid.UUID(int=self.rng.getrandbits(128)).hex[:24],
                        number=base if revision == 0 else f"{base}-{revision}", base_number=base,
                        revision=revision, cycle=cycle, status=status, case_id=case.id, decision_id=decision.id,
                        organisation_id=case.organisation_id, predecessor_id=previous,
                        holder_name=self.organisation_rows[(case.id - cases[0].id) % self.n].legal_name,
                        holder_uscc=self.organisation_rows[(case.id - cases[0].id) % self.n].uscc,
                        holder_address="示例大道 1 号", scope=case.scope, scheme_code=GBT27922,
                        scheme_name_zh=self.version.scheme.name_zh, scheme_name_en=self.version.scheme.name_en,
                        scheme_version=self.version.number, level_code=level.code, level_name_zh=level.name_zh,
                        level_name_en=level.name_en, body={"name_zh": "华信售后服务认证中心"},
                        granted_on=issued, issued_on=issued, expires_on=expires, valid_from=issued,
                        first_issued_on=first_issued, sites=[{"name": "总部", "address": "示例大道 1 号"}],
                        last_surveillance_on=issued + relativedelta(years=1) if expires > issued + relativedelta(years=1) else None,
                        status_changed_at=decided_at, created_by_id=manager, created_at=decided_at,
                    )
                    certificates.append(row)
                    self.event(Certificate, certificate_id, "certificate.issued", decided_at, manager,
                               to_state=Certificate.Status.ACTIVE)
                    if status != Certificate.Status.ACTIVE:
                        self.event(Certificate, certificate_id, f"certificate.{status}", decided_at, manager,
                                   from_state=Certificate.Status.ACTIVE, to_state=status)
                    if last and status in Certificate.CURRENT:
                        for number in (1, 2):
                            due = issued + relativedelta(months=12 * number)
                            surveillances.append(Surveillance(
                                certificate_id=certificate_id, number=number, due_on=due,
                                outcome="maintained" if due < self.end else "",
                            ))
                    previous = certificate_id
                    certificate_id += 1
                issued = issued + relativedelta(years=3)
            # A surveillance audit for the latest cycle.
            surveillance_audit, _sheet, lead = audit(case, Audit.Kind.SURVEILLANCE, Audit.Status.CLOSED, scored=True)

        bulk_insert(ConflictDeclaration, declaration_rows)
        bulk_insert(ScoreSheet, sheets)
        bulk_insert(Audit, audits)
        bulk_insert(TeamMember, team)
        bulk_insert(Mark, marks)
        bulk_insert(Nonconformity, nonconformities)
        bulk_insert(Decision, decisions)
        bulk_insert(Certificate, certificates)
        bulk_insert(Surveillance, surveillances)
        self.callbacks(closed_onsite[::10])
        self.log(
            f"audits: {len(audits)}, sheets: {len(sheets)}, marks: {len(marks)}, "
            f"nonconformities: {len(nonconformities)}, decisions: {len(decisions)}, "
            f"certificates: {len(certificates)}, surveillances: {len(surveillances)}"
        )

    def reset_sequences(self):
        models = [User, Organisation, ServiceOutlet, Case, ConflictDeclaration, Audit, ScoreSheet, Nonconformity,
                  Decision, Certificate, Event, CustomerList, CustomerRow]
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def seed_scale(organisations, *, seed=1, force=False, log=print):
    if holds_other_data() and not force:
        raise DatabaseNotEmpty(
            "The database already holds organisations, cases or certificates; use --force to add to them."
        )
    Builder(organisations, seed=seed, log=log).build()
