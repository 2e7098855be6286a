"""The body's public pages, which managers rewrite."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.models import PublicPage
from certificates.verbs import Verb
from certify.events import event_record
from certify.exceptions import CertifyError
from certify.permissions import require_manager

PAGE_FIELDS = ("title_zh", "title_en", "body_zh", "body_en")


def public_page_update(*, actor, page, **fields):
    """A manager rewrites one of the body's public pages; its history keeps
    every version. Saving the same text changes nothing."""
    require_manager(actor)
    fields = {name: (value or "").strip() for name, value in fields.items() if name in PAGE_FIELDS}
    if ("title_zh" in fields and not fields["title_zh"]) or ("body_zh" in fields and not fields["body_zh"]):
        raise CertifyError(_("The Chinese title and text are required."))
    with transaction.atomic():
        page = PublicPage.objects.select_for_update().get(pk=page.pk)
        changed = [name for name, value in fields.items() if getattr(page, name) != value]
        if not changed:
            return page
        for name in changed:
            setattr(page, name, fields[name])
        page.updated_at = timezone.now()
        page.updated_by = actor
        page._history_user = actor
        page.save()
        event_record(actor=actor, obj=page, verb=Verb.PUBLIC_PAGE_UPDATED, data={"slug": page.slug, "fields": changed})
    return page
