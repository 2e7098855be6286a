"""HTML to PDF for every app's documents (WeasyPrint).

One font configuration serves every PDF a process renders: a fresh one per
document keeps its fonts alive after the PDF is written, so a worker's memory
grew by about 2 MiB per PDF (measured: 334 → 705 MiB over 200 certificates),
and the shared one keeps its subsetting caches warm."""

import hashlib
import threading

from django.core.files.base import ContentFile

from certify import uploads

_lock = threading.Lock()
_font_config = None


def _fonts():
    global _font_config
    with _lock:
        if _font_config is None:
            from weasyprint.text.fonts import FontConfiguration

            _font_config = FontConfiguration()
    return _font_config


def html_to_pdf(html, *, base_url=None):
    # Imported here: WeasyPrint takes half a second to import.
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url).write_pdf(font_config=_fonts())


def pdf_store_once(model, pk, *, render, file_field, sha256_field, file_name, also=None):
    """Render and store one object's PDF with its SHA-256, once: an issued PDF
    is never re-rendered silently.

    The rendering (up to a second) happens before the row is locked, so it
    blocks nobody's change of that row; the lock then re-checks, so of two
    tasks racing only the first one's file is kept. `also(obj)` sets any
    further fields in the same save and returns their names.
    """
    obj = model.objects.get(pk=pk)
    if getattr(obj, file_field):
        return obj
    data = render(obj)
    with uploads.atomic():
        obj = model.objects.select_for_update().get(pk=pk)
        if getattr(obj, file_field):
            return obj
        getattr(obj, file_field).save(file_name(obj), ContentFile(data), save=False)
        setattr(obj, sha256_field, hashlib.sha256(data).hexdigest())
        fields = [file_field, sha256_field, *(also(obj) if also else [])]
        obj.save(update_fields=fields)
    return obj
