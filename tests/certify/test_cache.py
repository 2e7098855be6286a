"""Figures cached under a version a change bumps (certify.cache)."""

from django.core.cache import cache

from certify.cache import changed, versioned


def test_a_figure_is_computed_again_after_a_change():
    versioned("figure", lambda: "old")
    changed("figure")
    assert versioned("figure", lambda: "new") == "new"


def test_a_lost_version_never_leads_back_to_an_entry_filed_before_a_change():
    versioned("figure", lambda: "old")
    changed("figure")
    # The version key expired or was evicted before the entry it filed.
    cache.delete("figure:version")
    assert versioned("figure", lambda: "new") == "new"
