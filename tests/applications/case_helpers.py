"""Cases in any state, built through the services (never raw writes)."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from applications import services
from applications.lifecycle import CaseStory, case_build
from applications.models import MaterialType
from scoring.catalogue import GBT27922
from scoring.selectors import scheme_version_latest_published
from tests.samples import MINIMAL_PDF

ALL_DECLARED = dict.fromkeys(services.case.DECLARATIONS, True)


def pdf(name="材料.pdf"):
    return SimpleUploadedFile(name, MINIMAL_PDF, content_type="application/pdf")


def eligible(applicant, organisation):
    """Give the organisation a profile that meets the shipped schemes'
    eligibility (registered and operating for well over a year)."""
    services.organisation_profile_update(
        actor=applicant,
        organisation=organisation,
        registration_date=datetime.date(2018, 5, 1),
        service_started_on=datetime.date(2019, 1, 1),
    )
    organisation.refresh_from_db()
    return organisation


def draft_case(applicant, organisation, **kwargs):
    return services.case_create(
        actor=applicant,
        organisation=organisation,
        version=kwargs.pop("version", None) or scheme_version_latest_published(GBT27922),
        target_level=kwargs.pop("target_level", "star4"),
        scope=kwargs.pop("scope", "家用空调的销售、安装和维修"),
        **kwargs,
    )


def complete(case, applicant, *, skip=()):
    """Upload every required material (but those in `skip`) and declare."""
    for material_type in MaterialType.objects.filter(scheme=case.version.scheme, required=True):
        if material_type.code not in skip:
            services.material_upload(
                actor=applicant, case=case, material_type=material_type, upload=pdf()
            )
    services.case_declare(actor=applicant, case=case, **ALL_DECLARED)
    eligible(applicant, case.organisation)
    return case


def story(applicant, organisation, manager=None, **kwargs):
    """The tests' case: GB/T 27922 at 四星级, every material uploaded."""
    return CaseStory(
        applicant=applicant,
        manager=manager,
        organisation=organisation,
        version=kwargs.pop("version", None) or scheme_version_latest_published(GBT27922),
        scope=kwargs.pop("scope", "家用空调的销售、安装和维修"),
        **kwargs,
    )


def case_at(state, applicant, organisation, manager=None, **kwargs):
    """A case driven to `state` by the lifecycle builder, for an organisation
    made eligible first."""
    eligible(applicant, organisation)
    return case_build(story(applicant, organisation, manager, **kwargs), state)


def submitted_case(applicant, organisation):
    return case_at("submitted", applicant, organisation)


def under_review_case(applicant, organisation, manager):
    return case_at("under_review", applicant, organisation, manager)
