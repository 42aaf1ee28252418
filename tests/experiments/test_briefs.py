"""The provision brief for the ministry (`/paragraffer/<id>/notat.pdf` and `.docx`), read back out of the files."""

import datetime
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document
from PIL import Image
from pypdf import PdfReader

from experiments.briefs import FONT_FAMILY, brief_pdf, provision_brief
from experiments.models import Learning, Provision, Result
from experiments.references import parse_reference

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def provision(text):
    return Provision.objects.resolve(parse_reference(text))


@pytest.fixture
def sought(add_experiment):
    public = add_experiment(
        "helsingor",
        "Én plan for familier",
        exemptions=[("SEL § 140", "granted")],
        statuses=[("started", datetime.date(2018, 1, 1))],
        planned_start=datetime.date(2017, 11, 1),
        planned_end=datetime.date(2020, 7, 1),
    )
    Result.objects.create(experiment=public, indicator="Borgere i job", baseline=12, value=19, unit="borgere")
    Learning.objects.create(
        experiment=public,
        what_worked="Én koordinerende sagsbehandler.",
        legislation_recommendation="Gør den fælles handleplan til lov for familier.",
    )
    part = add_experiment("hillerod", "Handleplaner i ét", exemptions=[("SEL § 140, stk. 3", "refused")])
    internal = add_experiment(
        "ballerup", "Internt forsøg om planer", exemptions=[("SEL § 140", "partly_granted")], visibility="network"
    )
    Learning.objects.create(experiment=internal, legislation_recommendation="Fjern kravet om faste møder.")
    return {"public": public, "part": part, "internal": internal}


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        parts.extend(" | ".join(cell.text for cell in row.cells) for row in table.rows)
    return "\n".join(parts)


def squeeze(text: str) -> str:
    return " ".join(text.split())


def test_provision_page_links_to_the_brief_as_pdf_and_word(client, sought):
    sel_140 = provision("SEL § 140")
    html = client.get(f"/paragraffer/{sel_140.pk}/").content.decode()
    assert f'href="/paragraffer/{sel_140.pk}/notat.pdf"' in html
    assert f'href="/paragraffer/{sel_140.pk}/notat.docx"' in html
    assert "Hent notat" in html


def test_pdf_brief_names_public_experiments_and_decisions_and_keeps_network_only_ones_from_anonymous_readers(
    client, sought
):
    sel_140 = provision("SEL § 140")
    response = client.get(f"/paragraffer/{sel_140.pk}/notat.pdf")

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="notat-sel-140.pdf"'
    assert "private" in response["Cache-Control"]
    text = squeeze(pdf_text(response.content))
    assert "SEL § 140" in text
    assert "Én plan for familier" in text and "imødekommet" in text
    assert "Helsingør" in text
    assert "Handleplaner i ét" in text and "ikke imødekommet" in text  # the family: SEL § 140, stk. 3
    assert "Borgere i job" in text
    assert "Gør den fælles handleplan til lov for familier." in text
    assert "Internt forsøg om planer" not in text
    assert "delvist imødekommet" not in squeeze(text.split("Forsøg, der har søgt fritagelse")[1])
    assert "Fjern kravet om faste møder." not in text
    assert "Notatet omfatter kun offentlige forsøg." in text


def test_pdf_brief_for_a_network_reader_includes_network_only_experiments(client, make_user, sought):
    client.force_login(make_user("medarbejder", role="staff", municipality_slug="furesoe"))
    text = squeeze(pdf_text(client.get(f"/paragraffer/{provision('SEL § 140').pk}/notat.pdf").content))
    assert "Internt forsøg om planer" in text and "delvist imødekommet" in text
    assert "Ballerup" in text
    assert "Fjern kravet om faste møder." in text


def test_pdf_brief_summarises_decisions_and_municipalities_and_is_dated(client, sought):
    text = squeeze(pdf_text(client.get(f"/paragraffer/{provision('SEL § 140').pk}/notat.pdf").content))
    assert "2 ansøgninger om fritagelse fra 2 forsøg i 2 kommuner." in text
    assert "Imødekommet 1" in text and "Ikke imødekommet 1" in text and "Delvist imødekommet 0" in text
    assert "I alt 2" in text
    today = datetime.date.today()
    assert f"{today.day}. " in text and str(today.year) in text
    assert "Udarbejdet" in text


