"""The applicant's customer list for the call-backs: uploaded, then read in
the background into rows the lead samples from."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications.selectors.organisation import is_member
from audits import callbacks
from audits.models import Audit, CustomerList, CustomerRow
from audits.models.callbacks import LIST_KINDS
from audits.services._base import audit_locked, calls_recorded, require_callback_work
from audits.verbs import Verb
from certify import uploads
from certify.events import event_record
from certify.exceptions import CertifyError, InvalidTransition, NotAllowed
from certify.notifications import notify
from certify.outbox import enqueue
from certify.uploads import validate_upload


def customer_list_upload(*, actor, audit, upload):
    """The applicant uploads (or replaces) the customer list.

    The file is checked by its bytes (CSV or XLSX) and stored; every row is
    kept — good rows with their position in uploaded order, bad rows with
    their row number and problems. A large file is stored as being read and
    read by a background task (`customer_list_read`), so no request spends
    long on it. Replacing is refused once a call is recorded; uploading the
    same file again changes nothing. Raises CertifyError with what to fix.
    """
    try:
        kind = validate_upload(upload, kinds=LIST_KINDS)
    except ValidationError as exc:
        raise CertifyError(" ".join(exc.messages)) from exc
    if not isinstance(upload, File):
        upload = File(upload, name=getattr(upload, "name", None) or "customers")
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    digest = hashlib.sha256(data).hexdigest()
    try:
        callbacks.check_size(data, kind)
        in_background = callbacks.reads_slowly(data, kind)
        parsed = None if in_background else callbacks.parse_customer_list(data, kind, settings.CUSTOMER_LIST_MAX_ROWS)
    except callbacks.CustomerListError as exc:
        raise CertifyError(str(exc.message)) from exc
    with uploads.atomic():
        audit = audit_locked(audit)
        if not is_member(actor, audit.case.organisation_id):
            raise NotAllowed(_("Only the organisation's members upload its customer list."))
        require_callback_work(audit)
        existing = CustomerList.objects.select_for_update().filter(audit=audit).first()
        if existing is not None:
            if existing.sha256 == digest:
                if existing.status == CustomerList.Status.UNREADABLE:
                    raise CertifyError(existing.problem)
                return existing
            if calls_recorded(existing):
                raise InvalidTransition(
                    _("Calls have already been made from this list; it can no longer be replaced.")
                )
            old_file = existing.file
            existing.rows.all().delete()
            customer_list = existing
            customer_list.sample_size = customer_list.sample_seed = None
            customer_list.sampled_at = customer_list.sampled_by = None
        else:
            old_file = None
            customer_list = CustomerList(audit=audit)
        customer_list.file = upload
        customer_list.original_name = (getattr(upload, "name", "") or "customers")[:255]
        customer_list.kind = kind
        customer_list.sha256 = digest
        customer_list.uploaded_at = timezone.now()
        customer_list.uploaded_by = actor
        data = {"name": customer_list.original_name, "replaced": old_file is not None}
        if parsed is None:
            customer_list.status = CustomerList.Status.READING
            customer_list.problem = customer_list.encoding = ""
            customer_list.good_rows = customer_list.bad_rows = 0
            customer_list.save()
            enqueue("audits.tasks.customer_list_read", customer_list.pk, digest)
            data["reading"] = True
        else:
            _rows_store(customer_list, parsed)
            data.update(good=customer_list.good_rows, bad=customer_list.bad_rows)
        event_record(actor=actor, obj=audit, verb=Verb.CALLBACK_LIST_UPLOADED, data=data)
        if old_file and old_file.name != customer_list.file.name:
            uploads.delete_on_commit(old_file)
    return customer_list


def _rows_store(customer_list, parsed):
    """Save the list as read, with every row of `parsed`."""
    customer_list.status = CustomerList.Status.READY
    customer_list.problem = ""
    customer_list.encoding = parsed.encoding
    customer_list.good_rows = sum(1 for row in parsed.rows if row.is_good)
    customer_list.bad_rows = len(parsed.rows) - customer_list.good_rows
    customer_list.save()
    position = 0
    rows = []
    for row in parsed.rows:
        if row.is_good:
            position += 1
        rows.append(
            CustomerRow(
                customer_list=customer_list,
                row_number=row.row_number,
                position=position if row.is_good else None,
                name=row.name,
                contact=row.contact,
                product=row.product,
                service_date=row.service_date,
                service_date_text=row.service_date_text,
                problems=list(row.problems),
            )
        )
    CustomerRow.objects.bulk_create(rows, batch_size=500)


def _reading(list_id, sha256):
    return CustomerList.objects.filter(pk=list_id, sha256=sha256, status=CustomerList.Status.READING)


def customer_list_read(*, list_id, sha256):
    """Read a large list stored by `customer_list_upload` (its background
    task). Idempotent: a list already read, or replaced by another file
    since, is left alone. A file that cannot be read is marked so, with the
    reason in the uploader's language, and the uploader is told."""
    customer_list = _reading(list_id, sha256).select_related("uploaded_by").first()
    if customer_list is None:
        return
    try:
        with customer_list.file.open("rb") as stream:
            data = stream.read()
    except FileNotFoundError:
        if _reading(list_id, sha256).exists():
            raise
        return  # replaced (and its file deleted) since it was looked up
    uploader = customer_list.uploaded_by
    with translation.override(uploader.language or settings.LANGUAGE_CODE):
        try:
            parsed = callbacks.parse_customer_list(data, customer_list.kind, settings.CUSTOMER_LIST_MAX_ROWS)
            problem = ""
        except callbacks.CustomerListError as exc:
            parsed, problem = None, str(exc.message)
    with transaction.atomic():
        # The audit first, then the list: the order an upload locks them in.
        audit = Audit.objects.select_for_update().select_related("case").get(pk=customer_list.audit_id)
        customer_list = _reading(list_id, sha256).select_for_update().first()
        if customer_list is None:
            return
        if parsed is not None:
            _rows_store(customer_list, parsed)
            event_record(
                actor=None,
                obj=audit,
                verb=Verb.CALLBACK_LIST_READ,
                data={"good": customer_list.good_rows, "bad": customer_list.bad_rows},
            )
            return
        customer_list.status = CustomerList.Status.UNREADABLE
        customer_list.problem = problem
        customer_list.save(update_fields=["status", "problem"])
        event_record(actor=None, obj=audit, verb=Verb.CALLBACK_LIST_UNREADABLE, data={"problem": problem})
        notify(
            [uploader],
            template="customer_list_unreadable",
            context={"audit": audit, "case": audit.case, "customer_list": customer_list},
            url=reverse("audits:callbacks", args=[audit.public_id]),
        )

