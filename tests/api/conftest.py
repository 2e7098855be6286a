import pytest

from tests.audits.helpers import running_onsite, signed_case


@pytest.fixture
def onsite(applicant, organisation, manager):
    """An on-site audit in progress and its lead."""
    audit, lead, _member = running_onsite(signed_case(applicant, organisation, manager), manager)
    return audit, lead
