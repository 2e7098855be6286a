"""The seeded demo for the screenshot tour, seeded once per test run.

Seeding takes half a minute, most of it the PDFs of contracts, reports and
certificates. The first tour test of a run seeds it and keeps a copy: every
table as a fixture, and the stored files in a folder that every
pytest-xdist worker of the run shares. Each later tour test, on any worker,
empties its database and loads the copy, in a few seconds. The tour only
reads, so every test starts from the same demo.
"""

import fcntl
import os

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
    copy = folder / "demo.json"
    with open(folder / "lock", "w") as lock:
        # One worker seeds while the other waits for its copy.
        fcntl.flock(lock, fcntl.LOCK_EX)
        if copy.exists():
            call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
            call_command("loaddata", copy, verbosity=0)
            # The content types now have the copy's ids, not those cached.
            ContentType.objects.clear_cache()
        else:
            seed()
            written = folder / "demo.json.part"
            call_command(
                "dumpdata", all=True, exclude=["sessions"], output=written, verbosity=0
            )
            written.rename(copy)
