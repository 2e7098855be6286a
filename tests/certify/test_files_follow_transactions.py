"""Files follow their transaction: a file written in a transaction that rolls
back is removed, and a file is deleted only once the removal of its row has
committed (DESIGN.md "Uploads")."""

from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from applications.models import Material
from applications.services import material_remove, material_upload
from certify import uploads
from tests.applications.case_helpers import draft_case, pdf

pytestmark = pytest.mark.django_db


def _walk(directory):
    if not default_storage.exists(directory or "."):
        return []
    folders, files = default_storage.listdir(directory or ".")
    names = [f"{directory}/{name}".lstrip("/") for name in files]
    for folder in folders:
        names += _walk(f"{directory}/{folder}".lstrip("/"))
    return names


def test_a_file_written_in_a_block_that_rolls_back_is_removed():
    with pytest.raises(RuntimeError), uploads.atomic():
        name = default_storage.save("probe/rolled-back.txt", ContentFile(b"x"))
        raise RuntimeError("the change failed")

    assert not default_storage.exists(name)


def test_a_file_written_in_a_block_that_commits_stays():
    with uploads.atomic():
        name = default_storage.save("probe/kept.txt", ContentFile(b"x"))

    assert default_storage.exists(name)


def test_a_file_of_an_inner_block_is_removed_when_the_outer_block_rolls_back():
    with pytest.raises(RuntimeError), uploads.atomic():
        with uploads.atomic():
            name = default_storage.save("probe/inner.txt", ContentFile(b"x"))
        raise RuntimeError("the outer change failed")

    assert not default_storage.exists(name)


def test_a_file_deleted_on_commit_goes_only_when_the_transaction_commits(
    django_capture_on_commit_callbacks,
):
    name = default_storage.save("probe/old.txt", ContentFile(b"x"))
    field_file = mock.Mock(storage=default_storage, __bool__=lambda self: True)
    field_file.name = name

    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        uploads.delete_on_commit(field_file)
        raise RuntimeError("rolled back")
    assert default_storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True):
        uploads.delete_on_commit(field_file)
    assert not default_storage.exists(name)


def test_a_failed_upload_leaves_no_file_behind(applicant, organisation):
    case = draft_case(applicant, organisation)
    material_type = case.version.scheme.material_types.first()
    before = set(_walk("applications"))

    with (
        mock.patch("applications.services.case.event_record", side_effect=RuntimeError("db gone")),
        pytest.raises(RuntimeError),
    ):
        material_upload(actor=applicant, case=case, material_type=material_type, upload=pdf())

    assert set(_walk("applications")) == before
    assert not Material.objects.exists()


def test_a_failed_removal_keeps_both_the_row_and_its_file(applicant, organisation):
    case = draft_case(applicant, organisation)
    material_type = case.version.scheme.material_types.first()
    material = material_upload(actor=applicant, case=case, material_type=material_type, upload=pdf())

    with (
        mock.patch.object(Material, "delete", side_effect=RuntimeError("db gone")),
        pytest.raises(RuntimeError),
    ):
        material_remove(actor=applicant, case=case, material_id=material.pk)

    assert Material.objects.filter(pk=material.pk).exists()
    assert default_storage.exists(material.file.name)
