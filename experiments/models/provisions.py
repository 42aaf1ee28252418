"""Laws, their provisions, and the exemptions experiments asked for.

A law is stored per version (LAB before and after lov nr. 548 af 7. maj 2019), and a provision belongs to one
version; `successors` link a renumbered provision to its new place (LAB §§ 27–30 → LAB § 40, stk. 1), to several
when it was split (LAB § 30 a → § 40, stk. 2 and § 44), and several may merge into one (LAB §§ 68 c and 68 g → § 36,
stk. 3), so the network can follow an exemption across rewrites of the law.
"""

import dataclasses
import re
import time

from django.db import DatabaseError, models, transaction
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.search import index

from experiments.models.choices import ApplicationRound, Decision, LegalBasis
from experiments.references import KNOWN_LAWS, LawInfo, LegalReference, format_reference, law_info


class LawQuerySet(models.QuerySet):
    def current(self):
        return self.filter(repealed_on__isnull=True)

    def current_version(self, key: str):
        """The version of law `key` in force now, or the newest one if all are repealed."""
        versions = self.filter(key=key).order_by(models.F("repealed_on").desc(nulls_first=True), "-in_force_from")
        return versions.first()


class Law(index.Indexed, models.Model):
    key = models.CharField(
        _("nøgle"), max_length=20, help_text=_("Samme nøgle for alle versioner af loven, fx SEL, LAB, SDPL.")
    )
    abbreviation = models.CharField(
        _("forkortelse"), max_length=60, help_text=_("Som den skrives: SEL, LAB, sygedagpengeloven.")
    )
    name = models.CharField(_("titel"), max_length=255)
    version_label = models.CharField(
        _("version"),
        max_length=255,
        blank=True,
        help_text=_("Lovens nummer og dato, fx lov nr. 548 af 7. maj 2019."),
    )
    eli_url = models.URLField(
        _("ELI-link"),
        blank=True,
        help_text=_("Retsinformations ELI, fx https://www.retsinformation.dk/eli/lta/2019/548"),
    )
    in_force_from = models.DateField(_("i kraft fra"), null=True, blank=True)
    repealed_on = models.DateField(_("ophævet"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("afløst af"),
        null=True,
        blank=True,
        related_name="predecessors",
        on_delete=models.SET_NULL,
    )

    objects = LawQuerySet.as_manager()

    panels = [
        FieldPanel("key"),
        FieldPanel("abbreviation"),
        FieldPanel("name"),
        MultiFieldPanel(
            [
                FieldPanel("version_label"),
                FieldPanel("eli_url"),
                FieldPanel("in_force_from"),
                FieldPanel("repealed_on"),
                FieldPanel("successor"),
            ],
            heading=_("Version"),
        ),
    ]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("abbreviation"),
        index.AutocompleteField("name"),
    ]

    class Meta:
        verbose_name = _("lov")
        verbose_name_plural = _("love")
        ordering = ["key", "-in_force_from"]
        constraints = [models.UniqueConstraint(fields=["key", "version_label"], name="unique_law_version")]

    def __str__(self):
        return f"{self.name} ({self.version_label})" if self.version_label else self.name


class LawsAddedInTheAdmin:
    """The laws of the catalogue that the parser does not know from KNOWN_LAWS, so a law added in the admin can be
    typed in a reference at once (experiments.references.use_more_laws). Read once and kept: a save or delete of a
    law in this process forgets them at once, other processes read them again after `max_age` seconds."""

    max_age = 60

    def __init__(self):
        self._laws: tuple[LawInfo, ...] | None = None
        self._read_at = 0.0

    def __call__(self) -> tuple[LawInfo, ...]:
        if self._laws is None or time.monotonic() - self._read_at > self.max_age:
            self._laws, self._read_at = self._read(), time.monotonic()
        return self._laws

    def forget(self, **kwargs) -> None:
        self._laws = None

    @staticmethod
    def _read() -> tuple[LawInfo, ...]:
        built_in = [law.key for law in KNOWN_LAWS]
        try:
            # A savepoint: before `migrate` made the table, the caller's transaction must go on unharmed.
            with transaction.atomic():
                versions = list(
                    Law.objects.exclude(key__in=built_in)
                    .order_by("key", models.F("repealed_on").desc(nulls_first=True), "-in_force_from")
                    .values_list("key", "abbreviation", "name")
                )
        except DatabaseError:
            return ()
        current = {}
        for key, abbreviation, name in versions:  # the version in force names the law
            current.setdefault(key, law_info(key, abbreviation, name))
        return tuple(current.values())


