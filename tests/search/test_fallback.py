"""Elasticsearch unreachable or slow: the search answers from PostgreSQL after the search's own short timeout, and
says so.

Two servers that are not Elasticsearch, both on loopback: a closed port (the connection is refused) and a socket
that accepts connections and never answers (the request times out after ELASTICSEARCH_SEARCH_TIMEOUT, 0.5 s here).
The page is timed against the index maintenance's timeout (5 s), which a search that lost its own would wait for:
a bound that tells the two apart on a busy machine, where rendering the page alone may take half a second.
"""

import contextlib
import socket
import threading
import time

import pytest

from search.engines import get_engine

NOTICE = "Søgemaskinen svarer ikke lige nu"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SilentServer:
    def __init__(self, url: str):
        self.url = url
        self.accepted: list[socket.socket] = []


@contextlib.contextmanager
def silent_server(lifetime: float = 30.0):
    """A loopback server that accepts every connection and never answers; it stops after `lifetime` at most."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.1)
    stop = threading.Event()
    server = SilentServer(f"http://127.0.0.1:{listener.getsockname()[1]}")
    accepted = server.accepted = []

    def serve():
        deadline = time.monotonic() + lifetime
        while not stop.is_set() and time.monotonic() < deadline:
            with contextlib.suppress(TimeoutError, OSError):
                accepted.append(listener.accept()[0])

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in accepted:
            conn.close()
        listener.close()


@pytest.fixture(params=["refused", "silent"])
def broken_elasticsearch(request, settings):
    settings.ELASTICSEARCH_SEARCH_TIMEOUT = 0.5
    if request.param == "refused":
        settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{closed_port()}"
        yield request.param, None
    else:
        with silent_server() as server:
            settings.ELASTICSEARCH_URL = server.url
            yield request.param, server
    get_engine.cache_clear()


# Well under the 5 s that the index maintenance's requests wait (search.engines.elasticsearch.client_for).
WITHIN_SEARCH_TIMEOUT = 3.0


def timed(client, url):
    started = time.monotonic()
    response = client.get(url)
    return response, time.monotonic() - started


def test_the_search_page_answers_from_postgresql_after_the_search_timeout_and_says_so(
    corpus, client, broken_elasticsearch
):
    kind, server = broken_elasticsearch
    assert get_engine().name == "elasticsearch"
    response, elapsed = timed(client, "/soeg/?q=SEL+§+140")
    assert response.status_code == 200
    assert elapsed < WITHIN_SEARCH_TIMEOUT, f"{kind}: {elapsed:.2f} s"
    page = response.content.decode()
    assert NOTICE in page
    assert corpus["familier"].title in page
    # The next searches do not ask the server again (a silent one would hold each of them for the timeout).
    contacted = len(server.accepted) if server else None
    response, elapsed = timed(client, "/soeg/?q=familie")
    assert response.status_code == 200 and NOTICE in response.content.decode()
    if server:
        time.sleep(0.2)  # a connection made by the search would be accepted by now
        assert len(server.accepted) == contacted


def test_the_api_answers_from_postgresql_after_the_search_timeout_and_says_so(corpus, client, broken_elasticsearch):
    response, elapsed = timed(client, "/api/v1/search?q=SEL+§+140")
    assert response.status_code == 200
    assert elapsed < WITHIN_SEARCH_TIMEOUT, f"{broken_elasticsearch[0]}: {elapsed:.2f} s"
    body = response.json()
    assert body["engine"] == "postgres"
    assert any(NOTICE in notice for notice in body["notices"])
    assert [hit["title"] for hit in body["hits"]] == [corpus["familier"].title]


def test_without_elasticsearch_there_is_no_notice(corpus, client, settings):
    settings.ELASTICSEARCH_URL = ""
    body = client.get("/api/v1/search?q=SEL+§+140").json()
    assert body["engine"] == "postgres"
    assert not any(NOTICE in notice for notice in body["notices"])
    get_engine.cache_clear()
