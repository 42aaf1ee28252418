"""The home page, `/kommuner/` and a municipality's page as readers see them."""

import datetime
import re

import pytest
from bs4 import BeautifulSoup

from core.visibility import Visibility
from experiments.factories import ExperimentPageFactory
from experiments.models import ExperimentStatus, StatusEvent
from municipalities.models import MunicipalityPage

pytestmark = pytest.mark.django_db


def main_text(response) -> str:
    assert response.status_code == 200
    return " ".join(BeautifulSoup(response.content, "html.parser").find("main").get_text(" ").split())


def row_texts(response) -> list[str]:
    """The text of each list item or table row, whichever the template lists things in."""
    soup = BeautifulSoup(response.content, "html.parser").find("main")
    return [" ".join(row.get_text(" ").split()) for row in soup.find_all(["li", "tr"])]


def test_a_municipality_page_lists_its_experiments_with_status_and_period(client, make_user):
    helsingor = MunicipalityPage.objects.get(slug="helsingor")
    helsingor.intro = "<p>Helsingør deltager med ét forsøg.</p>"
    helsingor.contact_name = "Lone Berg"
    helsingor.contact_email = "frikommune@helsingor.dk"
    helsingor.save()
    ExperimentPageFactory(
        title="Én samlet handleplan",
        planned_start=datetime.date(2017, 10, 1),
        planned_end=datetime.date(2020, 7, 31),
        status_events=[StatusEvent(status=ExperimentStatus.STARTED, date=datetime.date(2017, 10, 1))],
    )
    ExperimentPageFactory(title="Internt forsøg", visibility=Visibility.NETWORK)
    ExperimentPageFactory(title="Kladde til et forsøg", live=False)
    ExperimentPageFactory(parent=MunicipalityPage.objects.get(slug="ballerup"), title="Ballerups forsøg")

    text = main_text(client.get("/kommuner/helsingor/"))

    assert "Helsingør deltager med ét forsøg." in text
    assert "217" in text and "Lone Berg" in text and "https://www.helsingor.dk" in text
    assert "Én samlet handleplan igangsat 1. oktober 2017 – 31. juli 2020".casefold() in text.casefold()
    assert "Internt forsøg" not in text
    assert "Kladde til et forsøg" not in text
    assert "Ballerups forsøg" not in text

    client.force_login(make_user("ministeriet", role="ministry"))
    assert "Internt forsøg" in main_text(client.get("/kommuner/helsingor/"))


def test_the_municipality_index_lists_the_nine_municipalities_with_their_codes(client):
    rows = row_texts(client.get("/kommuner/"))

    for name, code in [("Allerød", "201"), ("Furesø", "190"), ("Helsingør", "217"), ("Hillerød", "219")]:
        assert any(name in row and code in row for row in rows), name
    assert sum(1 for row in rows if re.search(r"\b\d{3}\b", row)) == 9


def test_the_home_page_counts_only_what_the_reader_may_see(client):
    ExperimentPageFactory(title="Offentligt forsøg")
    ExperimentPageFactory(title="Internt forsøg", visibility=Visibility.NETWORK)

    text = main_text(client.get("/"))

    assert "Offentligt forsøg" in text and "Internt forsøg" not in text
    assert "Hillerød" in text
