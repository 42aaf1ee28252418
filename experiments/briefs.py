"""A brief (notat) on one provision for the ministry, as PDF and as Word.

`provision_brief()` gathers what the reader may see: the provision and its family, every experiment that sought
exemption from it, the measured results, the learnings and the municipalities' recommendations on the legislation.
`brief_pdf()` renders it through a Django template with WeasyPrint; `brief_docx()` writes the same sections with
python-docx. Both set the design system's typeface, IBM Plex Sans, whose files DKFDS ships (static_vendor/dkfds).
"""

import dataclasses
import datetime
import io
from collections import Counter
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from experiments.models import Decision, ExemptionRequest, Learning, Provision, Result
from experiments.selectors import exemptions_of, provision_family

FONT_FAMILY = "IBM Plex Sans"
# (static path under dkfds/fonts/IBMPlexSans/complete/ttf/, CSS font-weight, CSS font-style)
FONT_FACES = (
    ("IBMPlexSans-Regular.ttf", 400, "normal"),
    ("IBMPlexSans-Italic.ttf", 400, "italic"),
    ("IBMPlexSans-SemiBold.ttf", 600, "normal"),
    ("IBMPlexSans-Bold.ttf", 700, "normal"),
)
FONT_STATIC_DIR = "dkfds/fonts/IBMPlexSans/complete/ttf"
# The Word styles the brief uses, each set in the typeface.
DOCX_STYLES = ("Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Table Grid", "List Bullet")


@dataclasses.dataclass(frozen=True)
class Recommendation:
    experiment_title: str
    municipality: str
    text: str


@dataclasses.dataclass(frozen=True)
class ProvisionBrief:
    provision: Provision
    lineage: list[Provision]
    family: list[Provision]
    exemptions: list[ExemptionRequest]
    results: list[Result]
    learnings: list[Learning]
    recommendations: list[Recommendation]
    decision_counts: list[tuple[str, int]]
    municipalities: list[tuple[str, int]]
    prepared_on: datetime.date
    network_reader: bool

    @property
    def experiment_count(self) -> int:
        return len({exemption.experiment_id for exemption in self.exemptions})

    @property
    def filename_stem(self) -> str:
        from django.utils.text import slugify

        return f"notat-{slugify(self.provision.reference_text.replace('§', ''))}"


def provision_brief(provision: Provision, *, user, today: datetime.date | None = None) -> ProvisionBrief:
    """What a brief on `provision` says for `user`: only experiments the user may read, and their results and
    learnings. A constant number of queries (the family's, then one each for requests, results and learnings)."""
    family = provision_family(provision)
    exemptions = list(exemptions_of(family, user).select_related("provision__law", "experiment"))
    municipality_of = {exemption.experiment_id: exemption.municipality_info["title"] for exemption in exemptions}
    experiment_ids = set(municipality_of)
    results = list(
        Result.objects.filter(experiment_id__in=experiment_ids)
        .select_related("experiment")
        .order_by("experiment__title", "sort_order")
    )
    learnings = list(
        Learning.objects.filter(experiment_id__in=experiment_ids)
        .select_related("experiment")
        .order_by("experiment__title", "sort_order")
    )
    for item in (*results, *learnings):
        item.municipality_title = municipality_of[item.experiment_id]
    recommendations = [
        Recommendation(learning.experiment.title, learning.municipality_title, learning.legislation_recommendation)
        for learning in learnings
        if learning.legislation_recommendation.strip()
    ]
    per_decision = Counter(exemption.decision for exemption in exemptions)
    experiments_per_municipality = Counter(
        municipality_of[experiment_id] for experiment_id in {exemption.experiment_id for exemption in exemptions}
    )
    return ProvisionBrief(
        provision=provision,
        lineage=provision.lineage(),
        family=family,
        exemptions=exemptions,
        results=results,
        learnings=learnings,
        recommendations=recommendations,
        decision_counts=[(str(decision.label), per_decision[decision.value]) for decision in Decision],
        municipalities=sorted(experiments_per_municipality.items()),
        prepared_on=today or timezone.localdate(),
        network_reader=bool(user.is_authenticated and user.is_active),
    )


def _context(brief: ProvisionBrief) -> dict:
    return {
        "brief": brief,
        "provision": brief.provision,
        "prepared_on": date_format(brief.prepared_on, "j. F Y"),
        "summary_sentence": _summary_sentence(brief),
        "scope_note": _scope_note(brief),
        "exemption_rows": [
            {"exemption": exemption, "period": period(exemption.experiment), "decision": decision_text(exemption)}
            for exemption in brief.exemptions
        ],
        "result_rows": [
            {"result": result, "baseline": _number(result.baseline), "value": _number(result.value)}
            for result in brief.results
        ],
        "learning_rows": [(learning, learning_sections(learning)) for learning in brief.learnings],
    }


