"""experiments/importing/: reading files, checking every row, and writing experiments as page revisions."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook
from wagtail.models import Revision, WorkflowState

from core.visibility import Visibility
from experiments.importing import (
    CellError,
    ImportRejected,
    experiment_import,
    parse_learnings,
    parse_result,
    read_rows,
)
from experiments.models import Decision, ExemptionRequest, ExperimentPage, Provision, StatusEvent

HEADINGS = [
    "Id",
    "Kommune",
    "Titel",
    "Resumé",
    "Status",
    "Statusdato",
    "Startdato",
    "Slutdato",
    "Målgrupper",
    "Fagområder",
    "Paragraffer",
    "Partnerkommuner",
    "Antal borgere",
    "Kontaktperson",
    "Kontakt e-mail",
    "Resultater",
    "Læring",
    "Tags",
    "Synlighed",
]

ONE_PLAN = {
    "Kommune": "Helsingør",
    "Titel": "Én plan for familier",
    "Resumé": "Familier med mange sager får én fælles plan.",
    "Status": "igangsat",
    "Statusdato": "2017-11-01",
    "Startdato": "01-11-2017",
    "Slutdato": "1.11.2019",
    "Målgrupper": "Familier med børn 0–15 år; Borgere med komplekse problemer",
    "Fagområder": "Børn, Unge og Familier",
    "Paragraffer": "SEL § 140, stk. 3 (imødekommet); LAB §§ 27–30 (delvist imødekommet); SEL § 141",
    "Partnerkommuner": "Gribskov; 219",
    "Antal borgere": "1.200",
    "Kontaktperson": "Mette Hansen",
    "Kontakt e-mail": "meha@helsingor.dk",
    "Resultater": "Borgere i job: 42 borgere; Andel i uddannelse: 30 → 45,5 procent",
    "Læring": "Metode: Én fælles plan.\nEffekt: Færre møder.\n---\nHvad virkede ikke: Systemerne.",
    "Tags": "én plan; familier",
    "Synlighed": "offentlig",
}


def csv_bytes(rows, *, headings=None, delimiter=";", encoding="utf-8-sig"):
    headings = headings or list(rows[0].keys())
    lines = [delimiter.join(headings)]
    for row in rows:
        cells = []
        for heading in headings:
            value = str(row.get(heading, ""))
            if any(c in value for c in f'{delimiter}"\n'):
                value = '"' + value.replace('"', '""') + '"'
            cells.append(value)
        lines.append(delimiter.join(cells))
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def run_import(data, *, filename="forsoeg.csv", **options):
    return experiment_import(rows=read_rows(data, filename=filename), **options)


def rejected(data, *, filename="forsoeg.csv", **options):
    with pytest.raises(ImportRejected) as caught:
        run_import(data, filename=filename, **options)
    return [str(problem) for problem in caught.value.problems]


def row(**changes):
    values = dict(ONE_PLAN)
    values.update(changes)
    return values


def test_import_creates_a_draft_experiment_with_every_column(db):
    report = run_import(csv_bytes([ONE_PLAN]))

    assert [outcome.title for outcome in report.created] == ["Én plan for familier"]
    page = ExperimentPage.objects.get(title="Én plan for familier")
    assert page.get_parent().specific.slug == "helsingor"
    assert page.live is False
    draft = page.get_latest_revision_as_object()
    assert draft.summary == "Familier med mange sager får én fælles plan."
    assert [(e.status, e.date) for e in draft.status_events.all()] == [("started", datetime.date(2017, 11, 1))]
    assert (draft.actual_start, draft.actual_end) == (datetime.date(2017, 11, 1), datetime.date(2019, 11, 1))
    assert sorted(g.name for g in draft.target_groups.all()) == [
        "Borgere med komplekse problemer",
        "Familier med børn 0–15 år",
    ]
    assert [a.name for a in draft.service_areas.all()] == ["Børn, Unge og Familier"]
    assert [(r.provision.reference_text, r.decision) for r in draft.exemption_requests.all()] == [
        ("SEL § 140, stk. 3", Decision.GRANTED),
        ("LAB §§ 27–30", Decision.PARTLY_GRANTED),
        ("SEL § 141", Decision.APPLIED),
    ]
    assert [p.municipality.slug for p in draft.partners.all()] == ["gribskov", "hillerod"]
    assert draft.citizens_count == 1200
    assert (draft.contact_name, draft.contact_email) == ("Mette Hansen", "meha@helsingor.dk")
    assert [(r.indicator, r.baseline, r.value, r.unit) for r in draft.results.all()] == [
        ("Borgere i job", None, Decimal("42"), "borgere"),
        ("Andel i uddannelse", Decimal("30"), Decimal("45.5"), "procent"),
    ]
    learnings = list(draft.learnings.all())
    assert (learnings[0].method, learnings[0].effect) == ("Én fælles plan.", "Færre møder.")
    assert learnings[1].what_did_not_work == "Systemerne."
    assert sorted(tag.name for tag in draft.tags.all()) == ["familier", "én plan"]
    assert draft.visibility == Visibility.PUBLIC


def test_without_publish_the_draft_waits_in_the_municipalitys_workflow(db):
    run_import(csv_bytes([ONE_PLAN]))

    page = ExperimentPage.objects.get(title="Én plan for familier")
    state = WorkflowState.objects.get(object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == "Godkendelse: Helsingør"
    assert page.revisions.count() == 1


def test_an_imported_experiments_revision_holds_the_rows_saved_with_it(db):
    """A new experiment's child rows are inserted in bulk; its first revision names the same rows (their ids), so
    publishing it later keeps them rather than replacing them."""
    report = run_import(csv_bytes([ONE_PLAN]))
    page = ExperimentPage.objects.get(pk=report.created[0].page_id)
    content = page.latest_revision.content

    for relation in ("status_events", "exemption_requests", "partners", "results", "learnings", "tagged_items"):
        saved = list(getattr(page, relation).order_by("pk").values_list("pk", flat=True))
        assert saved, relation
        assert sorted(child["pk"] for child in content[relation]) == saved, relation
    for field in ("target_groups", "service_areas"):
        assert sorted(content[field]) == sorted(getattr(page, field).values_list("pk", flat=True)), field
    assert content["locale"] == page.get_parent().locale_id
    # The draft's row says its status, as for an experiment saved in the admin (lists and filters read it).
    assert (page.status, page.status_date) == ("started", datetime.date(2017, 11, 1))
    assert (page.draft_title, page.has_unpublished_changes, page.live) == (page.title, True, False)
    assert page.latest_revision_created_at == page.latest_revision.created_at

    revision = page.latest_revision
    revision.publish()
    assert sorted(page.exemption_requests.values_list("pk", flat=True)) == sorted(
        child["pk"] for child in content["exemption_requests"]
    )


def test_imported_experiments_join_the_page_tree_as_add_child_would_add_them(network, make_user):
    """New experiments are numbered on from a municipality's last page, counted in its row, and their history opens
    with "wagtail.create" as for a page added in the admin; the tree is consistent by treebeard's own check."""
    from wagtail.models import Page, PageLogEntry

    editor = make_user("redaktoer", role="editors", municipality_slug="helsingor")
    helsingor = Page.objects.get(slug="helsingor")
    by_hand = helsingor.add_child(
        instance=ExperimentPage(title="Lagt ind i admin", slug="admin", owner=editor, live=False)
    )
    report = run_import(csv_bytes([ONE_PLAN, row(Titel="Én plan for unge"), row(Titel="Én plan for ledige")]))

    helsingor.refresh_from_db()
    children = list(helsingor.get_children())
    assert [child.title for child in children][-4:] == [
        "Lagt ind i admin",
        "Én plan for familier",
        "Én plan for unge",
        "Én plan for ledige",
    ]
    assert helsingor.numchild == len(children)
    assert all(problems == [] for problems in Page.find_problems())
    assert [page.url for page in children[-3:]] == [
        f"/kommuner/helsingor/{page.slug}/"
        for page in ExperimentPage.objects.filter(pk__in=[outcome.page_id for outcome in report.created]).order_by(
            "path"
        )
    ]

    def created(page):
        entry = PageLogEntry.objects.get(page=page, action="wagtail.create")
        return (entry.content_type, entry.label == page.draft_title, entry.content_changed, entry.data, entry.user)

    imported = ExperimentPage.objects.get(pk=report.created[0].page_id)
    assert created(imported)[:4] == created(by_hand)[:4]
    assert created(imported)[1] and created(imported)[4] is None  # no user imported it: the page has no owner
    history = list(PageLogEntry.objects.filter(page=imported).order_by("timestamp", "pk").values_list("action"))
    assert history[0] == ("wagtail.create",)


