"""Certificate PDFs under measurement: the render time in a warm process,
and a process's resident memory as it renders one PDF after another."""

import statistics
import time

from certificates.documents import certificate_pdf
from certificates.models import Certificate


def resident_kib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _certificates(count):
    return list(Certificate.objects.select_related("case__version").order_by("pk")[:count])


def render_times(count=30, warmup=3):
    """Median and p95 seconds per certificate once fonts and templates are warm."""
    certificates = _certificates(count + warmup)
    for certificate in certificates[:warmup]:
        certificate_pdf(certificate)
    times = []
    for certificate in certificates[warmup:]:
        started = time.perf_counter()
        certificate_pdf(certificate)
        times.append(time.perf_counter() - started)
    times.sort()
    return {
        "median_s": round(statistics.median(times), 3),
        "p95_s": round(times[int(round(0.95 * (len(times) - 1)))], 3),
        "count": len(times),
    }


def memory_growth(first=20, total=200):
    """Resident memory (KiB) after `first` and after `total` PDFs in a row."""
    certificates = _certificates(total)
    after_first = 0
    for index, certificate in enumerate(certificates, start=1):
        certificate_pdf(certificate)
        if index == first:
            after_first = resident_kib()
    after_total = resident_kib()
    return {
        "after_first_kib": after_first,
        "after_total_kib": after_total,
        "first": first,
        "total": len(certificates),
        "growth_percent": round(100 * (after_total - after_first) / after_first, 1) if after_first else None,
    }
