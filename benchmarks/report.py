"""docs/BENCHMARKS.md and docs/benchmarks.json from one run's figures, with
each target of the benchmark issue checked."""

import json
from pathlib import Path

PAGE_RATIO_TARGET = 3.0
PUBLIC_RATIO_TARGET = 2.0
GROWTH_TARGET = 1.5
WORKSPACE_QUERIES_TARGET = 15
PDF_MEDIAN_TARGET = 0.2
MEMORY_GROWTH_TARGET = 10.0


def _mark(ok):
    return "✅" if ok else "❌"


def checks(report):
    """(target, met?) for every target, from the figures."""
    sizes = sorted(report["sizes"], key=int)
    small, large = sizes[0], sizes[-1]
    by_name = {size: {row["name"]: row for row in report["sizes"][size]["pages"]} for size in sizes}
    floor = by_name[large]["floor"]["median_ms"]
    results = []
    for name, row in by_name[large].items():
        if name == "floor":
            continue
        before = by_name[small][name]
        results.append((f"{name}: same queries at N = {small} and {large}", before["queries"] == row["queries"]))
        results.append(
            (f"{name}: median at N = {large} ≤ {GROWTH_TARGET} × at N = {small}",
             row["median_ms"] <= GROWTH_TARGET * before["median_ms"])
        )
        limit = PUBLIC_RATIO_TARGET if name == "public verification" else PAGE_RATIO_TARGET
        results.append((f"{name}: median ≤ {limit} × the floor", row["median_ms"] <= limit * floor))
    for name, row in by_name[large].items():
        if name.startswith("audit workspace"):
            results.append((f"{name}: ≤ {WORKSPACE_QUERIES_TARGET} queries", row["queries"] <= WORKSPACE_QUERIES_TARGET))
    pdf = report.get("pdf", {})
    if pdf.get("time"):
        results.append((f"certificate PDF: median ≤ {PDF_MEDIAN_TARGET} s", pdf["time"]["median_s"] <= PDF_MEDIAN_TARGET))
    if pdf.get("memory") and pdf["memory"]["growth_percent"] is not None:
        results.append(
            (f"memory after {pdf['memory']['total']} PDFs within {MEMORY_GROWTH_TARGET:.0f} % of after {pdf['memory']['first']}",
             pdf["memory"]["growth_percent"] <= MEMORY_GROWTH_TARGET)
        )
    return results


def markdown(report):
    machine = report["machine"]
    sizes = sorted(report["sizes"], key=int)
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (see README); do not edit by hand. PostgreSQL, DEBUG off, HTTPS=0,",
        "the public rate limit raised; server time is measured in-process through Django's test client",
        "(the whole request: middleware, view, template), median and p95 over repeated requests; the",
        "pages take turns, one request each per round, so the machine's drift moves them all alike.",
        "",
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gib']} GiB; Python {machine['python']}.",
        f"Date: {machine['date']}; commit `{machine['commit']}`.",
        "",
        "Data sets (`seed_scale`): " + "; ".join(
            f"N = {size} organisations, seeded in {report['sizes'][size]['seed_seconds']:.0f} s" for size in sizes
        ) + ".",
        "",
        "## Pages",
        "",
        "| page | " + " | ".join(f"queries N={s} | median ms N={s} | p95 ms N={s} | × floor N={s}" for s in sizes) + " |",
        "|---|" + "---|" * (4 * len(sizes)),
    ]
    rows = {size: {row["name"]: row for row in report["sizes"][size]["pages"]} for size in sizes}
    for name in rows[sizes[0]]:
        cells = []
        for size in sizes:
            row = rows[size][name]
            floor = rows[size]["floor"]["median_ms"]
            cells += [str(row["queries"]), f"{row['median_ms']:.1f}", f"{row['p95_ms']:.1f}", f"{row['median_ms'] / floor:.1f}"]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    pdf = report.get("pdf", {})
    if pdf:
        lines += [
            "",
            "## Certificate PDFs",
            "",
            f"- One certificate in a warm process: median {pdf['time']['median_s']} s, p95 {pdf['time']['p95_s']} s "
            f"({pdf['time']['count']} certificates).",
            f"- {pdf['batch']['count']} certificates through a Celery worker (concurrency {pdf['batch']['concurrency']}): "
            f"{pdf['batch']['seconds']} s.",
            f"- Resident memory: {pdf['memory']['after_first_kib'] // 1024} MiB after {pdf['memory']['first']} PDFs, "
            f"{pdf['memory']['after_total_kib'] // 1024} MiB after {pdf['memory']['total']} "
            f"({pdf['memory']['growth_percent']:+.1f} %).",
        ]
    throughput = report.get("throughput", {})
    if throughput:
        lines += ["", "## Throughput (gunicorn, one worker per core, wrk on loopback, 8 connections)", ""]
        for name, figures in throughput.items():
            lines.append(f"- {name}: {figures['requests_per_second']:.0f} requests/s ({figures['errors']} errors)")
    lines += ["", "## Targets", ""]
    for target, ok in checks(report):
        lines.append(f"- {_mark(ok)} {target}")
    lines.append("")
    return "\n".join(lines)


# Below this line BENCHMARKS.md is written by people (what was fixed, with
# the figures before and after); a run rewrites only what is above it.
CHANGES_MARKER = "<!-- fixes: kept across runs -->"


def write_report(report, out_dir):
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "benchmarks.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    path = Path(out_dir) / "BENCHMARKS.md"
    kept = ""
    if path.exists() and CHANGES_MARKER in path.read_text():
        kept = path.read_text().split(CHANGES_MARKER, 1)[1]
    path.write_text(markdown(report) + "\n" + CHANGES_MARKER + (kept or "\n"))
    return path