def test_imported_drafts_enter_their_workflow_as_a_submission_in_the_admin_would(network, make_user):
    """The import starts the workflows of its new experiments in bulk: the same states, history and task as
    Wagtail's own `Workflow.start` writes for one page, and the moderator approves them as any other."""
    from wagtail.models import PageLogEntry

    editor = make_user("redaktoer", role="editors", municipality_slug="helsingor")
    coordinator = make_user("koordinator", role="coordinators", municipality_slug="helsingor")
    report = run_import(csv_bytes([ONE_PLAN, row(Titel="Én plan for unge")]), user=editor)
    imported = ExperimentPage.objects.get(pk=report.created[0].page_id)
    by_hand = ExperimentPage.objects.get(pk=report.created[1].page_id)
    by_hand.current_workflow_state.delete()
    PageLogEntry.objects.filter(page=by_hand, action="wagtail.workflow.start").delete()
    by_hand.get_workflow().start(by_hand, editor)

    def submission(page):
        state = WorkflowState.objects.get(object_id=str(page.pk))
        task_state = state.current_task_state
        entry = PageLogEntry.objects.get(page=page, action="wagtail.workflow.start")
        data = dict(entry.data["workflow"], task_state_id=entry.data["workflow"]["task_state_id"] == task_state.pk)
        on_latest = page.latest_revision
        return {
            "state": (state.status, state.workflow_id, state.requested_by, state.content_type, state.base_content_type),
            "task": (task_state.task_id, task_state.revision == on_latest, task_state.status, task_state.content_type),
            "states": page.workflow_states.count(),
            "history": (entry.label == page.get_admin_display_title(), entry.content_type, entry.user),
            "history_revision": entry.revision == on_latest,
            "data": data,
        }

    assert submission(imported) == submission(by_hand)
    assert submission(imported)["task"][1] and submission(imported)["data"]["task_state_id"]
    assert submission(imported)["data"]["next"] is not None

    imported.current_workflow_state.current_task_state.task.specific.on_action(
        imported.current_workflow_state.current_task_state, coordinator, "approve"
    )
    imported.refresh_from_db()
    assert imported.live
    assert imported.current_workflow_state is None


