"""Danish throughout: the catalogue is compiled and used, dates read as in Danish, and counts take the right plural."""

import datetime
import json
import re
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


# Wagtail's own Danish catalogue leaves these in English; locale_wagtail/ translates them.
ADMIN_ENGLISH = [
    "JavaScript is required to use Wagtail",
    "created in",
    "Anyone can edit this",
    "Current page status",
    "Filter by",
    "Not visible to the public",
    "Once live anyone can view",
    "Visit the live page",
    "Visible to all",
    "Select all",
    "Preview is out of date",
    "Multi-word tags",
    "search engine results",
    "automatically generated menus",
    "in ascending order",
    "matching page",
    "Add tags to the selected",
    "haven't uploaded any",
    "Receive notification when",
    "submitted for moderation yet",
    "no differences between",
    "view restriction",
    "Drag and drop",
]


@pytest.mark.django_db
def test_admin_pages_that_staff_use_are_in_danish(client, network, make_user, add_experiment):
    from django.urls import reverse

    from municipalities.models import MunicipalityPage

    helsingor = MunicipalityPage.objects.get(slug="helsingor")
    experiment = add_experiment("helsingor", "Én plan for familier")
    client.force_login(make_user("redaktoer-helsingor", role="editors", municipality_slug="helsingor"))
    pages = {
        "oversigt": reverse("wagtailadmin_home"),
        "sidetræ": reverse("wagtailadmin_explore", args=[helsingor.pk]),
        "opret": reverse("wagtailadmin_pages:add", args=["experiments", "experimentpage", helsingor.pk]),
        "rediger": reverse("wagtailadmin_pages:edit", args=[experiment.pk]),
        "søg": reverse("wagtailadmin_pages:search") + "?q=plan",
        "dokumenter": reverse("wagtaildocs:index"),
        "upload": reverse("wagtaildocs:add_multiple"),
        "godkendelseshistorik": reverse("wagtailadmin_pages:workflow_history", args=[experiment.pk]),
        "sidehistorik": reverse("wagtailadmin_pages:history", args=[experiment.pk]),
        "konto": reverse("wagtailadmin_account"),
    }
    html = {}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        html[name] = response.content.decode().replace("&#x27;", "'")

    english = {name: [phrase for phrase in ADMIN_ENGLISH if phrase in text] for name, text in html.items()}
    assert english == {name: [] for name in pages}
    assert "Synlig for alle" in html["sidetræ"]
    assert "Vælg alle" in html["sidetræ"]


def wagtail_entries(domain: str, *, used_in: str = "", app: str = "admin") -> list[tuple[str, str]]:
    """The (message id, plural id or "") of the catalogue `domain` ("django", "djangojs") of Wagtail's `app` ("admin",
    or "" for Wagtail's core), those used in files whose path holds `used_in` when it is given (read from the
    catalogue's "#:" references)."""
    import ast

    import wagtail

    catalogue = Path(wagtail.__file__).parent / app / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po"
    entries, references, parts, current = [], "", {}, None
    for line in catalogue.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("#:"):
            references += line
        elif line.startswith(("msgid ", "msgid_plural ")):
            current, _space, text = line.partition(" ")
            parts[current] = [ast.literal_eval(text)]
        elif line.startswith('"') and current is not None:
            parts[current].append(ast.literal_eval(line))  # a long id goes on over several lines
        elif current is not None:
            msgid, plural = ("".join(parts.get(key, [])) for key in ("msgid", "msgid_plural"))
            if msgid and used_in in references:
                entries.append((msgid, plural))
            references, parts, current = "", {}, None
    return entries


def wagtail_msgids(domain: str, *, used_in: str = "") -> list[str]:
    return [msgid for msgid, _plural in wagtail_entries(domain, used_in=used_in)]


def untranslated(entries: list[tuple[str, str]], same_in_danish: frozenset = frozenset()) -> list[str]:
    """The entries that Danish leaves as they are, apart from words that are the same in Danish and those made of
    placeholders alone."""
    with translation.override("da"):
        return [
            msgid
            for msgid, plural in entries
            if msgid not in same_in_danish
            and re.search(r"[^\W\d_]", re.sub(r"%\(\w+\)[sd]", "", msgid))
            and (translation.ngettext(msgid, plural, 1) == msgid if plural else translation.gettext(msgid) == msgid)
        ]


@pytest.mark.django_db
def test_every_string_of_the_admins_scripts_is_danish(client, make_user):
    """The editor's menus, panels, comments and error messages come from /admin/jsi18n/, Wagtail's catalogue merged
    with locale_wagtail/da/LC_MESSAGES/djangojs.po; a Wagtail upgrade that adds a string shows up here."""
    client.force_login(make_user("redaktoer-helsingor", role="editors", municipality_slug="helsingor"))
    response = client.get("/admin/jsi18n/")
    assert response.status_code == 200
    script = response.content.decode()
    strings = wagtail_msgids("djangojs")
    assert len(strings) > 80
    catalogue = json.loads(re.search(r"const newcatalog = (\{.*?\});\n", script, re.S).group(1))
    assert [msgid for msgid in strings if not catalogue.get(msgid)] == []
    assert catalogue["Collapse all"] == "Fold alle sammen"
    assert catalogue["%(num)s error"] == ["%(num)s fejl", "%(num)s fejl"]


