"""The employee bands the fee schedule and the audit days table share."""

from types import SimpleNamespace

import pytest

from certify.bands import band_for, bands_check
from certify.exceptions import CertifyError

BANDS = [SimpleNamespace(max_employees=None), SimpleNamespace(max_employees=50), SimpleNamespace(max_employees=200)]


@pytest.mark.parametrize(("employees", "limit"), [(1, 50), (50, 50), (51, 200), (200, 200), (201, None)])
def test_an_organisation_falls_in_the_smallest_band_that_holds_it(employees, limit):
    assert band_for(BANDS, employees).max_employees == limit


def test_without_an_open_ended_band_a_large_organisation_has_none():
    assert band_for(BANDS[1:], 500) is None


@pytest.mark.parametrize("limits", [[50, 200], [None, 50, None]])
def test_bands_need_exactly_one_open_ended_band(english, limits):
    with pytest.raises(CertifyError, match="Exactly one band must be open-ended"):
        bands_check(limits)


def test_two_bands_with_the_same_limit_are_refused(english):
    with pytest.raises(CertifyError, match="Two bands have the same upper limit."):
        bands_check([50, 50, None])