def test_with_publish_the_experiment_is_live_with_its_status(db):
    run_import(csv_bytes([ONE_PLAN]), publish=True)

    page = ExperimentPage.objects.get(title="Én plan for familier")
    assert page.live
    assert page.status == "started"
    assert page.status_date == datetime.date(2017, 11, 1)
    assert page.exemption_requests.count() == 3
    assert not WorkflowState.objects.filter(object_id=str(page.pk)).exists()
    assert page.url == "/kommuner/helsingor/en-plan-for-familier/"


def test_importing_the_same_file_twice_changes_nothing(db):
    data = csv_bytes([ONE_PLAN, row(Titel="Koordinerende sagsbehandler", Kommune="allerod")])
    run_import(data, publish=True)
    revisions = Revision.objects.count()
    events = StatusEvent.objects.count()

    report = run_import(data, publish=True)

    assert (len(report.created), len(report.updated), len(report.unchanged)) == (0, 0, 2)
    assert Revision.objects.count() == revisions
    assert StatusEvent.objects.count() == events


def test_importing_a_draft_twice_changes_nothing(db):
    data = csv_bytes([ONE_PLAN])
    run_import(data)
    report = run_import(data)
    assert len(report.unchanged) == 1
    assert Revision.objects.filter(object_id=str(report.unchanged[0].page_id)).count() == 1


@pytest.fixture
def nothing_written(db):
    """Asserts, after the test, that no experiment, revision, provision or status event was added."""
    counts = lambda: (  # noqa: E731
        ExperimentPage.objects.count(),
        Revision.objects.count(),
        Provision.objects.count(),
        StatusEvent.objects.count(),
        ExemptionRequest.objects.count(),
    )
    before = counts()
    yield
    assert counts() == before


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"Kommune": "Roskilde"}, 'række 3, kolonne Kommune: ukendt kommune "Roskilde"'),
        ({"Status": "i gang"}, 'række 3, kolonne Status: ukendt status "i gang"; brug en af: idé, ansøgt'),
        ({"Statusdato": "2017-02-30"}, 'række 3, kolonne Statusdato: datoen "2017-02-30" findes ikke'),
        ({"Startdato": "30.2.2018"}, 'række 3, kolonne Startdato: datoen "30.2.2018" findes ikke'),
        ({"Startdato": "november 2017"}, 'række 3, kolonne Startdato: kan ikke læse datoen "november 2017"'),
        (
            {"Startdato": "2019-01-01", "Slutdato": "2018-12-31"},
            "række 3, kolonne Slutdato: slutdatoen 2018-12-31 ligger før startdatoen 2019-01-01",
        ),
        (
            {"Paragraffer": "SEL § 140 (imødekommet); SEL § 141, stk. tre"},
            'række 3, kolonne Paragraffer: kan ikke læse henvisningen "SEL § 141, stk. tre": Kunne ikke forstå',
        ),
        (
            {"Paragraffer": "Lov om byfornyelse § 3"},
            'række 3, kolonne Paragraffer: kan ikke læse henvisningen "Lov om byfornyelse § 3": Ukendt lov',
        ),
        (
            {"Paragraffer": "SEL § 140 (godkendt af ministeren)"},
            'række 3, kolonne Paragraffer: ukendt afgørelse "godkendt af ministeren"',
        ),
        ({"Antal borgere": "-5"}, "række 3, kolonne Antal borgere: antallet kan ikke være negativt (-5)"),
        ({"Antal borgere": "mange"}, 'række 3, kolonne Antal borgere: "mange" er ikke et helt tal'),
        ({"Antal borgere": "12,5"}, 'række 3, kolonne Antal borgere: "12,5" er ikke et helt tal'),
        ({"Kontakt e-mail": "meha@helsingor"}, 'række 3, kolonne Kontakt e-mail: "meha@helsingor" er ikke en gyldig'),
        ({"Kontakt e-mail": "Mette Hansen"}, 'række 3, kolonne Kontakt e-mail: "Mette Hansen" er ikke en gyldig'),
        ({"Målgrupper": "Pensionister"}, 'række 3, kolonne Målgrupper: ukendt målgruppe "Pensionister"'),
        ({"Partnerkommuner": "Helsingør"}, "række 3, kolonne Partnerkommuner: Helsingør ejer forsøget"),
        ({"Synlighed": "hemmelig"}, 'række 3, kolonne Synlighed: ukendt synlighed "hemmelig"'),
        ({"Titel": ""}, "række 3, kolonne Titel: skal udfyldes"),
        ({"Resumé": "  "}, "række 3, kolonne Resumé: skal udfyldes"),
        ({"Status": ""}, "række 3, kolonne Status: skal udfyldes"),
        ({"Id": "999999"}, "række 3, kolonne Id: der er intet forsøg med id 999999"),
        ({"Resultater": "Borgere i job: 1,234 personer"}, 'række 3, kolonne Resultater: "1,234" har for mange cifre'),
    ],
)
def test_a_wrong_cell_is_named_by_row_and_column_and_nothing_is_written(nothing_written, changes, expected):
    problems = rejected(csv_bytes([row(Titel="Et godt forsøg"), row(**changes)], headings=HEADINGS))
    assert len(problems) == 1
    assert problems[0].startswith(expected), problems


