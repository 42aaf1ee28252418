"""What the importer keeps between files: each municipality's own words for the registry's vocabularies, and an
uploaded file waiting for its coordinator to confirm the preview in the admin."""

import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.text import ascii_fold


def fold_term(text: str) -> str:
    """A term as files write it, folded for comparison: case, accents, æ/ø/å spelling, dashes and spacing ignored.

    "Unge 18–29 år", "unge 18-29 aar" and "UNGE  18 - 29 ÅR" fold to the same "unge 18 29 aar".
    """
    return " ".join(re.sub(r"[\W_]+", " ", ascii_fold(str(text))).split())


class VocabularyKind(models.TextChoices):
    TARGET_GROUP = "target_group", _("målgruppe")
    SERVICE_AREA = "service_area", _("fagområde")


class VocabularyMapping(models.Model):
    """A municipality's own word for one of the registry's target groups or service areas, confirmed once.

    The importer reads "Jobcenteret" or "Unge 18–29 år" in that municipality's next files as the registry's word it
    maps to. `source_text` is stored folded (see `fold_term`), so the spelling of later files does not matter.
    """

    municipality = models.ForeignKey(
        "municipalities.MunicipalityPage",
        verbose_name=_("kommune"),
        related_name="vocabulary_mappings",
        on_delete=models.CASCADE,
    )
    kind = models.CharField(_("slags"), max_length=20, choices=VocabularyKind.choices)
    source_text = models.CharField(
        _("kommunens ord"), max_length=255, help_text=_("Ordet, som det står i kommunens filer.")
    )
    target_group = models.ForeignKey(
        "experiments.TargetGroup",
        verbose_name=_("målgruppe"),
        null=True,
        blank=True,
        related_name="mappings",
        on_delete=models.CASCADE,
    )
    service_area = models.ForeignKey(
        "experiments.ServiceArea",
        verbose_name=_("fagområde"),
        null=True,
        blank=True,
        related_name="mappings",
        on_delete=models.CASCADE,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("egen betegnelse")
        verbose_name_plural = _("egne betegnelser")
        ordering = ["municipality__title", "kind", "source_text"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "kind", "source_text"], name="unique_vocabulary_mapping"),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="target_group", target_group__isnull=False, service_area__isnull=True)
                    | models.Q(kind="service_area", service_area__isnull=False, target_group__isnull=True)
                ),
                name="vocabulary_mapping_target_matches_kind",
            ),
        ]

    def __str__(self):
        return f"{self.source_text} → {self.target}"

    @property
    def target(self):
        return self.target_group if self.kind == VocabularyKind.TARGET_GROUP else self.service_area

    def clean(self):
        super().clean()
        self.source_text = fold_term(self.source_text)
        if not self.source_text:
            raise ValidationError({"source_text": _("Skriv kommunens ord.")})
        if self.kind == VocabularyKind.TARGET_GROUP:
            self.service_area = None
            if self.target_group is None:
                raise ValidationError({"target_group": _("Vælg den målgruppe, ordet svarer til.")})
        elif self.kind == VocabularyKind.SERVICE_AREA:
            self.target_group = None
            if self.service_area is None:
                raise ValidationError({"service_area": _("Vælg det fagområde, ordet svarer til.")})

    def save(self, *args, **kwargs):
        self.source_text = fold_term(self.source_text)
        super().save(*args, **kwargs)


class PendingImport(models.Model):
    """An uploaded file between the admin's preview and its confirmation, visible to its uploader only.

    Kept as a row rather than in the session so that a file of several megabytes does not ride along with every
    request; a confirmed or abandoned upload is deleted (abandoned ones after a day, see `experiments.admin_import`).
    """

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", on_delete=models.CASCADE)
    municipality = models.ForeignKey("municipalities.MunicipalityPage", related_name="+", on_delete=models.CASCADE)
    filename = models.CharField(max_length=255)
    data = models.BinaryField()
    publish = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("uploadet importfil")
        verbose_name_plural = _("uploadede importfiler")

    def __str__(self):
        return self.filename