laws_added_in_the_admin = LawsAddedInTheAdmin()


def _paragraph_number(paragraph: str) -> int:
    match = re.match(r"\d+", paragraph)
    return int(match.group()) if match else 0


class ProvisionQuerySet(models.QuerySet):
    def matching(self, reference: LegalReference):
        """Provisions of any version of the reference's law with exactly this paragraph, stk. and nr."""
        return self.filter(
            law__key=reference.law,
            paragraph=reference.paragraph,
            paragraph_end=reference.paragraph_end,
            stk=reference.stk,
            nr=reference.nr,
        )

    def resolve(self, reference: LegalReference) -> "Provision":
        """The stored provision for `reference`, created under the law's current version when it is new."""
        existing = self.matching(reference).order_by(models.F("law__repealed_on").desc(nulls_first=True)).first()
        if existing:
            return existing
        law = Law.objects.current_version(reference.law) or _law_from_catalogue(reference.law)
        return self.create(
            law=law,
            paragraph=reference.paragraph,
            paragraph_end=reference.paragraph_end,
            stk=reference.stk,
            nr=reference.nr,
        )

    def renumbering(self) -> dict[int, list["Provision"]]:
        """Every provision that was renumbered, by id: its lineage (the provisions it was renumbered from or to, at
        any distance, itself included), with their laws. Provisions never renumbered are not in it. Two queries,
        however long the chains: the renumbering is a few dozen links, read whole.
        """
        links = list(Provision.successors.through.objects.values_list("from_provision_id", "to_provision_id"))
        group: dict[int, set[int]] = {}
        for old, new in links:
            merged = group.get(old, {old}) | group.get(new, {new})
            for pk in merged:
                group[pk] = merged
        provisions = Provision.objects.select_related("law").in_bulk(group) if group else {}
        lineages: dict[frozenset, list[Provision]] = {}
        renumbering = {}
        for pk, members in group.items():
            key = frozenset(members)
            if key not in lineages:
                lineages[key] = sorted((provisions[member] for member in members), key=_in_force_order)
            renumbering[pk] = lineages[key]
        return renumbering

    def with_renumbered(self) -> "ProvisionQuerySet":
        """These provisions and every provision they were renumbered from or to, at any distance: one subquery
        (a recursive walk over the "erstattet af" links), so a filter costs no query of its own."""
        inner_sql, params = self.order_by().values("pk").query.sql_with_params()
        link = Provision.successors.through._meta
        old = link.get_field("from_provision").column
        new = link.get_field("to_provision").column
        family = f"""
            WITH RECURSIVE family(id) AS (
                {inner_sql}
                UNION
                SELECT CASE WHEN link.{old} = family.id THEN link.{new} ELSE link.{old} END
                FROM family JOIN {link.db_table} AS link ON family.id IN (link.{old}, link.{new})
            )
            SELECT id FROM family
        """  # noqa: S608 (the query Django compiled, its parameters apart, and the link table's own names)
        return Provision.objects.filter(pk__in=RawSQL(family, params))  # noqa: S611 (as above)


def _in_force_order(provision) -> tuple:
    return (provision.law.in_force_from is not None, provision.law.in_force_from or 0, provision.pk)


def _law_from_catalogue(key: str) -> Law:
    info = next(info for info in KNOWN_LAWS if info.key == key)
    law, _created = Law.objects.get_or_create(
        key=info.key, version_label="", defaults={"abbreviation": info.abbreviation, "name": info.name}
    )
    return law