def test_every_problem_of_every_row_is_listed(nothing_written):
    data = csv_bytes(
        [
            row(Kommune="Roskilde", Status="færdig"),
            row(Titel="Andet", Statusdato="31-04-2018", **{"Kontakt e-mail": "x@"}),
        ]
    )
    problems = rejected(data)
    assert [problem.split(":")[0] for problem in problems] == [
        "række 2, kolonne Kommune",
        "række 2, kolonne Status",
        "række 3, kolonne Statusdato",
        "række 3, kolonne Kontakt e-mail",
    ]


def test_a_missing_required_column_is_reported_for_the_heading_row(nothing_written):
    data = csv_bytes([ONE_PLAN], headings=[h for h in HEADINGS if h not in {"Resumé", "Status"}])
    assert rejected(data) == [
        "række 1, kolonne Resumé: kolonnen mangler; den skal være der",
        "række 1, kolonne Status: kolonnen mangler; den skal være der",
    ]


def test_the_same_experiment_twice_in_a_file_is_refused(nothing_written):
    data = csv_bytes([ONE_PLAN, row(Resumé="Et andet resumé"), row(Titel="ÉN PLAN  FOR FAMILIER")])
    assert rejected(data) == [
        "række 3, kolonne Titel: samme forsøg som i række 2",
        "række 4, kolonne Titel: samme forsøg som i række 2",
    ]


def test_the_same_id_twice_in_a_file_is_refused(db):
    report = run_import(csv_bytes([ONE_PLAN]), publish=True)
    page_id = report.created[0].page_id
    data = csv_bytes([row(Id=page_id), row(Id=page_id, Titel="Nyt navn")], headings=HEADINGS)
    assert rejected(data) == ["række 3, kolonne Id: samme forsøg som i række 2"]


def test_an_id_and_a_title_naming_the_same_experiment_are_refused(db):
    page_id = run_import(csv_bytes([ONE_PLAN]), publish=True).created[0].page_id
    data = csv_bytes([row(Id=page_id, Titel="Nyt navn"), row()], headings=HEADINGS)
    assert rejected(data) == ["række 3, kolonne Titel: samme forsøg som i række 2"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "filen er tom"),
        (b"\xef\xbb\xbf\r\n  \r\n", "filen er tom"),
        ("Kommune;Titel;Resumé;Status\r\n".encode(), "filen har kolonneoverskrifter, men ingen forsøg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "filen er hverken en CSV-fil eller et Excel-ark"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00", "filen er hverken en CSV-fil eller et Excel-ark"),
        (b"PK\x03\x04garbage that is no zip archive", "filen er hverken en CSV-fil eller et Excel-ark"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "gamle Excel-filer (.xls) kan ikke læses"),
        (
            "Kommune;Titel;Resumé;Status\r\nHelsingør;Én plan;Resumé;idé\r\n".encode("utf-16"),
            "filen er hverken i UTF-8 eller Windows-1252",
        ),
        (
            # DOS Nordic (cp865): "Ø" is byte 0x9d, which Windows-1252 does not have.
            "Kommune;Titel;Resumé;Status\r\nHelsingør;ØKONOMI;Resumé;idé\r\n".encode("cp865"),
            "filen er hverken i UTF-8 eller Windows-1252",
        ),
        (
            # UTF-8 "ø" next to a Windows-1252 "æ": two encodings in one file.
            "Kommune;Titel;Resumé;Status\r\nHelsingør;".encode() + "Én plan for Halsnæs;x;idé\r\n".encode("cp1252"),
            "filen er hverken i UTF-8 eller Windows-1252",
        ),
    ],
    ids=["empty", "only-bom", "headings-only", "png", "elf", "broken-zip", "xls", "utf-16", "cp865", "mixed"],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_clear_message(nothing_written, data, expected):
    problems = rejected(data)
    assert len(problems) == 1
    assert problems[0].startswith(expected), problems


