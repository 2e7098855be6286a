"""The seeded demo, seeded once per test run for the screenshot tour and
the checks of what the demo holds (tests/test_seed_demo.py).

Seeding takes half a minute, most of it the PDFs of contracts, reports and
certificates. Whichever test of a run seeds first keeps a copy: every table
as a fixture, and the stored files in a folder that every pytest-xdist
worker of the run shares. Each tour test, on any worker, empties its
database and loads the copy, in a few seconds. The tour only opens pages,
which write no files, so the workers can share the folder.
"""

import fcntl
import os
from contextlib import contextmanager

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command


def demo_folder(tmp_path_factory):
    """A folder of this test run that every worker sees; the demo's files
    are stored in its `media`."""
    base = tmp_path_factory.getbasetemp()
    # A worker's base folder is inside the run's.
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "demo"
    folder.mkdir(exist_ok=True)
    return folder


@contextmanager
def seeding(folder):
    """Around seeding the demo: one test seeds at a time, and the first to
    succeed leaves the copy (or a failure leaves a mark that fails the
    tests waiting for a copy)."""
    copy, failed = folder / "demo.json", folder / "seeding-failed"
    with open(folder / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        except Exception:
            failed.touch()
            raise
        if not copy.exists():
            # Written whole, then renamed: a copy that exists is complete.
            written = folder / "demo.json.part"
            call_command("dumpdata", all=True, exclude=["sessions"], output=written, verbosity=0)
            written.rename(copy)


def demo_in_place(tmp_path_factory, settings, seed):
    """Put the demo in this test's database: the run's copy, or `seed()`
    when no test of the run has seeded it yet."""
    folder = demo_folder(tmp_path_factory)
    settings.MEDIA_ROOT = folder / "media"
    copy = folder / "demo.json"
    if not copy.exists():
        with seeding(folder):
            if (folder / "seeding-failed").exists():
                pytest.fail("seeding the demo failed in an earlier test")
            if not copy.exists():
                seed()
                return
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    call_command("loaddata", copy, verbosity=0)
    # The content types now have the copy's ids, not those cached.
    ContentType.objects.clear_cache()