def test_pdf_brief_is_set_in_ibm_plex_sans(sought):
    from django.contrib.auth.models import AnonymousUser

    content = brief_pdf(provision_brief(provision("SEL § 140"), user=AnonymousUser()))
    fonts = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts and all("IBM-Plex-Sans" in name for name in fonts), fonts


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (Debian's poppler-utils) is not installed")
def test_pdf_brief_first_page_is_a4_with_the_heading_in_ink(client, sought, tmp_path):
    content = client.get(f"/paragraffer/{provision('SEL § 140').pk}/notat.pdf").content
    (tmp_path / "brief.pdf").write_bytes(content)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "72", "-f", "1", "-l", "1", "-singlefile", "brief.pdf", "page"],
        cwd=tmp_path,
        check=True,
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(tmp_path / "page.png", SCREENSHOTS / "provision-brief-page-1.png")
    image = Image.open(tmp_path / "page.png").convert("L")
    # A4 is 595.3 × 841.9 points; pdftoppm rounds each side up to whole pixels at 72 dpi.
    box = PdfReader(io.BytesIO(content)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    assert image.size == (596, 842)
    width, height = image.size
    dark = [value < 128 for value in image.tobytes()]
    ink = sum(dark) / (width * height)
    assert 0.01 < ink < 0.4, ink  # text, not a blank page, not a black one
    # The margins stay white (18 mm left, 22 mm top: about 51 and 62 pixels), the heading sits at the top.
    rows = [dark[y * width : (y + 1) * width] for y in range(height)]
    assert not any(any(row[:45]) for row in rows)
    first_ink = next(y for y, row in enumerate(rows) if any(row[45:]))
    assert first_ink < 60  # the running head in the top margin
    assert sum(sum(row) for row in rows[62 : height // 5]) > 500  # the masthead: kicker, heading, rule


def test_word_brief_holds_the_same_facts_in_ibm_plex_sans(client, make_user, sought):
    url = f"/paragraffer/{provision('SEL § 140').pk}/notat.docx"
    response = client.get(url)

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response["Content-Disposition"] == 'attachment; filename="notat-sel-140.docx"'
    text = docx_text(response.content)
    assert "Én plan for familier | Helsingør | 1. nov 2017 – 1. jul 2020 | SEL § 140 | imødekommet | igangsat" in text
    assert "Handleplaner i ét" in text
    assert "Borgere i job | 12 | 19 | borgere" in squeeze(text.replace("Én plan for familier | ", ""))
    assert "Gør den fælles handleplan til lov for familier." in text
    assert "Internt forsøg om planer" not in text
    assert "Imødekommet | 1" in text and "I alt | 2" in text
    document = Document(io.BytesIO(response.content))
    assert document.styles["Normal"].font.name == FONT_FAMILY
    assert document.styles["Heading 1"].font.name == FONT_FAMILY

    client.force_login(make_user("ministeriet", role="ministry"))
    text = docx_text(client.get(url).content)
    assert "Internt forsøg om planer | Ballerup" in text
    assert "Fjern kravet om faste møder." in text


def test_brief_of_a_renumbered_provision_follows_the_experiments_across_the_rewrite(client, add_experiment):
    add_experiment("helsingor", "Min Plan samlet", exemptions=[("LAB §§ 27–30", "granted")])
    old = Provision.objects.get(law__key="LAB", paragraph="27", paragraph_end="30")
    (new,) = old.successors.all()
    text = docx_text(client.get(f"/paragraffer/{new.pk}/notat.docx").content)
    assert "LAB § 40, stk. 1" in text
    assert "Min Plan samlet" in text and "LAB §§ 27–30" in text


def test_brief_of_an_unknown_provision_is_404(client, db):
    assert client.get("/paragraffer/999999/notat.pdf").status_code == 404
    assert client.get("/paragraffer/999999/notat.docx").status_code == 404


def test_brief_query_count_does_not_grow_with_the_experiments(client, add_experiment):
    sel_140 = provision("SEL § 140")

    def add(start, n):
        for i in range(start, start + n):
            add_experiment("furesoe", f"Forsøg {i}", exemptions=[("SEL § 140", "granted")], results=1, learnings=1)

    add(0, 2)
    url = f"/paragraffer/{sel_140.pk}/notat.docx"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    add(2, 10)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)
