"""Backup and restore: the PostgreSQL database and the uploaded files together.

A backup is a directory holding `database.dump` (pg_dump's custom format),
`media.tar` (every file under MEDIA_ROOT) and `manifest.json` (when, which
database, and each file's SHA-256). A restore goes into an empty database
and an empty media directory only, and checks every file against the
manifest, so a backup that cannot be restored is found when it is tried,
not when it is needed.
"""

import hashlib
import io
import json
import os
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

DUMP = "database.dump"
MEDIA = "media.tar"
MANIFEST = "manifest.json"


class BackupError(Exception):
    """What stops a backup or a restore, for the operator running it."""


def _require_postgresql():
    if connection.vendor != "postgresql":
        raise BackupError(
            "Backups need PostgreSQL (DATABASE_URL). The embedded default keeps everything under "
            "var/: copy that directory while the app is stopped."
        )


def _pg_args():
    db = connection.settings_dict
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    # libpq's environment carries the connection's TLS options to the tools.
    for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT")):
        if db.get("OPTIONS", {}).get(option):
            env[variable] = str(db["OPTIONS"][option])
    return args, env


def _run(command, env):
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def media_hashes(root):
    """Every file under `root`, by its path relative to it, with its SHA-256."""
    root = Path(root)
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): _sha256(path)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _media_archive(media_root, archive_path):
    """Archive every file under `media_root`, hashing the bytes archived (one
    read each, so the manifest matches the archive even while files change);
    a file deleted meanwhile is left out with its row's deletion."""
    files = {}
    with tarfile.open(archive_path, "w") as archive:
        for path in sorted(media_root.rglob("*")) if media_root.exists() else []:
            if not path.is_file():
                continue
            name = path.relative_to(media_root).as_posix()
            try:
                data = path.read_bytes()
                info = archive.gettarinfo(str(path), arcname=name)
            except FileNotFoundError:
                continue
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            files[name] = hashlib.sha256(data).hexdigest()
    return files


def backup_write(output_dir):
    """Write a backup into a new directory under `output_dir`; return its path.
    The directory is readable by its owner only: it holds password hashes
    and second-factor keys."""
    _require_postgresql()
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S-%f")
    target = Path(output_dir) / f"certify-{stamp}"
    try:
        target.mkdir(parents=True, mode=0o700)
        args, env = _pg_args()
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target / DUMP), *args], env)
        files = _media_archive(Path(settings.MEDIA_ROOT), target / MEDIA)
        manifest = {
            "created_at": timezone.localtime().isoformat(),
            "database": connection.settings_dict["NAME"],
            "files": files,
        }
        (target / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    except OSError as exc:
        raise BackupError(f"The backup could not be written to {target}: {exc}") from exc
    return target


def _database_is_empty():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
        )
        return cursor.fetchone()[0] == 0


def backup_restore(source):
    """Restore the backup in directory `source` into the configured database
    and MEDIA_ROOT, both empty; return the number of files restored."""
    _require_postgresql()
    source = Path(source)
    missing = [name for name in (DUMP, MEDIA, MANIFEST) if not (source / name).is_file()]
    if missing:
        raise BackupError(f"{source} is not a backup: {', '.join(missing)} missing.")
    if not _database_is_empty():
        raise BackupError(
            f"The database {connection.settings_dict['NAME']} is not empty. Restore into a new, empty database."
        )
    media_root = Path(settings.MEDIA_ROOT)
    if media_hashes(media_root):
        raise BackupError(f"{media_root} holds files. Restore into an empty media directory.")
    manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    args, env = _pg_args()
    connection.close()  # pg_restore works on its own connection
    _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", *args, str(source / DUMP)], env)
    try:
        media_root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(source / MEDIA) as archive:
            archive.extractall(media_root, filter="data")
        restored = media_hashes(media_root)
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"The files could not be restored into {media_root}: {exc}") from exc
    if restored != manifest["files"]:
        wrong = sorted(set(restored.items()) ^ set(manifest["files"].items()))
        raise BackupError(f"The restored files differ from the backup's manifest: {wrong[:5]}")
    return len(restored)
