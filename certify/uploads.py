"""The one upload path: validate a file by its bytes, store it outside the
web root, and serve it only after the owning app's access check.

A file's name and the browser's content type are chosen by the uploader and
prove nothing; the first bytes (and, for Office files, the archive's parts)
decide what a file is.
"""

import io
import os
import uuid
import zipfile
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _


class FileKind:
    def __init__(self, code, label, extensions, content_type):
        self.code = code
        self.label = label
        self.extensions = extensions
        self.content_type = content_type


KINDS = {
    kind.code: kind
    for kind in (
        FileKind("pdf", "PDF", (".pdf",), "application/pdf"),
        FileKind("jpeg", "JPEG", (".jpg", ".jpeg"), "image/jpeg"),
        FileKind("png", "PNG", (".png",), "image/png"),
        FileKind(
            "docx",
            "Word (DOCX)",
            (".docx",),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        FileKind(
            "xlsx",
            "Excel (XLSX)",
            (".xlsx",),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        FileKind("csv", "CSV", (".csv",), "text/csv"),
    )
}

DOCUMENT_KINDS = ("pdf", "jpeg", "png", "docx", "xlsx")
IMAGE_KINDS = ("jpeg", "png")

_EXECUTABLE_SIGNATURES = (
    b"MZ",  # Windows PE
    b"\x7fELF",
    b"\xcf\xfa\xed\xfe",  # Mach-O
    b"\xfe\xed\xfa\xcf",
    b"#!",
)


def _read_head(file, size=8192):
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(size)
    file.seek(position)
    return head


def _office_kind(file):
    """Tell DOCX from XLSX by the parts inside the archive, not the name."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        file.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    return None


def _looks_like_text(head):
    if b"\x00" in head:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            head.decode(encoding)
        except UnicodeDecodeError:
            # The head may cut a multi-byte character in two; retry without
            # the last three bytes before giving up on this encoding.
            try:
                head[:-3].decode(encoding)
            except UnicodeDecodeError:
                continue
        return True
    return False


def detect_kind(file):
    """Return the code of the kind the file's bytes show, or None."""
    head = _read_head(file)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(file)
    if head.startswith(_EXECUTABLE_SIGNATURES):
        return None
    if head and _looks_like_text(head):
        return "csv"
    return None


def allowed_label(kinds):
    return ", ".join(KINDS[code].label for code in kinds)


def validate_upload(file, *, kinds=DOCUMENT_KINDS, max_bytes=None):
    """Check an uploaded file; return its kind code or raise ValidationError.

    The size limit defaults to the UPLOAD_MAX_BYTES setting, read on each call
    so tests and operators can change it.
    """
    limit = max_bytes if max_bytes is not None else settings.UPLOAD_MAX_BYTES
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, os.SEEK_END)
        size = file.tell()
        file.seek(0)
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > limit:
        raise ValidationError(
            _("The file is %(size)s; files may be at most %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    detected = detect_kind(file)
    if detected is None or detected not in kinds:
        raise ValidationError(
            _(
                "This file's content is not an allowed type (%(allowed)s). "
                "Renaming a file does not change what it is."
            )
            % {"allowed": allowed_label(kinds)},
            code="bad_type",
        )
    name = getattr(file, "name", "") or ""
    extension = os.path.splitext(name)[1].lower()
    if extension and extension not in KINDS[detected].extensions:
        raise ValidationError(
            _(
                "The file is named “%(name)s” but its content is %(kind)s. "
                "Save it with the right extension and upload it again."
            )
            % {"name": os.path.basename(name), "kind": KINDS[detected].label},
            code="extension_mismatch",
        )
    return detected


@deconstructible
class UploadValidator:
    """Model-field validator wrapping validate_upload for the field's kinds."""

    def __init__(self, kinds=DOCUMENT_KINDS, max_bytes=None):
        self.kinds = tuple(kinds)
        self.max_bytes = max_bytes

    def __call__(self, value):
        # A file already stored was validated when it was uploaded.
        if getattr(value, "_committed", False):
            return
        validate_upload(value, kinds=self.kinds, max_bytes=self.max_bytes)

    def __eq__(self, other):
        return (
            isinstance(other, UploadValidator)
            and self.kinds == other.kinds
            and self.max_bytes == other.max_bytes
        )


def upload_path(instance, filename):
    """Store under the model's name and the month, with a random file name.

    The original name is not used on disk: it is the uploader's text.
    """
    extension = os.path.splitext(filename)[1].lower()[:10]
    now = timezone.now()
    return f"{instance._meta.app_label}/{instance._meta.model_name}/{now:%Y/%m}/{uuid.uuid4().hex}{extension}"


def serve_upload(
    request,
    get_file: Callable,
    *,
    download_name: str | None = None,
    as_attachment: bool = True,
):
    """Serve a stored file after the owner's access check.

    `get_file(user)` is the owning app's check: it returns the FieldFile the
    user may read, or raises Http404 (or PermissionDenied).
    """
    field_file = get_file(request.user)
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    kind = detect_kind(handle)
    content_type = KINDS[kind].content_type if kind else "application/octet-stream"
    name = download_name or os.path.basename(field_file.name)
    response = FileResponse(
        handle, as_attachment=as_attachment, filename=name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def read_bytes(field_file) -> bytes:
    with field_file.open("rb") as handle:
        return handle.read()


def bytes_file(data: bytes, name: str):
    """A file-like object for validate_upload from raw bytes (tests, imports)."""
    buffer = io.BytesIO(data)
    buffer.name = name
    buffer.size = len(data)
    return buffer


# --- Files follow their transaction ------------------------------------------------

# The names written inside the innermost `atomic()` block of this thread.
_written = ContextVar("files_written", default=None)


class TransactionFileStorage(FileSystemStorage):
    """The media storage: every file it writes is registered with the
    innermost `certify.uploads.atomic()` block, which removes it again if
    the block rolls back."""

    def _save(self, name, content):
        name = super()._save(name, content)
        written = _written.get()
        if written is not None:
            written.append((self, name))
        return name


@contextmanager
def atomic():
    """`transaction.atomic()` for writes that store files: a file written
    inside is removed when the block rolls back, so a failed upload leaves
    no orphan. Files written in an inner block that succeeded belong to the
    outer one from then on."""
    written = []
    token = _written.set(written)
    try:
        with transaction.atomic():
            yield
    except BaseException:
        _written.reset(token)
        for storage, name in written:
            storage.delete(name)
        raise
    _written.reset(token)
    outer = _written.get()
    if outer is not None:
        outer.extend(written)


def delete_on_commit(field_file):
    """Delete a stored file once the transaction that removes its row has
    committed; if it rolls back, the file stays with its row."""
    if field_file:
        storage, name = field_file.storage, field_file.name
        transaction.on_commit(lambda: storage.delete(name))
