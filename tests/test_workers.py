"""The suite runs in pytest-xdist workers (`make test`); tests that must not
share a moment with others (the fault suite stops Redis and PostgreSQL) or
that share an expensive fixture (the seeded demo) are kept on one worker by
an `xdist_group`. pytest 9.2 renamed the node id that xdist's grouping
rewrites, and every group silently spread over all workers."""

import pytest


@pytest.mark.xdist_group("workers")
def test_a_grouped_test_carries_its_group_to_the_scheduler(request):
    if not getattr(request.config.option, "loadgroup", False):
        pytest.skip("run without pytest-xdist's --dist loadgroup")

    assert request.node.nodeid.endswith("@workers")