def test_an_xlsx_that_is_not_a_workbook_is_refused(nothing_written):
    archive = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("hello.txt", "hej")
    assert rejected(archive.getvalue(), filename="forsoeg.xlsx") == [
        "Excel-filen kan ikke læses; er den gemt som .xlsx?"
    ]


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [(";", "utf-8-sig"), (";", "utf-8"), (",", "cp1252"), ("\t", "cp1252"), (",", "utf-8-sig"), ("\t", "utf-8")],
)
def test_csv_in_utf8_or_windows_1252_separated_by_semicolon_comma_or_tab(db, delimiter, encoding):
    source = row(Paragraffer="SEL § 140, stk. 3 (imødekommet)", Resultater="Andel i job: 30 -> 45 procent")
    data = csv_bytes([source], delimiter=delimiter, encoding=encoding)
    report = run_import(data, publish=True)
    page = ExperimentPage.objects.get(pk=report.created[0].page_id)
    assert page.title == "Én plan for familier"
    assert page.get_parent().title == "Helsingør"
    assert [r.provision.reference_text for r in page.exemption_requests.all()] == ["SEL § 140, stk. 3"]
    assert page.target_groups.count() == 2


def test_headings_match_without_case_or_danish_letters_and_unknown_ones_are_reported(db):
    headings = {
        "Kommune": "KOMMUNE",
        "Titel": "titel",
        "Resumé": "Resume",
        "Status": "status",
        "Målgrupper": "Maalgrupper",
        "Fagområder": "fagomraader",
        "Kontakt e-mail": "Kontakt email",
        "Læring": "Laering",
    }
    source = {headings[key]: ONE_PLAN[key] for key in headings}
    source["Bemærkninger"] = "intern note"
    report = run_import(csv_bytes([source]), publish=True)
    assert report.ignored_headings == ["Bemærkninger"]
    page = ExperimentPage.objects.get(pk=report.created[0].page_id)
    assert page.contact_email == "meha@helsingor.dk"
    assert page.target_groups.count() == 2
    assert page.learnings.count() == 2


def test_municipality_by_name_slug_or_code(db):
    data = csv_bytes([row(Kommune="HALSNÆS", Titel="A"), row(Kommune="furesoe", Titel="B"), row(Kommune="201")])
    report = run_import(data)
    assert [outcome.municipality for outcome in report.created] == ["Halsnæs", "Furesø", "Allerød"]


def test_xlsx_with_date_and_number_cells(db):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADINGS)
    values = dict(ONE_PLAN)
    values["Statusdato"] = datetime.datetime(2017, 11, 1)
    values["Startdato"] = datetime.date(2017, 11, 1)
    values["Antal borgere"] = 250
    sheet.append([values.get(heading) for heading in HEADINGS])
    sheet.append([None] * len(HEADINGS))  # an empty row is skipped
    values.update(Titel="Forsøg nummer 2", Kommune=217.0, Partnerkommuner=None)
    sheet.append([values.get(heading) for heading in HEADINGS])
    output = io.BytesIO()
    workbook.save(output)

    report = run_import(output.getvalue(), filename="forsoeg.xlsx", publish=True)

    assert [(o.row, o.title) for o in report.created] == [
        (2, "Én plan for familier"),
        (4, "Forsøg nummer 2"),
    ]
    page = ExperimentPage.objects.get(pk=report.created[0].page_id)
    assert page.citizens_count == 250
    assert page.status_date == datetime.date(2017, 11, 1)


def test_an_update_by_id_renames_and_adds_one_revision(db):
    page_id = run_import(csv_bytes([ONE_PLAN]), publish=True).created[0].page_id
    data = csv_bytes([row(Id=page_id, Titel="Én plan for alle familier")], headings=HEADINGS)

    report = run_import(data, publish=True)

    assert [(o.page_id, o.changed) for o in report.updated] == [(page_id, ("title",))]
    page = ExperimentPage.objects.get(pk=page_id)
    assert page.title == "Én plan for alle familier"
    assert page.revisions.count() == 2
    assert page.exemption_requests.count() == 3


def test_an_update_without_publish_leaves_the_live_page_and_saves_a_draft(db):
    page_id = run_import(csv_bytes([ONE_PLAN]), publish=True).created[0].page_id

    report = run_import(csv_bytes([row(Paragraffer="SEL § 140, stk. 3 (ikke imødekommet)")]))

    assert report.updated[0].changed == ("provisions",)
    page = ExperimentPage.objects.get(pk=page_id)
    assert page.has_unpublished_changes
    assert page.exemption_requests.count() == 3  # the live page is untouched until the draft is approved
    draft = page.get_latest_revision_as_object()
    assert [(r.provision.reference_text, r.decision) for r in draft.exemption_requests.all()] == [
        ("SEL § 140, stk. 3", Decision.REFUSED)
    ]
    assert WorkflowState.objects.get(object_id=str(page_id)).status == WorkflowState.STATUS_IN_PROGRESS
    # and the same file again is now nothing new: it is compared with the draft
    assert len(run_import(csv_bytes([row(Paragraffer="SEL § 140, stk. 3 (ikke imødekommet)")])).unchanged) == 1


