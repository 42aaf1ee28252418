"""The production settings pass Django's deployment checks, and the database settings follow the environment."""

import os
import subprocess
import sys
from pathlib import Path

from config.database import database_config

BASE_DIR = Path(__file__).resolve().parent.parent


def test_production_settings_pass_check_deploy_without_warnings():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "a-long-random-secret-key-for-the-deployment-check-0123456789-abcdefghijkl",
        "ALLOWED_HOSTS": "frikommune.example",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.production", "SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_database_url_points_django_at_that_server(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql://registry:secret@db.example:6543/frikommune")
    config = database_config(tmp_path)
    assert (config["ENGINE"], config["HOST"], config["PORT"], config["NAME"], config["USER"]) == (
        "django.db.backends.postgresql",
        "db.example",
        6543,
        "frikommune",
        "registry",
    )
    assert not (tmp_path / "var").exists(), "no embedded server is started when DATABASE_URL is set"


def test_tests_run_on_a_real_postgresql(db, django_db_blocker):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version_num')::int, to_tsvector('danish', 'borgernes planer')")
        version, vector = cursor.fetchone()
    assert connection.vendor == "postgresql" and version >= 150000
    assert vector == "'borg':1 'plan':2"  # the Danish stemmer


def test_a_new_embedded_server_starts_with_the_workloads_settings(tmp_path, monkeypatch):
    """shared_buffers needs a restart: a new server is restarted once, so even its first run has the settings."""
    import psycopg

    from config.database import SERVER_SETTINGS, embedded_database_config, stop_embedded_server

    monkeypatch.delenv("EMBEDDED_POSTGRES_SETTINGS", raising=False)
    pgdata = tmp_path / "var" / "postgres"
    try:
        config = embedded_database_config(pgdata)
        with psycopg.connect(host=config["HOST"], user=config["USER"], dbname=config["NAME"]) as conn:
            names = list(SERVER_SETTINGS)
            rows = conn.execute(
                "SELECT name, current_setting(name), pending_restart FROM pg_settings WHERE name = ANY(%s)", [names]
            ).fetchall()
    finally:
        stop_embedded_server(pgdata)
    assert {name: (value, pending) for name, value, pending in rows} == {
        name: (value, False) for name, value in SERVER_SETTINGS.items()
    }