def test_every_string_of_wagtails_moderation_and_comment_mails_is_danish():
    entries = wagtail_entries("django", used_in="templates/wagtailadmin/notifications/")
    assert len(entries) > 40
    assert untranslated(entries) == []


def test_every_string_of_wagtails_dashboard_and_page_screens_is_danish():
    """The dashboard, the explorer, the editor and publishing, moving and deleting pages, one at a time or in bulk:
    what editors and coordinators use every day, including the headings read out to screen reader users
    ("Exploring", "Editing %(page_type)s"), the times and workflow states on many screens, and the keyboard
    shortcuts dialog; and the templates every admin screen shares: the editor's side panels (status, visibility,
    usage, publishing schedule, content metrics), the breadcrumbs, the notices of edits made in another window and
    the workflow's timeline, and the side panels' toggles and counts that Wagtail builds in Python (ui/)."""
    entries = []
    for used_in in (
        "templates/wagtailadmin/home/",
        "views/home.py",
        "templates/wagtailadmin/pages/",
        "views/pages/",
        "templates/wagtailadmin/shared/",
        "ui/",
        "templatetags/wagtailadmin_tags.py",
    ):
        entries += wagtail_entries("django", used_in=used_in)
    assert len(entries) > 370
    same_in_danish = frozenset({"Status", "Status: ", "Status %(status)s", "Type", "Live", "System"})
    assert untranslated(entries, same_in_danish=same_in_danish) == []
    with translation.override("da"):
        assert translation.gettext("Editing %(page_type)s") % {"page_type": "Forsøg"} == "Redigerer Forsøg"
        assert translation.ngettext("Publish 1 page", "Publish %(counter)s pages", 3) % {"counter": 3} == (
            "Udgiv 3 sider"
        )
        assert translation.gettext("Page visibility: ") == "Sidens synlighed: "


def test_every_string_of_wagtails_lists_forms_and_reports_is_danish():
    """The generic views that the snippets, users, groups and the network's own lists are built on (listings,
    create, edit, delete, history, their messages), the reports menu (locked pages, site history, aging pages,
    page types, workflows), the editor's panels (the publishing schedule) and the admin's forms; and the names and
    states of a page's fields and its privacy options from Wagtail's core models."""
    entries = []
    for used_in in (
        "views/generic/",
        "templates/wagtailadmin/generic/",
        "views/reports/",
        "templates/wagtailadmin/reports/",
        "templates/wagtailadmin/panels/",
        "panels/",
        "forms/",
    ):
        entries += wagtail_entries("django", used_in=used_in)
    for used_in in (
        "models/pages.py",
        "models/draft_state.py",
        "models/locking.py",
        "models/i18n.py",
        "models/view_restrictions.py",
    ):
        entries += wagtail_entries("django", used_in=used_in, app="")
    assert len(entries) > 300
    same_in_danish = frozenset({"Status", "Status: ", "Live", "Type", "App", "ID", "URL", "Alias", "slug"})
    assert untranslated(entries, same_in_danish=same_in_danish) == []
    with translation.override("da"):
        matches = translation.ngettext("There is %(counter)s match", "There are %(counter)s matches", 2)
        assert matches % {"counter": 2} == "Der er 2 resultater"


def test_every_action_in_wagtails_history_is_danish():
    """What a page's history, the site history report and the workflow's timeline say happened ("Published",
    "Approved at 'Koordinator'. 'Godkendelse' complete"): the log actions Wagtail's core registers."""
    entries = wagtail_entries("django", used_in="wagtail_hooks.py", app="")
    assert len(entries) > 70
    assert untranslated(entries) == []


def test_every_string_of_wagtails_snippets_is_danish():
    """The snippets' own catalogue: their lists, choosers and deletion (the network's own vocabularies are
    snippets). "Snippets" stays the admin's name for them."""
    entries = wagtail_entries("django", app="snippets")
    assert len(entries) > 30
    assert untranslated(entries, same_in_danish=frozenset({"Snippets"})) == []


@pytest.mark.django_db
def test_a_coordinator_is_told_in_danish_that_a_page_awaits_approval(network, make_user, add_experiment, mailoutbox):
    from django.test import TestCase

    coordinator = make_user("koordinator", role="coordinators", municipality_slug="helsingor", email="k@helsingor.dk")
    editor = make_user("redaktoer", role="editors", municipality_slug="helsingor", email="r@helsingor.dk")
    page = add_experiment("helsingor", "Én plan for familier", live=False)
    page.save_revision(user=editor)
    with TestCase.captureOnCommitCallbacks(execute=True):
        page.get_workflow().start(page, editor)
    (mail,) = [message for message in mailoutbox if message.to == [coordinator.email]]
    stage = "Godkendes af Helsingør: koordinatorer"
    assert mail.subject == f"Siden »Én plan for familier« er sendt til godkendelse i godkendelsestrinnet »{stage}«"
    assert "Hej koordinator," in mail.body
    assert "Ret dine indstillinger for beskeder her:" in mail.body
    assert "The page" not in mail.body and "here:" not in mail.body