def test_a_new_status_adds_an_event_and_the_same_status_does_not(db):
    page_id = run_import(csv_bytes([ONE_PLAN]), publish=True).created[0].page_id
    run_import(csv_bytes([row(Statusdato="")]), publish=True)
    assert StatusEvent.objects.filter(experiment_id=page_id).count() == 1

    run_import(csv_bytes([row(Status="midtvejsevalueret", Statusdato="2018-11-01")]), publish=True)
    run_import(csv_bytes([row(Status="midtvejsevalueret", Statusdato="2018-11-01")]), publish=True)

    page = ExperimentPage.objects.get(pk=page_id)
    assert [(e.status, e.date) for e in page.timeline()] == [
        ("started", datetime.date(2017, 11, 1)),
        ("midterm_evaluated", datetime.date(2018, 11, 1)),
    ]
    assert page.status == "midterm_evaluated"


def test_a_status_without_date_is_dated_today(db):
    report = run_import(csv_bytes([row(Statusdato="")]), publish=True, today=datetime.date(2020, 3, 1))
    page = ExperimentPage.objects.get(pk=report.created[0].page_id)
    assert page.status_date == datetime.date(2020, 3, 1)


def test_a_missing_column_leaves_the_field_alone_and_an_empty_cell_clears_it(db):
    page_id = run_import(csv_bytes([ONE_PLAN]), publish=True).created[0].page_id
    without_tags = [h for h in HEADINGS if h not in {"Id", "Tags"}]
    assert len(run_import(csv_bytes([ONE_PLAN], headings=without_tags), publish=True).unchanged) == 1

    report = run_import(csv_bytes([row(Tags="", Resultater="")], headings=HEADINGS[1:]), publish=True)

    assert report.updated[0].changed == ("results", "tags")
    page = ExperimentPage.objects.get(pk=page_id)
    assert (page.tags.count(), page.results.count(), page.learnings.count()) == (0, 0, 2)


def test_dry_run_reports_and_writes_nothing(nothing_written):
    report = run_import(csv_bytes([ONE_PLAN]), dry_run=True)
    assert [o.title for o in report.created] == ["Én plan for familier"]


def test_an_editor_may_import_only_into_their_own_municipality(db, make_user):
    editor = make_user("redaktoer-helsingor", role="editors", municipality_slug="helsingor")
    data = csv_bytes([ONE_PLAN, row(Kommune="Gribskov", Partnerkommuner="")])
    assert rejected(data, user=editor) == [
        "række 3, kolonne Kommune: redaktoer-helsingor må ikke oprette eller redigere forsøg i Gribskov"
    ]
    assert rejected(csv_bytes([ONE_PLAN]), user=editor, publish=True) == [
        "række 2, kolonne Kommune: redaktoer-helsingor må ikke udgive forsøg i Helsingør"
    ]
    report = run_import(csv_bytes([ONE_PLAN]), user=editor)
    page = ExperimentPage.objects.get(pk=report.created[0].page_id)
    assert page.owner == editor
    assert page.get_latest_revision().user == editor
    assert WorkflowState.objects.get(object_id=str(page.pk)).requested_by == editor


def test_result_and_learning_cells():
    assert parse_result("Andel i job: 1.200 → 1.450,5 borgere").key() == (
        "Andel i job",
        Decimal("1200"),
        Decimal("1450.5"),
        "borgere",
    )
    assert parse_result("Sager pr. familie: 7 -> 3").key() == ("Sager pr. familie", Decimal("7"), Decimal("3"), "")
    assert parse_result("Tilfredshed: høj").key() == ("Tilfredshed: høj", None, None, "")
    assert parse_result("Tid kl. 10: – timer").key() == ("Tid kl. 10", None, None, "timer")
    assert parse_learnings("Borgerne tog godt imod planen.\nØkonomi: Uændret.") == [
        {
            "target_group": "",
            "method": "",
            "implementation": "",
            "effect": "",
            "economy": "Uændret.",
            "what_worked": "Borgerne tog godt imod planen.",
            "what_did_not_work": "",
            "preconditions": "",
            "legislation_recommendation": "",
        }
    ]
    assert parse_learnings("") == []


def test_the_documented_example_file_imports_and_every_column_is_documented(db):
    from pathlib import Path

    from experiments.spreadsheet_format import COLUMNS

    docs = Path(__file__).resolve().parents[2] / "docs"
    report = run_import((docs / "eksempel-forsoeg.csv").read_bytes(), publish=True)
    assert len(report.created) == 3
    assert ExperimentPage.objects.get(title__startswith="Koordinerende").visibility == Visibility.NETWORK
    described = (docs / "import-format.md").read_text()
    assert all(f"`{column.heading}`" in described for column in COLUMNS)