def _font_path(filename: str) -> Path | None:
    found = finders.find(f"{FONT_STATIC_DIR}/{filename}")
    return Path(found).resolve() if found else None


def _font_faces() -> list[dict]:
    faces = []
    for filename, weight, style in FONT_FACES:
        path = _font_path(filename)
        if path is not None:
            faces.append({"url": path.as_uri(), "weight": weight, "style": style})
    return faces


def _fetcher_class():
    from weasyprint.urls import URLFetcher

    class FontFileFetcher(URLFetcher):
        """Fetches the typeface's own files and nothing else: the brief holds editors' text, and a PDF renderer
        that follows any URL could be made to read local files or call internal hosts."""

        def __init__(self, allowed_urls, **kwargs):
            super().__init__(allowed_protocols={"file"}, allow_redirects=False, **kwargs)
            self.allowed_urls = set(allowed_urls)

        def fetch(self, url, headers=None):
            if url not in self.allowed_urls:
                raise ValueError(f"Not one of the brief's font files: {url}")
            return super().fetch(url, headers)

    return FontFileFetcher


def brief_pdf(brief: ProvisionBrief) -> bytes:
    """The brief as an A4 PDF, from templates/experiments/briefs/provision_brief.html and its stylesheet."""
    # WeasyPrint loads Pango through ctypes on import; only this function needs it.
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    faces = _font_faces()
    context = {**_context(brief), "font_faces": faces, "font_family": FONT_FAMILY}
    html = render_to_string("experiments/briefs/provision_brief.html", context)
    css = render_to_string("experiments/briefs/provision_brief.css", context)
    fetcher = _fetcher_class()(allowed_urls=[face["url"] for face in faces])
    font_config = FontConfiguration()
    document = HTML(string=html, url_fetcher=fetcher)
    return document.write_pdf(
        stylesheets=[CSS(string=css, font_config=font_config, url_fetcher=fetcher)], font_config=font_config
    )


