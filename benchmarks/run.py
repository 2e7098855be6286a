"""`make bench`: build the scale data sets, measure, and write the report.

Runs from the project root with the virtualenv's Python:

    .venv/bin/python -m benchmarks.run [--sizes 1000 10000] [--quick]

Each size gets its own PostgreSQL database (seeded once and kept, as
seeding N = 10,000 takes minutes); the key pages and the floor are measured
in one process per size, the PDFs in a warm process and through a Celery
worker, the public page's throughput under gunicorn with wrk, and the
results land in docs/BENCHMARKS.md and docs/benchmarks.json.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG = "postgres://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379"
RESULTS = ROOT / "var" / "bench"
PORT = 8765


def log(message):
    sys.stdout.write(f"[bench {time.strftime('%H:%M:%S')}] {message}\n")
    sys.stdout.flush()


def environment(database_url, **extra):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "HTTPS": "0",
        "SECRET_KEY": "benchmark-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "PUBLIC_RATE_LIMIT": "100000000/m",
        "CACHE_URL": f"{REDIS}/5",
        "CELERY_BROKER_URL": "",
        "SITE_URL": f"http://127.0.0.1:{PORT}",
    }
    env.update(extra)
    return env


def manage(env, *args, capture=False):
    command = [PYTHON, "manage.py", *args]
    if capture:
        return subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    return ""


def psql(*sql):
    for statement in sql:
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", statement],
            check=True,
            capture_output=True,
        )


def database_for(size, reseed):
    """A database holding the scale data for `size`, seeded when missing."""
    name = f"certify_bench_{size}"
    url = f"{PG}/{name}"
    env = environment(url)
    exists = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{name}'"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    marker = RESULTS / f"{name}.seeded"
    if reseed or not exists or not marker.exists():
        log(f"seeding {name} with {size} organisations")
        psql(f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}")
        manage(env, "migrate", "--noinput", "-v0")
        started = time.perf_counter()
        manage(env, "seed_scale", "--organisations", str(size))
        # VACUUM as autovacuum would soon after a bulk load: index-only scans
        # need the visibility map a live database keeps.
        manage(
            env, "shell", "--no-imports", "-c", "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')"
        )
        marker.write_text(f"{time.perf_counter() - started:.0f}")
    else:
        manage(env, "migrate", "--noinput", "-v0")
    return url, float(marker.read_text())


def pages(url, repeat):
    out = RESULTS / f"pages-{url.rsplit('_', 1)[-1]}.json"
    manage(environment(url), "bench_pages", "--repeat", str(repeat), "--json", str(out))
    return json.loads(out.read_text())


def pdf_figures(url, media):
    env = environment(url, MEDIA_ROOT=media)
    figures = {}
    for what in ("time", "memory"):
        out = RESULTS / f"pdf-{what}.json"
        manage(env, "bench_pdf", what, "--json", str(out))
        figures[what] = json.loads(out.read_text())
    figures["batch"] = pdf_batch(url, media)
    return figures


def pdf_batch(url, media, count=100):
    """100 certificates' PDFs through a Celery worker with its default concurrency."""
    env = environment(url, MEDIA_ROOT=media, CELERY_BROKER_URL=f"{REDIS}/6")
    subprocess.run(["redis-cli", "-n", "6", "FLUSHDB"], check=True, capture_output=True)
    worker = subprocess.Popen(
        [PYTHON, "-m", "celery", "-A", "certify", "worker", "-l", "warning", "--without-gossip", "--without-mingle"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        time.sleep(6)
        started_at = time.perf_counter()
        manage(
            env,
            "shell",
            "--no-imports",
            "-c",
            "from certificates.models import Certificate\n"
            "from certify.celery import app\n"
            f"ids = list(Certificate.objects.filter(pdf='').order_by('pk').values_list('pk', flat=True)[:{count}])\n"
            "open('" + str(RESULTS / "batch-ids.json") + "', 'w').write(repr(ids))\n"
            "[app.send_task('certificates.tasks.certificate_render_pdf', args=[pk]) for pk in ids]",
        )
        ids = (RESULTS / "batch-ids.json").read_text()
        while True:
            done = manage(
                env,
                "shell",
            "--no-imports",
                "-c",
                f"from certificates.models import Certificate; print(Certificate.objects.filter(pk__in={ids})"
                ".exclude(pdf='').count())",
                capture=True,
            ).strip().splitlines()[-1]
            if int(done) >= count:
                break
            if time.perf_counter() - started_at > 900:
                raise RuntimeError("the worker did not render the batch within 15 minutes")
            time.sleep(1)
        elapsed = time.perf_counter() - started_at
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)
    return {"count": count, "seconds": round(elapsed, 1), "concurrency": os.cpu_count()}


def throughput(url, seconds=15):
    """Requests per second under wrk: the public verification page beside
    the floor, both served by gunicorn with one worker per core."""
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is missing: apt-get install wrk")
    env = environment(url, DJANGO_SETTINGS_MODULE="benchmarks.settings")
    manage(env, "collectstatic", "--noinput", "-v0")
    session = manage(
        env,
        "shell",
        "--no-imports",
        "-c",
        "from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY\n"
        "from django.contrib.sessions.backends.db import SessionStore\n"
        "from certify.models import User\n"
        "from certificates.models import Certificate\n"
        "user = User.objects.filter(is_manager=True).order_by('pk').first()\n"
        "s = SessionStore(); s[SESSION_KEY] = str(user.pk)\n"
        "s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'\n"
        "s[HASH_SESSION_KEY] = user.get_session_auth_hash()\n"
        # Verified with a second factor, as production requires of staff.
        "from django_otp import DEVICE_ID_SESSION_KEY\n"
        "from certify.second_factor import authenticator_ensure\n"
        "s[DEVICE_ID_SESSION_KEY] = authenticator_ensure(user).persistent_id; s.create()\n"
        "token = Certificate.objects.filter(status='active').order_by('-revision', 'pk').first().token\n"
        "print(s.session_key, token)",
        capture=True,
    ).strip().splitlines()[-1]
    session_key, token = session.split()
    server = subprocess.Popen(
        [
            PYTHON, "-m", "gunicorn", "certify.wsgi:application", "--workers", str(os.cpu_count()),
            "--bind", f"127.0.0.1:{PORT}", "--log-level", "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    figures = {}
    try:
        time.sleep(5)
        for name, path, headers in (
            ("floor", "/bench/floor/", ["-H", f"Cookie: sessionid={session_key}"]),
            ("public verification", f"/verify/{token}/", []),
        ):
            target = f"http://127.0.0.1:{PORT}{path}"
            subprocess.run(["wrk", "-t2", "-c8", "-d3s", *headers, target], check=True, capture_output=True)
            output = subprocess.run(
                ["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency", *headers, target],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
            non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
            figures[name] = {"requests_per_second": rate, "errors": int(non_2xx.group(1)) if non_2xx else 0}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    return figures


def machine():
    cpu = "unknown"
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = 0
    with open("/proc/meminfo") as info:
        memory = int(info.readline().split()[1]) // 1024 // 1024
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": memory,
        "python": platform.python_version(),
        "date": datetime.datetime.now(datetime.UTC).date().isoformat(),
        "commit": commit.strip(),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--reseed", action="store_true", help="Seed the databases again.")
    parser.add_argument("--out", default=str(ROOT / "docs"))
    options = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)

    from benchmarks.report import write_report

    report = {"machine": machine(), "sizes": {}, "pdf": {}, "throughput": {}}
    for size in options.sizes:
        url, seed_seconds = database_for(size, options.reseed)
        log(f"measuring pages at N = {size}")
        report["sizes"][str(size)] = {"seed_seconds": seed_seconds, "pages": pages(url, options.repeat)}
    smallest = f"{PG}/certify_bench_{min(options.sizes)}"
    with tempfile.TemporaryDirectory() as media:
        log("measuring certificate PDFs")
        report["pdf"] = pdf_figures(smallest, media)
    log("measuring throughput under gunicorn")
    report["throughput"] = throughput(f"{PG}/certify_bench_{max(options.sizes)}")
    write_report(report, Path(options.out))
    log(f"written to {options.out}/BENCHMARKS.md and {options.out}/benchmarks.json")


if __name__ == "__main__":
    main()