def test_imported_pages_are_in_wagtails_reference_index(db):
    from django_tasks_db.models import DBTaskResult
    from wagtail.models import ReferenceIndex

    from experiments.tasks import update_reference_index

    page_id = run_import(csv_bytes([ONE_PLAN])).created[0].page_id  # a draft, submitted for moderation
    page = ExperimentPage.objects.get(pk=page_id)
    sel_140 = page.exemption_requests.first().provision
    # One job for the import, run by the worker as db_worker would.
    (queued,) = DBTaskResult.objects.filter(task_path=update_reference_index.module_path)
    assert queued.args_kwargs == {"args": [[page_id]], "kwargs": {}}
    assert not ReferenceIndex.get_references_for_object(page).exists()
    update_reference_index.call(*queued.args_kwargs["args"])
    assert ReferenceIndex.get_references_for_object(page).exists()
    assert ReferenceIndex.get_references_to(sel_140).filter(object_id=str(page_id)).exists()


def test_imported_pages_are_in_wagtails_search_index_after_one_job(db):
    """The admin's page search (Wagtail's own index) finds imported experiments once the import's one job has run;
    a save outside an import queues modelsearch's own job as before."""
    from django_tasks_db.models import DBTaskResult
    from modelsearch.tasks import insert_or_update_object_task

    from experiments.tasks import update_admin_search_index

    def modelsearch_jobs():
        jobs = DBTaskResult.objects.filter(task_path=insert_or_update_object_task.module_path)
        return [job for job in jobs if job.args_kwargs["args"][:2] == ["experiments", "experimentpage"]]

    page_id = run_import(csv_bytes([ONE_PLAN, row(Titel="Koordinerende sagsbehandler")])).created[0].page_id
    assert modelsearch_jobs() == []
    (queued,) = DBTaskResult.objects.filter(task_path=update_admin_search_index.module_path)
    assert len(queued.args_kwargs["args"][0]) == 2 and page_id in queued.args_kwargs["args"][0]
    assert page_id not in [page.pk for page in ExperimentPage.objects.search("familier")]

    assert update_admin_search_index.call(*queued.args_kwargs["args"]) == 2
    assert page_id in [page.pk for page in ExperimentPage.objects.search("familier")]

    ExperimentPage.objects.get(pk=page_id).save()
    assert [job.args_kwargs["args"][2] for job in modelsearch_jobs()] == [str(page_id)]


# --- hostile and oversized files: a clear message, nothing written, no CPU kept busy --------------------------------


def xlsx_bytes(rows, *, dimension=None) -> bytes:
    """A workbook of `rows`; `dimension` overwrites the size the sheet claims (as some programs write it)."""
    import re
    import zipfile

    workbook = Workbook()
    for values in rows:
        workbook.active.append(values)
    output = io.BytesIO()
    workbook.save(output)
    if dimension is None:
        return output.getvalue()
    patched = io.BytesIO()
    with zipfile.ZipFile(output) as source, zipfile.ZipFile(patched, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                content = re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"'.encode(), content)
            target.writestr(info, content)
    return patched.getvalue()


@pytest.fixture
def time_limit():
    """Fail a test that takes longer than `seconds` instead of letting it run on."""
    import signal

    def limit(seconds):
        def expired(signum, frame):
            raise TimeoutError(f"took more than {seconds} s")

        signal.signal(signal.SIGALRM, expired)
        signal.alarm(seconds)

    yield limit
    signal.alarm(0)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(nothing_written, settings):
    settings.EXPERIMENT_IMPORT_MAX_BYTES = 1024 * 1024
    data = csv_bytes([row(Resumé="x" * 30_000, Titel=f"Forsøg {n}") for n in range(40)])
    (problem,) = rejected(data)
    assert problem.startswith("filen er for stor (1,")
    assert problem.endswith("MB); højst 1,0 MB kan importeres, så del den op")


def test_an_xlsx_claiming_the_largest_possible_sheet_is_read_as_stored(db, time_limit):
    time_limit(10)
    headings = [heading for heading in HEADINGS if heading != "Id"]
    data = xlsx_bytes([headings, [ONE_PLAN.get(h) for h in headings]], dimension="A1:XFD1048576")
    table = read_rows(data, filename="forsoeg.xlsx")
    assert [source.number for source in table.rows] == [2]
    assert len(table.columns) == len(headings)


def test_a_file_with_more_rows_or_columns_than_a_list_of_experiments_is_refused(nothing_written, settings):
    settings.EXPERIMENT_IMPORT_MAX_ROWS = 3
    many = csv_bytes([row(Titel=f"Forsøg {n}") for n in range(4)], headings=HEADINGS)
    assert rejected(many) == ["filen har flere end 3 forsøg; del den op i flere filer"]
    wide = xlsx_bytes([HEADINGS, [*(ONE_PLAN.get(h) for h in HEADINGS), *([None] * 500), "x"]])
    assert rejected(wide, filename="forsoeg.xlsx") == [
        "række 2: rækken har flere end 60 kolonner; det har en forsøgsliste ikke"
    ]


def test_a_cell_longer_than_excel_allows_is_named(nothing_written):
    problems = rejected(csv_bytes([row(Resumé="x" * 40_000)], headings=HEADINGS))
    assert problems == ["række 2, kolonne Resumé: cellen har 40000 tegn; højst 32767 kan læses"]


def test_a_long_results_cell_is_read_and_named_not_left_running(time_limit):
    # A reader quadratic in runs of spaces took about 20 s on these cells; the guard stops such a run.
    time_limit(10)
    for item in ("a" + " " * 30_000 + "b", "Borgere" + " " * 30_000 + "i job: 42 borgere", "a: b " * 6_000):
        with pytest.raises(CellError, match="indikator"):
            parse_result(item)
    assert parse_result("Borgere i job:" + " " * 30_000 + "42 borgere").value == Decimal(42)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"Antal borgere": "1" + "0" * 30}, "række 2, kolonne Antal borgere: antallet er for stort"),
        ({"Antal borgere": "2147483648"}, "række 2, kolonne Antal borgere: antallet er for stort"),
        ({"Id": "1" + "0" * 30}, "række 2, kolonne Id: der er intet forsøg med id 1000000000000000000000000000000"),
        ({"Resultater": "Borgere: 1" + "0" * 30}, 'række 2, kolonne Resultater: "1000000000000000000000000000000" har'),
        ({"Kommune": "1" + "0" * 30}, 'række 2, kolonne Kommune: ukendt kommune "1000000000000000000000000000000"'),
    ],
)
def test_huge_numbers_get_a_message_not_a_database_error(nothing_written, changes, expected):
    problems = rejected(csv_bytes([row(**changes)], headings=HEADINGS))
    assert len(problems) == 1
    assert problems[0].startswith(expected), problems


