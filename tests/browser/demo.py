"""The seeded demo for the screenshot tour, seeded once per test run.

Seeding takes half a minute, most of it the PDFs of contracts, reports and
certificates. The first tour test of a run seeds it and keeps a copy: every
table as a fixture, and the stored files in a folder that every
pytest-xdist worker of the run shares. Each later tour test, on any worker,
empties its database and loads the copy, in a few seconds. The tour only
opens pages, which write no files, so the workers can share the folder.
"""

import fcntl
import os

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command


def _shared_folder(tmp_path_factory):
    """A folder of this test run that every worker sees."""
    base = tmp_path_factory.getbasetemp()
    # A worker's base folder is inside the run's.
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "tour-demo"
    folder.mkdir(exist_ok=True)
    return folder


def demo_in_place(tmp_path_factory, settings, seed):
    """Put the demo in this test's database: `seed()` the first time in the
    run, the copy after that."""
    folder = _shared_folder(tmp_path_factory)
    settings.MEDIA_ROOT = folder / "media"
    copy, failed = folder / "demo.json", folder / "seeding-failed"
    if not copy.exists():
        with open(folder / "lock", "w") as lock:
            # One worker seeds while the others wait for its copy.
            fcntl.flock(lock, fcntl.LOCK_EX)
            if failed.exists():
                pytest.fail("seeding the demo failed in an earlier tour test")
            if not copy.exists():
                try:
                    seed()
                except Exception:
                    failed.touch()
                    raise
                # Written whole, then renamed: a copy that exists is complete.
                written = folder / "demo.json.part"
                call_command("dumpdata", all=True, exclude=["sessions"], output=written, verbosity=0)
                written.rename(copy)
                return
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    call_command("loaddata", copy, verbosity=0)
    # The content types now have the copy's ids, not those cached.
    ContentType.objects.clear_cache()
