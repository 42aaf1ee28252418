"""Target groups and service areas: small editable vocabularies that experiments and articles are filtered by."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from core.text import danish_slug


class Vocabulary(index.Indexed, models.Model):
    name = models.CharField(_("navn"), max_length=255, unique=True)
    slug = models.SlugField(_("kort navn"), max_length=100, unique=True, allow_unicode=False)
    description = models.TextField(_("beskrivelse"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = danish_slug(self.name)
        super().save(*args, **kwargs)


class TargetGroup(Vocabulary):
    """A målgruppe, e.g. "aktivitetsparate uddannelseshjælpsmodtagere" or "borgere i ressourceforløb"."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("målgruppe")
        verbose_name_plural = _("målgrupper")


class ServiceArea(Vocabulary):
    """A fagområde, e.g. "Jobcenter" or "Børn, Unge og Familier"."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("fagområde")
        verbose_name_plural = _("fagområder")