def test_a_huge_number_in_an_xlsx_cell_gets_a_message(nothing_written):
    values = {**ONE_PLAN, "Antal borgere": 1e30}
    data = xlsx_bytes([HEADINGS, [values.get(h) for h in HEADINGS]])
    problems = rejected(data, filename="forsoeg.xlsx")
    assert problems[0].startswith("række 2, kolonne Antal borgere: antallet er for stort")


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_the_same_file_at_once_create_each_experiment_once(monkeypatch):
    """The second import waits for the first (an advisory lock per municipality) and then finds its experiments."""
    import contextlib
    import threading

    from django.db import connection

    from experiments.importing import plan
    from network.setup import setup_network
    from tests.conftest import restore_wagtail_base

    restore_wagtail_base()  # an earlier transactional test may have emptied the database
    setup_network()
    # Each import, once it has looked at the existing experiments, waits for the other to have done so too: without
    # a lock both then find nothing and both create; with it the other is still waiting for the lock, and the first
    # goes on when the barrier gives up.
    barrier = threading.Barrier(2)

    class Waiting(plan._Existing):
        def __init__(self, lookup):
            super().__init__(lookup)
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=3)

    monkeypatch.setattr(plan, "_Existing", Waiting)
    data = csv_bytes([ONE_PLAN])
    errors = []

    def run():
        try:
            run_import(data, publish=True)
        except BaseException as error:  # noqa: BLE001 (reported by the test)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert ExperimentPage.objects.filter(title="Én plan for familier").count() == 1


def test_moderators_get_one_mail_per_import_not_one_per_experiment(network, make_user, mailoutbox, settings):
    """Wagtail mails a page's moderators at every submission; an import of three experiments sends each of them one
    mail listing the three, once the import has committed. A submission outside an import is mailed as before."""
    from django.test import TestCase

    settings.WAGTAILADMIN_BASE_URL = "https://register.example"
    coordinator = make_user("koordinator", role="coordinators", municipality_slug="helsingor", email="k@helsingor.dk")
    editor = make_user("redaktoer", role="editors", municipality_slug="helsingor", email="r@helsingor.dk")
    rows = [ONE_PLAN, row(Titel="Én plan for unge"), row(Titel="Én plan for ledige")]

    with TestCase.captureOnCommitCallbacks(execute=True):
        report = run_import(csv_bytes(rows), user=editor)
    assert len(report.created) == 3
    to_coordinator = [message for message in mailoutbox if message.to == [coordinator.email]]
    assert len(to_coordinator) == 1, [message.subject for message in mailoutbox]
    assert to_coordinator[0].subject == "3 forsøg er indsendt til godkendelse"
    for outcome in report.created:
        assert (
            f"{outcome.title}: https://register.example/admin/pages/{outcome.page_id}/edit/" in to_coordinator[0].body
        )
    assert not [message for message in mailoutbox if message.to == [editor.email]]

    # Outside an import, Wagtail's own mail per submission.
    mailoutbox.clear()
    page = ExperimentPage.objects.get(pk=report.created[0].page_id)
    page.current_workflow_state.cancel(user=editor)
    with TestCase.captureOnCommitCallbacks(execute=True):
        page.get_workflow().start(page, editor)
    assert [message.to for message in mailoutbox] == [[coordinator.email]]
    assert page.title in mailoutbox[0].subject
