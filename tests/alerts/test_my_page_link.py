"""The header leads a logged-in reader to Min side; a visitor sees no such link."""

import pytest


@pytest.mark.django_db
def test_the_header_links_to_min_side_for_a_logged_in_reader_only(client, make_user):
    assert 'href="/min-side/"' not in client.get("/").content.decode()

    client.force_login(make_user("sagsbehandler"))
    html = client.get("/").content.decode()
    assert 'href="/min-side/"' in html and "Min side" in html
    assert 'href="/min-side/" aria-current="page"' in client.get("/min-side/").content.decode()