class Provision(index.Indexed, models.Model):
    law = models.ForeignKey(Law, verbose_name=_("lov"), related_name="provisions", on_delete=models.PROTECT)
    paragraph = models.CharField(_("paragraf"), max_length=20, help_text=_("Fx 140 eller 13 a."))
    paragraph_end = models.CharField(
        _("til paragraf"), max_length=20, blank=True, help_text=_("Ved intervaller som §§ 27–30.")
    )
    stk = models.PositiveSmallIntegerField(_("stk."), null=True, blank=True)
    nr = models.PositiveSmallIntegerField(_("nr."), null=True, blank=True)
    heading = models.CharField(
        _("overskrift"),
        max_length=255,
        blank=True,
        help_text=_("Hvad bestemmelsen handler om, fx handleplan for børn og unge."),
    )
    paragraph_number = models.PositiveIntegerField(editable=False, default=0, db_index=True)
    successors = models.ManyToManyField(
        "self",
        verbose_name=_("erstattet af"),
        symmetrical=False,
        blank=True,
        related_name="predecessors",
        help_text=_(
            "De bestemmelser, som denne blev til, da loven blev omskrevet: én, eller flere når den blev delt "
            "(LAB § 30 a blev til § 40, stk. 2 og § 44)."
        ),
    )

    objects = ProvisionQuerySet.as_manager()

    panels = [
        FieldPanel("law"),
        FieldPanel("paragraph"),
        FieldPanel("paragraph_end"),
        FieldPanel("stk"),
        FieldPanel("nr"),
        FieldPanel("heading"),
        FieldPanel("successors"),
    ]
    search_fields = [
        index.SearchField("heading"),
        index.SearchField("paragraph"),
        index.RelatedFields("law", [index.SearchField("abbreviation")]),
    ]

    class Meta:
        verbose_name = _("bestemmelse")
        verbose_name_plural = _("bestemmelser")
        ordering = ["law__key", "paragraph_number", "paragraph", "stk", "nr"]
        constraints = [
            models.UniqueConstraint(
                fields=["law", "paragraph", "paragraph_end", "stk", "nr"],
                name="unique_provision",
                nulls_distinct=False,
            )
        ]

    def __str__(self):
        return self.reference_text

    def save(self, *args, **kwargs):
        self.paragraph_number = _paragraph_number(self.paragraph)
        super().save(*args, **kwargs)

    @property
    def reference(self) -> LegalReference:
        return LegalReference(self.law.key, self.paragraph, self.paragraph_end, self.stk, self.nr)

    @property
    def reference_text(self) -> str:
        """The Danish citation, e.g. "SEL § 140, stk. 3", using this law version's own abbreviation."""
        without_law = format_reference(dataclasses.replace(self.reference, law=""))
        return f"{self.law.abbreviation} {without_law}"

    @property
    def current_text(self) -> str:
        """The citation with where the provision is now when it was renumbered, as "LAB § 30 a, nu § 40, stk. 2 og
        § 44" (a successor in another law names it: "SEL § 140 a, nu barnets lov § 110")."""
        successors = sorted(self.successors.all(), key=lambda p: (p.law.key, p.paragraph_number, p.paragraph, p.pk))
        if not successors:
            return self.reference_text
        now = [
            format_reference(dataclasses.replace(p.reference, law=""))
            if p.law.key == self.law.key
            else p.reference_text
            for p in successors
        ]
        listed = now[0] if len(now) == 1 else ", ".join(now[:-1]) + " " + str(_("og")) + " " + now[-1]
        return str(_("%(reference)s, nu %(now)s") % {"reference": self.reference_text, "now": listed})

    def successors_text(self) -> str:
        return "; ".join(successor.reference_text for successor in self.successors.all())

    successors_text.short_description = _("erstattet af")

    def lineage(self) -> list["Provision"]:
        """This provision with every predecessor and successor it was renumbered from or to (see `renumbering`)."""
        family = Provision.objects.renumbering().get(self.pk)
        return [self if member.pk == self.pk else member for member in family] if family else [self]


