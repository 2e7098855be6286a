"""Cases in any state, built through the services (never raw writes)."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from applications import services
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


def submitted_case(applicant, organisation):
    case = complete(draft_case(applicant, organisation), applicant)
    return services.case_submit(actor=applicant, case=case)


def under_review_case(applicant, organisation, manager):
    case = submitted_case(applicant, organisation)
    return services.case_review_start(actor=manager, case=case)


def all_accepted(case):
    return {
        material_type.pk: (True, "")
        for material_type in MaterialType.objects.filter(scheme=case.version.scheme)
    }
