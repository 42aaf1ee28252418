"""Reads of experiments and provisions shared by the progress view, the provision pages, the API and the feeds.

An experiment's municipality is its parent page, so the municipality's tree path is the experiment's path less one
step: `municipality_path()` lets aggregates group by municipality without a join, and `with_municipality()` adds the
owner as one JSON subquery, so a list of experiments and their municipalities is one query.
"""

from django.db.models import Count, F, JSONField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import JSONObject, Left, Length
from wagtail.models import Page

from core.visibility import visible_pages
from experiments.models import Decision, ExemptionRequest, ExperimentPage, Provision
from experiments.references import LegalReference
from municipalities.models import MunicipalityPage


def municipality_path(path="path"):
    """The tree path of the municipality above the experiment whose path is `path` (a field name or expression)."""
    path = F(path) if isinstance(path, str) else path
    return Left(path, Length(path) - Value(Page.steplen))


def visible_experiments(user) -> QuerySet[ExperimentPage]:
    """Live experiments `user` may read: every one for network readers, the public ones for everyone else."""
    return visible_pages(ExperimentPage.objects.all(), user)


def municipality_info(path: str = "path") -> Subquery:
    """{"id", "slug", "title"} of the municipality above the experiment whose path is in field `path`."""
    owner = MunicipalityPage.objects.filter(path=municipality_path(OuterRef(path))).values(
        info=JSONObject(id="id", slug="slug", title="title")
    )[:1]
    return Subquery(owner, output_field=JSONField())


def with_municipality(experiments: QuerySet[ExperimentPage]) -> QuerySet[ExperimentPage]:
    """Annotate `municipality_info` = {"id", "slug", "title"} of each experiment's owner municipality."""
    return experiments.annotate(municipality_info=municipality_info())


def municipalities_by_path() -> dict[str, MunicipalityPage]:
    """Every live municipality, keyed by tree path: one query, to label rows grouped by `municipality_path()`."""
    return {municipality.path: municipality for municipality in MunicipalityPage.objects.live().order_by("title")}


def decision_counts(prefix: str = "", *, filter: Q | None = None) -> dict:
    """Aggregates counting exemption requests per decision, named `decision_<key>`, plus `requests` in total."""
    counts = {"requests": Count(f"{prefix}pk", filter=filter, distinct=True)}
    for decision in Decision:
        only = Q(**{f"{prefix}decision": decision.value})
        counts[f"decision_{decision.value}"] = Count(
            f"{prefix}pk", filter=only if filter is None else filter & only, distinct=True
        )
    return counts


def provisions_with_counts(user, *, only_sought: bool = True) -> QuerySet[Provision]:
    """Provisions with the exemption requests of experiments `user` may read counted per decision.

    Annotates `requests`, `decision_<key>` for every Decision, and `municipality_count` (distinct owner
    municipalities). With `only_sought`, provisions no visible experiment sought are left out. One query.
    """
    visible = Q(exemption_requests__experiment__in=visible_experiments(user).values("pk"))
    provisions = Provision.objects.select_related("law")
    if only_sought:
        # Filtering on the relation before annotating restricts the counts to the same joined rows.
        return provisions.filter(visible).annotate(**_provision_counts())
    return provisions.annotate(**_provision_counts(visible))


def _provision_counts(only: Q | None = None) -> dict:
    counts = decision_counts("exemption_requests__", filter=only)
    counts["municipality_count"] = Count(
        municipality_path("exemption_requests__experiment__path"), filter=only, distinct=True
    )
    return counts


def provision_family(provision: Provision) -> list[Provision]:
    """The provision, the provisions it was renumbered from or to, and the narrower provisions under each of them.

    "SEL § 140" covers "SEL § 140, stk. 3": what was learnt about the parts is learnt about the whole.
    """
    lineage = provision.lineage()
    narrower = Q()
    for member in lineage:
        if member.stk is None:
            narrower |= Q(law_id=member.law_id, paragraph=member.paragraph, paragraph_end=member.paragraph_end)
        elif member.nr is None:
            narrower |= Q(
                law_id=member.law_id, paragraph=member.paragraph, paragraph_end=member.paragraph_end, stk=member.stk
            )
    family = {member.pk: member for member in lineage}
    if narrower:
        for member in Provision.objects.filter(narrower).select_related("law"):
            family.setdefault(member.pk, member)
    return sorted(family.values(), key=lambda p: (p.law.key, p.paragraph_number, p.paragraph, p.stk or 0, p.nr or 0))


def provisions_matching(reference: LegalReference) -> QuerySet[Provision]:
    """Provisions of any version of the law at this reference or narrower (a § matches its stk. and nr.)."""
    wanted = Q(law__key=reference.law, paragraph=reference.paragraph, paragraph_end=reference.paragraph_end)
    if reference.stk is not None:
        wanted &= Q(stk=reference.stk)
    if reference.nr is not None:
        wanted &= Q(nr=reference.nr)
    return Provision.objects.filter(wanted)


def exemptions_of(provisions, user) -> QuerySet[ExemptionRequest]:
    """Requests for `provisions` by experiments `user` may read, with experiment, municipality and provision."""
    return (
        ExemptionRequest.objects.filter(provision__in=provisions, experiment__in=visible_experiments(user).values("pk"))
        .annotate(municipality_info=municipality_info("experiment__path"))
        .select_related("provision__law", "experiment")
        .order_by("provision__law__key", "provision__paragraph_number", "experiment__title")
    )
