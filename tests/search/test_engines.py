"""One interface, two engines: the command, indexing and the service ask the configured engine, never its name."""

import ast
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from search.engines import base, get_engine
from search.engines import elasticsearch as elasticsearch_engine
from search.engines.elasticsearch import ElasticsearchEngine
from search.engines.postgres import PostgresEngine
from search.models import IndexQueue

UNREACHABLE = "http://127.0.0.1:9"
SEARCH = Path(__file__).resolve().parents[2] / "search"


class RecordingEngine(base.SearchEngine):
    """An engine that writes down what it is asked, to show who asks through the interface."""

    name = "optegnende"

    def __init__(self, *, unavailable: bool = False):
        self.calls = []
        self.unavailable = unavailable

    def search(self, query, *, understanding, reader, match_any=False):
        self.calls.append("search")
        return PostgresEngine().search(query, understanding=understanding, reader=reader, match_any=match_any)

    def rebuild(self, *, progress=base.no_progress, report=base.no_report):
        self.calls.append("rebuild")
        with progress("Optegnelse", 3) as advance:
            advance(3)
        report("Genopbygget: 3 dokumenter.")
        return 3

    def sync(self, *, progress=base.no_progress, report=base.no_report):
        self.calls.append("sync")
        if self.unavailable:
            raise base.EngineUnavailable("Optegnelsen svarer ikke.")
        report("Leveret 0 ændringer.")
        return 0

    def enqueue(self, page_id, action):
        self.calls.append((action, page_id))

    def status(self):
        self.calls.append("status")
        return ["Optegnelse: i orden"]


@pytest.fixture
def recording(monkeypatch):
    engine = RecordingEngine()
    get_engine.cache_clear()
    for module in ("search.management.commands.search_index", "search.indexing", "search.service"):
        monkeypatch.setattr(f"{module}.get_engine", lambda: engine)
    yield engine
    get_engine.cache_clear()


def test_both_engines_implement_the_whole_interface():
    assert PostgresEngine().name == "postgres"
    engine = ElasticsearchEngine(UNREACHABLE, fallback=PostgresEngine())
    assert isinstance(engine, base.SearchEngine) and engine.name == "elasticsearch"


def test_the_engine_is_picked_once_from_the_settings(settings):
    settings.ELASTICSEARCH_URL = ""
    assert type(get_engine()) is PostgresEngine
    assert get_engine() is get_engine()
    settings.ELASTICSEARCH_URL = UNREACHABLE
    engine = get_engine()
    assert type(engine) is ElasticsearchEngine and type(engine.fallback) is PostgresEngine
    assert get_engine() is engine


def test_one_elasticsearch_client_per_process(monkeypatch):
    made = []

    class Client:
        def __init__(self, url, **options):
            made.append(url)

    monkeypatch.setattr(elasticsearch_engine, "Elasticsearch", Client)
    elasticsearch_engine.client_for.cache_clear()
    try:
        engines = [ElasticsearchEngine("http://es.invalid:9200", fallback=PostgresEngine()) for _ in range(3)]
        assert made == ["http://es.invalid:9200"]
        assert engines[0].client is engines[2].client
    finally:
        elasticsearch_engine.client_for.cache_clear()


@pytest.mark.django_db
def test_the_command_asks_the_configured_engine_for_each_action(recording, capsys):
    call_command("search_index", "rebuild", "--no-progress")
    call_command("search_index", "sync", "--no-progress")
    call_command("search_index", "status")
    assert recording.calls == ["rebuild", "sync", "status"]
    out = capsys.readouterr().out
    assert "Genopbygget: 3 dokumenter." in out
    assert "Leveret 0 ændringer." in out
    assert "Søgemaskine: optegnende" in out and "Optegnelse: i orden" in out


@pytest.mark.django_db
def test_an_engine_that_does_not_answer_fails_the_command_with_its_message(recording):
    recording.unavailable = True
    with pytest.raises(CommandError, match="Optegnelsen svarer ikke."):
        call_command("search_index", "sync", "--no-progress")


def test_publishing_hands_the_change_to_the_engine(recording, corpus):
    page = corpus["unge"]
    page.save_revision().publish()
    page.unpublish()
    assert recording.calls[-2:] == [("index", page.pk), ("delete", page.pk)]


def test_the_service_searches_with_the_configured_engine(recording, client, corpus):
    body = client.get("/api/v1/search", {"q": "overgangen"}).json()
    assert [hit["title"] for hit in body["hits"]] == [corpus["unge"].title]
    assert [call for call in recording.calls if call == "search"] == ["search"]


def test_postgresql_has_nothing_to_sync(corpus, capsys):
    call_command("search_index", "sync", "--no-progress")
    assert "intet at synkronisere" in capsys.readouterr().out


def test_elasticsearch_rebuild_rebuilds_postgresql_first_then_reports_the_server_down(corpus, settings, capsys):
    settings.ELASTICSEARCH_URL = UNREACHABLE
    with pytest.raises(CommandError, match=f"Elasticsearch på {UNREACHABLE} svarer ikke"):
        call_command("search_index", "rebuild", "--no-progress")
    assert "PostgreSQL: 7 dokumenter" in capsys.readouterr().out


def test_elasticsearch_status_says_the_server_does_not_answer_and_counts_the_queue(corpus, settings, capsys):
    settings.ELASTICSEARCH_URL = UNREACHABLE
    corpus["unge"].save_revision().publish()
    call_command("search_index", "status")
    out = capsys.readouterr().out
    assert "Søgemaskine: elasticsearch" in out
    assert "PostgreSQL: 7 af 7 sider" in out
    assert "Elasticsearch: svarer ikke" in out
    assert f"Kø: {IndexQueue.objects.count()} ændringer venter" in out and IndexQueue.objects.count() == 1


ENGINE_NAMES = {"elasticsearch", "postgres", "postgresql"}
# Where no code may ask which engine runs.
CALLERS = [
    "management/commands/search_index.py",
    "indexing.py",
    "service.py",
    "views.py",
    "api.py",
]


def _engine_branches(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "ELASTICSEARCH_URL":
            found.append(f"line {node.lineno}: reads ELASTICSEARCH_URL")
        names_engine = isinstance(node, ast.Constant) and str(node.value).strip().lower() in ENGINE_NAMES
        if names_engine:
            found.append(f"line {node.lineno}: names an engine ({node.value!r})")
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "isinstance":
            found.append(f"line {node.lineno}: isinstance")
        module = getattr(node, "module", None) or ""
        if module.startswith("search.engines.") and module != "search.engines.base":
            found.append(f"line {node.lineno}: imports {node.module}")
    return found


@pytest.mark.parametrize("path", CALLERS)
def test_no_caller_branches_on_the_engine(path):
    tree = ast.parse((SEARCH / path).read_text(), filename=path)
    assert _engine_branches(tree) == []


def test_the_branch_check_sees_the_old_ways():
    old = (
        "from search.engines.postgres import PostgresEngine\n"
        "if settings.ELASTICSEARCH_URL:\n    pass\n"
        "if engine.name == 'elasticsearch':\n    pass\n"
        "isinstance(engine, PostgresEngine)\n"
    )
    assert len(_engine_branches(ast.parse(old))) == 4
