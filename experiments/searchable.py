"""What experiments contribute to search, registered from ExperimentsConfig.ready(): the experiment page's
document, and the network's vocabulary (abbreviations, laws, § references and the provisions they name)."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from core.blocks import stream_text_and_documents
from experiments.filters import years_running
from experiments.references import find_law, find_references
from experiments.vocabulary import ABBREVIATIONS, resolve_provisions
from search.registry import (
    FacetValue,
    SearchableContent,
    register,
    register_abbreviations,
    register_legal_vocabulary,
    register_shown_in,
)


def _in_editor_order(rows) -> list:
    """Inline rows in the order an editor gave them, then as created, however they were fetched (from the page's
    revision, one query, or a prefetch): publishing and a rebuild then write the same document."""
    return sorted(rows, key=lambda row: (row.sort_order is None, row.sort_order or 0, row.pk or 0))


def _with_renumbered(provisions, renumbering=None) -> list[FacetValue]:
    """The experiment's provisions and, after them, those they were renumbered from or to: the old and the new
    number are one family, so a facet or filter of either finds the experiment and counts it."""
    from experiments.models import Provision

    if renumbering is None:
        renumbering = Provision.objects.renumbering()
    family = {p.pk: p for p in provisions}
    for provision in provisions:
        for member in renumbering.get(provision.pk, ()):
            family.setdefault(member.pk, member)
    return [FacetValue(str(p.pk), p.reference_text) for p in family.values()]


def build_experiment(page) -> SearchableContent:
    from experiments.models import ExperimentStatus

    municipality = page.municipality
    owner = FacetValue(municipality.slug, municipality.title) if municipality else None
    partners = [FacetValue(p.municipality.slug, p.municipality.title) for p in _in_editor_order(page.partners.all())]
    exemptions = _in_editor_order(page.exemption_requests.all())
    provisions = [exemption.provision for exemption in exemptions]
    content_text, documents = stream_text_and_documents(page.content)
    evaluations = list(page.evaluations.all())
    documents += [evaluation.document for evaluation in evaluations if evaluation.document_id]

    provision_text = "\n".join(" ".join(filter(None, [p.reference_text, p.heading, p.law.name])) for p in provisions)
    exemption_text = "\n".join(
        " ".join(filter(None, [e.get_decision_display(), e.legal_instrument, e.barrier])) for e in exemptions
    )
    learning_text = "\n".join(learning.text for learning in page.learnings.all())
    result_text = "\n".join(" ".join(filter(None, [r.indicator, r.unit, r.source, r.note])) for r in page.results.all())
    evaluation_text = "\n".join(
        " ".join(filter(None, [e.get_kind_display(), e.evaluator, e.design, e.summary])) for e in evaluations
    )
    status_text = "\n".join(" ".join(filter(None, [e.get_status_display(), e.note])) for e in page.status_events.all())
    target_groups = list(page.target_groups.all())
    service_areas = list(page.service_areas.all())
    tags = sorted(page.tags.all(), key=lambda tag: tag.name)

    return SearchableContent(
        title=page.title,
        parts=[
            ("A", page.title),
            ("B", page.summary),
            ("B", page.target_group_description),
            ("B", " ".join(group.name for group in target_groups)),
            ("B", " ".join(area.name for area in service_areas)),
            ("B", " ".join(tag.name for tag in tags)),
            ("B", provision_text),
            ("C", page.challenge),
            ("C", page.purpose),
            ("C", content_text),
            ("C", learning_text),
            ("C", result_text),
            ("C", evaluation_text),
            ("C", exemption_text),
            ("C", status_text),
            ("D", " ".join(partner.label for partner in partners)),
            ("D", " ".join(filter(None, [page.contact_name]))),
        ],
        municipality=owner,
        municipalities=([owner] if owner else []) + partners,
        status=FacetValue(page.status, str(ExperimentStatus(page.status).label)) if page.status else None,
        target_groups=[FacetValue(group.slug, group.name) for group in target_groups],
        service_areas=[FacetValue(area.slug, area.name) for area in service_areas],
        laws=list({p.law.key: FacetValue(p.law.key, p.law.abbreviation) for p in provisions}.values()),
        provisions=_with_renumbered(provisions, getattr(page, "_renumbering", None)),
        tags=[FacetValue(tag.slug, tag.name) for tag in tags],
        years=years_running(page.start, page.end),
        period_start=page.start,
        period_end=page.end,
        documents=documents,
    )


def prepare_experiments(queryset) -> list:
    """The experiments with what their documents show fetched in a few queries, their municipality included (one
    query for all: an ancestor looked up per page was 40 % of a rebuild's time)."""
    from experiments.models import ExemptionRequest, Provision
    from municipalities.models import MunicipalityPage

    pages = list(
        queryset.prefetch_related(
            "partners__municipality",
            Prefetch("exemption_requests", queryset=ExemptionRequest.objects.select_related("provision__law")),
            "evaluations__document",
            "learnings",
            "results",
            "status_events",
            "target_groups",
            "service_areas",
            "tags",
        )
    )
    municipalities = list(MunicipalityPage.objects.all())
    renumbering = Provision.objects.renumbering()
    for page in pages:
        page._renumbering = renumbering
        ancestors = [m for m in municipalities if page.path.startswith(m.path) and m.depth < page.depth]
        # As ExperimentPage.municipality finds it: the first ancestor in tree order.
        page.__dict__["municipality"] = min(ancestors, key=lambda m: m.depth) if ancestors else None
    return pages


def experiments_showing(field: str):
    """The live experiments whose document shows the name of an object reached by `field` (a lookup path)."""

    def find(obj):
        from experiments.models import ExperimentPage

        return ExperimentPage.objects.live().filter(**{field: obj}).distinct()

    return find


def experiments_of_municipality(municipality):
    """The live experiments that show the municipality's name: its own (under its page) and its partners'."""
    from django.db.models import Q

    from experiments.models import ExperimentPage

    return (
        ExperimentPage.objects.live()
        .filter(Q(path__startswith=municipality.path) | Q(partners__municipality=municipality))
        .distinct()
    )


def experiments_of_provision_family(provision):
    """The live experiments that show a provision: those that sought it or a provision it was renumbered from or
    to (their documents count the family as one, see `_with_renumbered`)."""
    from experiments.models import ExperimentPage, Provision

    family = Provision.objects.filter(pk=provision.pk).with_renumbered()
    return ExperimentPage.objects.live().filter(exemption_requests__provision__in=family).distinct()


def register_searchable():
    from experiments.models import ExperimentPage, Law, Provision, ServiceArea, TargetGroup
    from municipalities.models import MunicipalityPage

    register(
        ExperimentPage,
        kind="forsoeg",
        label=_("Forsøg"),
        build=build_experiment,
        prepare=prepare_experiments,
    )
    register_abbreviations(ABBREVIATIONS)
    register_legal_vocabulary(
        find_references=find_references,
        find_law=find_law,
        resolve_provisions=resolve_provisions,
    )
    # Renamed, these are found by their new names at once (labels of facets included).
    register_shown_in(TargetGroup, experiments_showing("target_groups"), fields=["name", "slug"])
    register_shown_in(ServiceArea, experiments_showing("service_areas"), fields=["name", "slug"])
    # Renumbered in the admin ("erstattet af"), the pages of the family before and after are indexed again.
    register_shown_in(Provision, experiments_of_provision_family)
    register_shown_in(Law, experiments_showing("exemption_requests__provision__law"))
    register_shown_in(MunicipalityPage, experiments_of_municipality, fields=["title", "slug"])