def brief_docx(brief: ProvisionBrief) -> bytes:
    """The brief as a Word document with the same sections as the PDF, set in IBM Plex Sans."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Mm(20))

    for style_name in DOCX_STYLES:
        style = document.styles[style_name]
        style.font.name = FONT_FAMILY
        # Word reads the East Asian and complex-script slots too; without them it falls back to its theme font.
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(slot), FONT_FAMILY)
        for theme_slot in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme_slot), None)
        if style_name.startswith("Heading") or style_name in ("Title", "Subtitle"):
            style.font.color.rgb = RGBColor(0x1A, 0x1A, 0x1A)
    document.styles["Normal"].font.size = Pt(10)

    provision = brief.provision
    document.core_properties.title = _("Notat om %(reference)s") % {"reference": provision.reference_text}
    document.core_properties.language = "da-DK"

    document.add_paragraph(_("Notat til ministeriet"), style="Subtitle")
    document.add_heading(provision.reference_text, level=0)
    if provision.heading:
        document.add_paragraph(provision.heading)
    document.add_paragraph(_("Udarbejdet %(date)s") % {"date": date_format(brief.prepared_on, "j. F Y")})
    document.add_paragraph().add_run(_scope_note(brief)).italic = True

    document.add_heading(_("Bestemmelsen"), level=1)
    law = provision.law
    _facts_table(
        document,
        [
            (_("Lov"), f"{law.name} ({law.version_label})" if law.version_label else law.name),
            (_("Lovtekst (ELI)"), law.eli_url),
            (_("I kraft fra"), date_format(law.in_force_from, "j. F Y") if law.in_force_from else ""),
            (_("Ophævet"), date_format(law.repealed_on, "j. F Y") if law.repealed_on else ""),
        ],
    )
    if len(brief.lineage) > 1:
        document.add_paragraph(_("Loven er omskrevet; bestemmelsen findes i disse versioner:"))
        for member in brief.lineage:
            successors = member.successors_text()
            successor = f" → {successors}" if successors else ""
            label = member.law.version_label or member.law.name
            document.add_paragraph(f"{member.reference_text} – {label}{successor}", style="List Bullet")
    if len(brief.family) > 1:
        document.add_paragraph(
            _("Notatet omfatter bestemmelsen, dens dele og dens andre udgaver: %(family)s")
            % {"family": ", ".join(member.reference_text for member in brief.family)}
        )

    document.add_heading(_("Sammenfatning"), level=1)
    document.add_paragraph(_summary_sentence(brief))
    _grid(
        document,
        [_("Afgørelse"), _("Ansøgninger")],
        [(label.capitalize(), str(count)) for label, count in brief.decision_counts]
        + [(_("I alt"), str(len(brief.exemptions)))],
    )
    if brief.municipalities:
        document.add_paragraph()
        _grid(document, [_("Kommune"), _("Forsøg")], [(name, str(count)) for name, count in brief.municipalities])

    document.add_heading(_("Forsøg, der har søgt fritagelse"), level=1)
    if brief.exemptions:
        _grid(
            document,
            [_("Forsøg"), _("Kommune"), _("Periode"), _("Bestemmelse"), _("Afgørelse"), _("Status")],
            [
                (
                    exemption.experiment.title,
                    exemption.municipality_info["title"],
                    period(exemption.experiment),
                    exemption.provision.reference_text,
                    decision_text(exemption),
                    exemption.experiment.get_status_display() or "–",
                )
                for exemption in brief.exemptions
            ],
        )
    else:
        document.add_paragraph(_("Ingen forsøg, du kan se, har søgt fritagelse fra denne bestemmelse."))

    document.add_heading(_("Målte resultater"), level=1)
    if brief.results:
        _grid(
            document,
            [_("Forsøg"), _("Indikator"), _("Udgangspunkt"), _("Værdi"), _("Enhed"), _("Målt"), _("Kilde")],
            [
                (
                    result.experiment.title,
                    result.indicator,
                    _number(result.baseline),
                    _number(result.value),
                    result.unit,
                    date_format(result.measured_on, "j. b Y") if result.measured_on else "–",
                    result.source,
                )
                for result in brief.results
            ],
        )
    else:
        document.add_paragraph(_("Ingen målte resultater endnu."))

    document.add_heading(_("Læring"), level=1)
    if not brief.learnings:
        document.add_paragraph(_("Ingen læring registreret endnu."))
    for learning in brief.learnings:
        document.add_heading(f"{learning.experiment.title} ({learning.municipality_title})", level=2)
        for heading, text in learning_sections(learning):
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{heading}: ").bold = True
            paragraph.add_run(text)

    document.add_heading(_("Kommunernes anbefalinger til lovgivningen"), level=1)
    if not brief.recommendations:
        document.add_paragraph(_("Ingen anbefalinger til lovgivningen registreret endnu."))
    for recommendation in brief.recommendations:
        paragraph = document.add_paragraph(style="List Bullet")
        paragraph.add_run(f"{recommendation.municipality}, {recommendation.experiment_title}: ").bold = True
        paragraph.add_run(recommendation.text)

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def period(experiment) -> str:
    start, end = experiment.start, experiment.end
    if not start and not end:
        return "–"
    return f"{date_format(start, 'j. b Y') if start else '?'} – {date_format(end, 'j. b Y') if end else ''}".strip()


def decision_text(exemption: ExemptionRequest) -> str:
    decided = f" ({date_format(exemption.decided_on, 'j. b Y')})" if exemption.decided_on else ""
    return f"{exemption.get_decision_display()}{decided}"


def learning_sections(learning: Learning) -> list[tuple[str, str]]:
    """The learning's sections without its recommendation on the legislation, which the brief gathers apart."""
    return [
        (str(heading), getattr(learning, name))
        for name, heading in Learning.SECTIONS
        if name != "legislation_recommendation" and getattr(learning, name)
    ]


def _summary_sentence(brief: ProvisionBrief) -> str:
    return _("%(requests)s ansøgninger om fritagelse fra %(experiments)s forsøg i %(municipalities)s kommuner.") % {
        "requests": len(brief.exemptions),
        "experiments": brief.experiment_count,
        "municipalities": len(brief.municipalities),
    }


def _scope_note(brief: ProvisionBrief) -> str:
    if brief.network_reader:
        return _("Notatet omfatter offentlige forsøg og forsøg, der kun er synlige for netværket.")
    return _("Notatet omfatter kun offentlige forsøg.")


def _number(value) -> str:
    if value is None:
        return "–"
    return f"{value.normalize():f}".replace(".", ",")


def _facts_table(document, rows):
    _grid(document, None, [(label, value) for label, value in rows if value])


def _grid(document, headings, rows):
    columns = len(headings) if headings else len(rows[0]) if rows else 2
    table = document.add_table(rows=0, cols=columns)
    table.style = document.styles["Table Grid"]
    if headings:
        cells = table.add_row().cells
        for cell, heading in zip(cells, headings, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(str(heading)).bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = str(value)
    return table
