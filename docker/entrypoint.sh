#!/bin/sh
# Entrypoint of the Certify image: wait (bounded) until the database named by
# DATABASE_URL accepts connections, then run the command (gunicorn, celery,
# manage.py ...). Set WAIT_FOR_DB=0 to skip the wait.
set -eu

if [ "${WAIT_FOR_DB:-1}" != 0 ] && [ -n "${DATABASE_URL:-}" ]; then
    python - <<'PY'
import os
import sys
import time
from urllib.parse import urlsplit

url = os.environ["DATABASE_URL"]
if urlsplit(url).scheme.startswith("postgres"):
    import psycopg2

    deadline = time.monotonic() + int(os.environ.get("WAIT_FOR_DB_SECONDS", "60"))
    while True:
        try:
            psycopg2.connect(url, connect_timeout=3).close()
            break
        except psycopg2.OperationalError as exc:
            if time.monotonic() > deadline:
                sys.exit(f"database not reachable: {exc}")
            print("waiting for the database ...", file=sys.stderr, flush=True)
            time.sleep(2)
PY
fi

exec "$@"
