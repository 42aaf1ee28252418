"""The tilgængelighedserklæring follows the Danish model statement and is linked from every page's footer."""

import pytest


@pytest.mark.django_db
def test_statement_has_the_sections_of_the_model_statement(client):
    html = client.get("/tilgaengelighed/").content.decode()
    for section in (
        "Overholdelsesstatus",
        "Utilgængeligt indhold",
        "Sådan har vi udarbejdet erklæringen",
        "Feedback og kontaktoplysninger",
        "Håndhævelsesprocedure",
    ):
        assert f"<h2>{section}</h2>" in html
    assert "WCAG 2.1 niveau AA" in html
    assert "Digitaliseringsstyrelsen er ansvarlig for at håndhæve webtilgængelighedsloven" in html
    assert "23. november 2026" in html


@pytest.mark.django_db
def test_statement_names_the_network_coordinator_when_there_is_one(client):
    from municipalities.models import Network

    Network.objects.update(coordinator_name="Karen Koordinator", coordinator_email="koordinator@example.dk")
    html = client.get("/tilgaengelighed/").content.decode()
    assert 'href="mailto:koordinator@example.dk"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/kommuner/", "/viden/", "/log-ind/", "/findes-ikke/"])
def test_every_page_links_to_the_statement_from_its_footer(client, path):
    html = client.get(path).content.decode()
    footer = html[html.index("<footer>") :]
    assert 'href="/tilgaengelighed/"' in footer
    assert html.index('class="skipnav"') < html.index('<main id="main-content"')
