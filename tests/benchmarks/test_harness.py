"""The benchmark's smoke version: the harness runs on a small scale data set
and every page keeps its number of queries when the data grows. Times are
not asserted here; `make bench` measures them."""

import pytest

from benchmarks.harness import measure_pages
from benchmarks.scale import seed_scale

pytestmark = pytest.mark.django_db


@pytest.fixture
def query_counts_at_two_sizes():
    seed_scale(25, seed=3, log=lambda line: None)
    small = {row["name"]: row["queries"] for row in measure_pages(repeat=1)}
    seed_scale(50, seed=4, force=True, log=lambda line: None)
    large = {row["name"]: row["queries"] for row in measure_pages(repeat=1)}
    return small, large


def test_every_key_page_runs_the_same_queries_whatever_the_data_size(query_counts_at_two_sizes):
    small, large = query_counts_at_two_sizes
    assert small == large


def test_each_part_of_the_audit_workspace_runs_at_most_fifteen_queries(query_counts_at_two_sizes):
    workspace = {name: count for name, count in query_counts_at_two_sizes[1].items() if name.startswith("audit")}
    assert len(workspace) == 4
    assert all(count <= 15 for count in workspace.values()), workspace
