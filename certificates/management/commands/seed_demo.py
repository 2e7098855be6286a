"""Demo data for a newcomer: one person per role, the body's profile and an
organisation, applications, audits and certificates in every state. Running
it again changes nothing.

It lives in `certificates`, the app highest in the dependency order, so it
may call every app's demo module."""

import secrets
from datetime import date, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from applications.demo import DEMO_ENTERPRISES, seed_cases
from applications.models import Organisation
from applications.services import (
    invitation_accept,
    invitation_create,
    organisation_create,
    organisation_profile_update,
    self_assessment_create,
    self_assessment_finish,
    service_outlet_add,
)
from audits.demo import AUDIT_ENTERPRISES, seed_audits
from certificates.demo import CERTIFICATE_ENTERPRISES, seed_certificates, seed_complaints
from certificates.models import Certificate
from certify.housekeeping import housekeeping
from certify.jobs import DAY, periodic_run
from certify.models import BodyProfile, User, WebhookDelivery, WebhookEndpoint
from certify.outbox import outbox_sweep
from certify.second_factor import authenticator_ensure, key_text
from certify.selectors import body_profile_get
from scoring.catalogue import EXAMPLE_TEN_STAR, GBT27922
from scoring.models import Item, SchemeVersion
from scoring.selectors import scheme_version_latest_published
from scoring.services import mark_set, scheme_version_clone

DEMO_PASSWORD = "certify-demo-2026"

DEMO_USERS = [
    # e-mail, name, roles
    ("manager@demo.certify.test", "王经理 (Wang, manager)", {"is_manager": True}),
    # A second manager, uninvolved in the demo's decisions: appeals and
    # complaints about them are theirs to handle.
    ("manager2@demo.certify.test", "刘经理 (Liu, manager)", {"is_manager": True}),
    ("auditor@demo.certify.test", "李审核 (Li, lead auditor)", {"is_auditor": True}),
    ("auditor2@demo.certify.test", "赵审核 (Zhao, auditor)", {"is_auditor": True}),
    ("applicant@demo.certify.test", "张申请 (Zhang, applicant)", {"is_applicant": True}),
    ("colleague@demo.certify.test", "陈同事 (Chen, colleague)", {"is_applicant": True}),
]

DEMO_PROFILE = {
    "registration_date": date(2015, 3, 18),
    "legal_representative": "林建国",
    "address": "福建省福州市仓山区示例大道 88 号",
    "contact_name": "张申请",
    "contact_phone": "0591-88880000",
    "contact_email": "service@demo.certify.test",
    "business_scope": "家用电器销售、安装、维修及售后服务；家电配件销售。",
    "employee_count": 126,
    "service_started_on": date(2016, 1, 1),
}
DEMO_CATEGORIES = ["家用空调", "家用冰箱", "洗衣机", "安装与维修服务"]
DEMO_OUTLETS = [
    ("仓山服务中心", "福建省福州市仓山区示例大道 88 号一层", 18),
    ("鼓楼服务网点", "福建省福州市鼓楼区示例路 20 号", 7),
]
DEMO_PENDING_INVITATION = "new.colleague@demo.certify.test"

DEMO_ORGANISATION = {"legal_name": "福州示例家电服务有限公司", "uscc": "91350100M000100Y43"}

DEMO_BODY = {
    "name_zh": "华信售后服务认证中心（演示）",
    "name_en": "Huaxin After-sales Service Certification Centre (demo)",
    "address_zh": "福建省福州市鼓楼区示例路 1 号",
    "address_en": "No. 1 Example Road, Gulou District, Fuzhou, Fujian",
    "approval_number": "CNCA-R-2016-001",
    "body_code": "016",
    "signatory_name": "陈主任",
    "signatory_title": "主任 / Director",
    "phone": "0591-00000000",
    "email": "cert@demo.certify.test",
}