class ExemptionRequestQuerySet(models.QuerySet):
    def with_basis_end(self):
        """Those whose legal basis has an end date or an extension, their extensions fetched (the page's timeline)."""
        return (
            self.filter(models.Q(basis_ends_on__isnull=False) | models.Q(extensions__isnull=False))
            .distinct()
            .prefetch_related("extensions")
        )


class ExemptionRequest(Orderable):
    """One experiment's request to be exempted from one provision, and what the government decided."""

    experiment = ParentalKey("experiments.ExperimentPage", related_name="exemption_requests", on_delete=models.CASCADE)
    provision = models.ForeignKey(
        Provision, verbose_name=_("bestemmelse"), related_name="exemption_requests", on_delete=models.PROTECT
    )
    basis = models.CharField(_("hjemmel"), max_length=20, choices=LegalBasis.choices, blank=True)
    application_round = models.PositiveSmallIntegerField(
        _("ansøgningsrunde"), choices=ApplicationRound.choices, null=True, blank=True
    )
    applied_on = models.DateField(_("ansøgt dato"), null=True, blank=True)
    decision = models.CharField(_("afgørelse"), max_length=20, choices=Decision.choices, default=Decision.APPLIED)
    decided_on = models.DateField(_("afgørelsesdato"), null=True, blank=True)
    ministry_reference = models.CharField(_("ministeriets journalnummer"), max_length=100, blank=True)
    legal_instrument = models.CharField(
        _("retsgrundlag"),
        max_length=255,
        blank=True,
        help_text=_("Fx bekendtgørelse eller lov, der giver fritagelsen."),
    )
    barrier = models.TextField(_("hvorfor reglen er en barriere"), blank=True)
    # The legal basis has its own expiry (lov nr. 658 af 8. juni 2017 allowed experiments until 31 Dec 2021), and
    # later laws extended some provisions more than once: each extension is an ExemptionExtension.
    basis_ends_on = models.DateField(
        _("hjemmel udløber"),
        null=True,
        blank=True,
        help_text=_("Den dato, hvor hjemlen til fritagelsen udløber, fx 31.12.2021."),
    )

    objects = ExemptionRequestQuerySet.as_manager()

    panels = [
        FieldPanel("reference"),
        FieldPanel("basis"),
        FieldPanel("application_round"),
        FieldPanel("applied_on"),
        FieldPanel("decision"),
        FieldPanel("decided_on"),
        FieldPanel("ministry_reference"),
        FieldPanel("legal_instrument"),
        FieldPanel("basis_ends_on"),
        FieldPanel("barrier"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("paragraffritagelse")
        verbose_name_plural = _("paragraffritagelser")

    def __str__(self):
        return f"{self.provision} ({self.get_decision_display()})"

    @property
    def basis_end(self):
        """When the legal basis ends after every extension: the latest of the end dates, or None if none is known."""
        dates = [self.basis_ends_on, *(extension.ends_on for extension in self.extensions.all())]
        return max((date for date in dates if date), default=None)


class ExemptionExtension(models.Model):
    """A later law or decision that moved the end of an exemption's legal basis to a new date."""

    exemption = models.ForeignKey(
        ExemptionRequest, verbose_name=_("paragraffritagelse"), related_name="extensions", on_delete=models.CASCADE
    )
    ends_on = models.DateField(_("ny slutdato"))
    legal_instrument = models.CharField(
        _("retsgrundlag"), max_length=255, blank=True, help_text=_("Fx lov nr. 2598 af 28. december 2021.")
    )
    decided_on = models.DateField(_("besluttet"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("exemption"),
        FieldPanel("ends_on"),
        FieldPanel("legal_instrument"),
        FieldPanel("decided_on"),
    ]

    class Meta:
        verbose_name = _("forlængelse af hjemmel")
        verbose_name_plural = _("forlængelser af hjemmel")
        ordering = ["exemption", "ends_on"]

    def __str__(self):
        return f"{self.exemption}: {self.ends_on:%d.%m.%Y}"
