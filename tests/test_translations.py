"""Danish throughout: the catalogue is compiled and used, dates read as in Danish, and counts take the right plural."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "da" / "LC_MESSAGES"


def render(source: str, **context) -> str:
    return Template("{% load i18n %}" + source).render(Context(context)).strip()


def test_site_language_is_danish():
    assert settings.LANGUAGE_CODE == "da"
    assert translation.get_language() == "da"


def test_the_danish_catalogue_is_kept_with_danish_plural_forms():
    po = (CATALOGUE / "django.po").read_text(encoding="utf-8")
    assert '"Language: da\\n"' in po
    assert '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"' in po
    assert "#, fuzzy" not in po


def test_dates_read_as_danish_dates():
    assert render('{{ day|date:"j. F Y" }}', day=datetime.date(2017, 11, 1)) == "1. november 2017"
    assert date_format(datetime.date(2021, 6, 30), "DATE_FORMAT") == "30. juni 2021"


@pytest.mark.parametrize(
    ("count", "expected"), [(0, "0 borgere"), (1, "1 borger"), (2, "2 borgere"), (21, "21 borgere")]
)
def test_counts_take_the_danish_plural(count, expected):
    # The same message as the experiment page's number of citizens.
    source = "{% blocktranslate count counter=n %}{{ counter }} borger{% plural %}{{ counter }} borgere{% endblocktranslate %}"  # noqa: E501
    assert render(source, n=count) == expected


def test_wagtail_admin_speaks_danish():
    with translation.override("da"):
        assert translation.gettext("Save draft") == "Gem skitse"
        assert translation.gettext("Images") == "Billeder"
        assert translation.gettext("Documents") == "Dokumenter"