# A finished self-assessment: what the enterprise found when it scored itself
# (item code → result; anything not listed conforms).
SELF_ASSESSMENT_MARKS = {
    "A2.2": ("nonconforming", None, None, "只有 1 名售后服务管理师，不足服务管理人员的 10%"),
    "A3.1": ("nonconforming", None, None, "尚未设立赔偿准备金"),
    "B4.1": ("sampled", 20, 17, "抽查 20 份维修记录，17 份完整"),
    "B6.1": ("deleted", None, None, "本企业不销售需回收的商品"),
}


class Command(BaseCommand):
    help = (
        "Create demo users, the body's profile, organisations, and applications, audits "
        "and certificates in every state (idempotent)."
    )

    def handle(self, *args, **options):
        # The demo's notifications stay in the app: printing dozens of e-mails
        # to the console would bury the logins. The e-mails go out after the
        # transaction commits, hence the setting around it.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            self._seed()
            # The housekeeping jobs' first runs, so the managers' background
            # work page shows what a run looks like (once a day: a second
            # seeding the same day finds them done).
            periodic_run("certify.tasks.outbox_sweep", outbox_sweep, every=DAY)
            periodic_run("certify.tasks.housekeeping", housekeeping, every=DAY)
        self._print_logins()

    @transaction.atomic
    def _seed(self):
        users = {}
        for email, name, roles in DEMO_USERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email=email,
                    password=DEMO_PASSWORD,
                    full_name=name,
                    email_verified_at=timezone.now(),
                    **roles,
                )
            users[email] = user

        profile = body_profile_get()
        if not profile.approval_number:
            BodyProfile.objects.filter(pk=profile.pk).update(**DEMO_BODY)

        if not Organisation.objects.filter(uscc=DEMO_ORGANISATION["uscc"]).exists():
            organisation_create(actor=users["applicant@demo.certify.test"], **DEMO_ORGANISATION)

        applicant = users["applicant@demo.certify.test"]
        organisation = applicant.memberships.get().organisation
        self._profile_and_people(applicant, users["colleague@demo.certify.test"], organisation)
        if not organisation.self_assessments.exists():
            self._self_assessments(applicant, organisation)

        seed_cases(applicant, users["manager@demo.certify.test"], DEMO_PASSWORD)
        staff = (
            users["manager@demo.certify.test"],
            users["auditor@demo.certify.test"],
            users["auditor2@demo.certify.test"],
        )
        seed_audits(*staff, DEMO_PASSWORD)
        seed_certificates(*staff, DEMO_PASSWORD)
        seed_complaints(users["manager@demo.certify.test"])
        self._scheme_draft(users["manager@demo.certify.test"])
        self._webhook(users["manager@demo.certify.test"])

    def _scheme_draft(self, manager):
        """The body's next version of its ten-star rules, begun as a draft, so
        the scheme editor has something to edit."""
        published = scheme_version_latest_published(EXAMPLE_TEN_STAR)
        if not published.scheme.versions.filter(status=SchemeVersion.Status.DRAFT).exists():
            scheme_version_clone(actor=manager, version=published)

    def _webhook(self, manager):
        """The ERP's webhook with a day of deliveries, one refused. Written
        directly, after the certificates: its receiver is fictional, so the
        services would post to a host that does not exist."""
        if WebhookEndpoint.objects.exists():
            return
        endpoint = WebhookEndpoint.objects.create(
            url="https://erp.demo.certify.test/certify-hooks",
            description="财务与客户管理系统（ERP）",
            secret=secrets.token_hex(32),
            events=["case.accepted", "certificate.issued", "certificate.suspended", "certificate.withdrawn"],
            created_by=manager,
        )
        now = timezone.now()
        for certificate, minutes, status in (
            (Certificate.objects.order_by("id").first(), 90, 200),
            (Certificate.objects.filter(status=Certificate.Status.SUSPENDED).first(), 30, 503),
        ):
            if certificate is None:
                continue
            event = "certificate.issued" if status == 200 else "certificate.suspended"
            WebhookDelivery.objects.create(
                endpoint=endpoint,
                event=event,
                payload={
                    "id": f"evt_demo_{certificate.pk}_{status}",
                    "event": event,
                    "created_at": (now - timedelta(minutes=minutes)).isoformat(),
                    "data": {"object": "certificates.certificate", "id": str(certificate.public_id)},
                },
                created_at=now - timedelta(minutes=minutes),
                attempts=1 if status == 200 else 3,
                last_attempt_at=now - timedelta(minutes=minutes - 1),
                response_status=status,
                response_body='{"received": true}' if status == 200 else "Service Unavailable",
                delivered_at=now - timedelta(minutes=minutes - 1) if status == 200 else None,
            )

    def _print_logins(self):
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in with:"))
        for email, name, _roles in DEMO_USERS:
            self.stdout.write(f"  {email:32} {DEMO_PASSWORD}   {name}")
        self.stdout.write("Other enterprises, with applications, audits and certificates in other states:")
        enterprises = DEMO_ENTERPRISES + AUDIT_ENTERPRISES + CERTIFICATE_ENTERPRISES
        for email, name, legal_name, *_rest in enterprises:
            self.stdout.write(f"  {email:32} {DEMO_PASSWORD}   {name}, {legal_name}")
        self._print_second_factor()

    def _print_second_factor(self):
        if not settings.STAFF_OTP_REQUIRED:
            self.stdout.write(
                "Second factor for staff: not required (STAFF_OTP_REQUIRED is off, as under DEBUG); "
                "staff may set one up on their profile."
            )
            return
        self.stdout.write(
            "Second factor for staff: required. Add each key to an authenticator app (time-based, 6 digits):"
        )
        for email, _name, _roles in DEMO_USERS:
            user = User.objects.get(email=email)
            if user.is_staff_member:
                self.stdout.write(f"  {email:32} {key_text(authenticator_ensure(user))}")

    def _profile_and_people(self, applicant, colleague, organisation):
        """A full profile, two outlets, a second member and a pending
        invitation, all through the services (each is a no-op when done)."""
        if organisation.registration_date is None:
            organisation_profile_update(
                actor=applicant,
                organisation=organisation,
                categories=DEMO_CATEGORIES,
                **DEMO_PROFILE,
            )
        if not organisation.outlets.exists():
            for name, address, headcount in DEMO_OUTLETS:
                service_outlet_add(
                    actor=applicant,
                    organisation=organisation,
                    name=name,
                    address=address,
                    headcount=headcount,
                )
        if not colleague.memberships.exists():
            invitation = invitation_create(
                actor=applicant, organisation=organisation, email=colleague.email
            )
            invitation_accept(actor=colleague, token=invitation.token)
        # invitation_create is a no-op while an open invitation exists.
        invitation_create(
            actor=applicant, organisation=organisation, email=DEMO_PENDING_INVITATION
        )

    def _self_assessments(self, applicant, organisation):
        version = scheme_version_latest_published(GBT27922)
        finished = self_assessment_create(
            actor=applicant,
            organisation=organisation,
            version=version,
            title="2026 年度自评",
            target_level="star4",
        )
        for item in Item.objects.filter(indicator__category__version=version):
            result, samples, conforming, note = SELF_ASSESSMENT_MARKS.get(
                item.code, ("conforming", None, None, "")
            )
            mark_set(
                actor=applicant,
                sheet=finished.sheet,
                item_id=item.pk,
                result=result,
                samples=samples,
                conforming=conforming,
                deletion_reason=note if result == "deleted" else "",
                note="" if result == "deleted" else note,
            )
        self_assessment_finish(actor=applicant, assessment=finished)
        draft = self_assessment_create(
            actor=applicant,
            organisation=organisation,
            version=scheme_version_latest_published(EXAMPLE_TEN_STAR),
            title="十星级准备（进行中）",
            target_level="star10",
        )
        for item in Item.objects.filter(indicator__category__version=draft.sheet.version)[:8]:
            mark_set(actor=applicant, sheet=draft.sheet, item_id=item.pk, result="conforming")
