"""Wagtail page models of the information site.

One tree per language: the English tree is the source, wagtail-localize keeps the
other seven in sync. Slugs (and the links to portal records) are synchronised, so
a page has the same path under every language prefix and the language switcher
(Django's `translate_url`) lands on the same page.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page, TranslatableMixin
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from cms.blocks import InformationStreamBlock, NewsStreamBlock
from cms.links import page_url
from cms.page_forms import CentrePageForm, SitePageForm
from cms.untranslated import fallback_parts


class Topic(models.TextChoices):
    REGULAR_MIGRATION = "regular_migration", _("Regular migration pathways")
    IRREGULAR_MIGRATION_RISKS = "irregular_migration_risks", _("Risks of irregular migration")
    RETURN_REINTEGRATION = "return_reintegration", _("Returning and reintegration")
    TRAINING_JOBS = "training_jobs", _("Training and jobs")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")


# The fields every page shares; slug is synchronised so that URLs differ only by the language prefix.
PAGE_TRANSLATABLE_FIELDS = [
    TranslatableField("title"),
    SynchronizedField("slug", overridable=False),
    TranslatableField("seo_title"),
    TranslatableField("search_description"),
]


class SitePage(Page):
    """Shared behaviour of the information site's pages: alternates for hreflang, the intro text."""

    intro = models.TextField(_("introduction"), blank=True, help_text=_("One or two sentences under the title."))

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    base_form_class = SitePageForm  # ASCII slugs, a translation keeps its source's slug (cms/page_forms.py)
    # The Arabic-script words without article and prefixes, one spelling of each letter (cms/search.py).
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("search_normalised")]
    translatable_fields = [*PAGE_TRANSLATABLE_FIELDS, TranslatableField("intro")]

    class Meta:
        abstract = True

    def alternates(self, request: HttpRequest | None = None) -> list[dict[str, str]]:
        """The live translations of this page (itself included), for hreflang links: one query."""
        pages = self.get_translations(inclusive=True).live().public().select_related("locale")
        return [{"lang": page.locale.language_code, "url": url} for page in pages if (url := page_url(page, request))]

    def search_normalised(self) -> str:
        """The normalised forms of the page's Arabic-script words, added to the search index (cms/search.py)."""
        from cms.search import normalised_forms

        texts = [self.title, self.intro, self.search_description]
        body = getattr(self, "body", None)
        if body is not None:
            texts += [str(text) for text in body.stream_block.get_searchable_content(body)]
        return normalised_forms(texts)

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["alternates"] = self.alternates(request)
        context["canonical_url"] = page_url(self, request)
        context["source_locale_code"] = settings.LANGUAGE_CODE
        # Parts still in the source language, marked by the templates (cms/untranslated.py).
        context["fallback"] = fallback_parts(self, preview=bool(getattr(request, "is_preview", False)))
        return context


class HomePage(SitePage):
    """The root of one language's tree; served at /<lang>/."""

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms.CountryPage",
        "cms.TopicIndexPage",
        "cms.InformationPage",
        "cms.NewsPage",
        "cms.OpportunitiesPage",
    ]
    template = "cms/home_page.html"

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from cms.selectors import list_home_sections

        context = super().get_context(request, *args, **kwargs)
        context.update(list_home_sections(home=self))
        return context


class CountryPage(SitePage):
    """What a person in (or from) one partner country needs: its centres and its information."""

    country = models.ForeignKey(
        "portal.Country", on_delete=models.PROTECT, related_name="cms_pages", verbose_name=_("country")
    )

    content_panels = [*SitePage.content_panels, FieldPanel("country")]
    translatable_fields = [*SitePage.translatable_fields, SynchronizedField("country", overridable=False)]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.CentrePage", "cms.InformationPage", "cms.NewsPage"]
    template = "cms/country_page.html"

    class Meta:
        verbose_name = _("country page")
        verbose_name_plural = _("country pages")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["children"] = self.get_children().live().public().specific().order_by("path")
        return context


class CentrePage(SitePage):
    """A centre's public page. Address, hours, contact and languages come from the Centre record (one source)."""

    centre = models.ForeignKey(
        "portal.Centre", on_delete=models.PROTECT, related_name="cms_pages", verbose_name=_("centre")
    )
    body = StreamField(InformationStreamBlock(), verbose_name=_("content"), blank=True)

    content_panels = [*SitePage.content_panels, FieldPanel("centre"), FieldPanel("body")]
    base_form_class = CentrePageForm  # only the centres of the country page it is under
    search_fields = [*SitePage.search_fields, index.SearchField("body")]
    translatable_fields = [
        *SitePage.translatable_fields,
        SynchronizedField("centre", overridable=False),
        TranslatableField("body"),
    ]
    parent_page_types = ["cms.CountryPage"]
    subpage_types: list[str] = []
    template = "cms/centre_page.html"

    class Meta:
        verbose_name = _("centre page")
        verbose_name_plural = _("centre pages")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from cms.appointments import empty_form
        from cms.selectors import language_names

        context = super().get_context(request, *args, **kwargs)
        context["centre_languages"] = language_names(self.centre.languages)
        if self.centre.is_active:
            context["appointment_form"] = empty_form(self.centre)
        return context


class TopicIndexPage(SitePage):
    """Lists the information pages below it, grouped by topic."""

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.InformationPage"]
    template = "cms/topic_index_page.html"

    class Meta:
        verbose_name = _("topic index")
        verbose_name_plural = _("topic indexes")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from cms.selectors import list_topics

        context = super().get_context(request, *args, **kwargs)
        context["topics"] = list_topics(index=self)
        return context


class InformationPage(SitePage):
    """An information page: text, FAQ, call-outs, step-by-step guides, contacts, videos, documents."""

    topic = models.CharField(_("topic"), max_length=32, choices=Topic.choices)
    body = StreamField(InformationStreamBlock(), verbose_name=_("content"))

    content_panels = [*SitePage.content_panels, FieldPanel("topic"), FieldPanel("body")]
    search_fields = [*SitePage.search_fields, index.SearchField("body"), index.FilterField("topic")]
    translatable_fields = [*SitePage.translatable_fields, SynchronizedField("topic"), TranslatableField("body")]
    parent_page_types = ["cms.HomePage", "cms.CountryPage", "cms.TopicIndexPage"]
    subpage_types: list[str] = []
    template = "cms/information_page.html"

    class Meta:
        verbose_name = _("information page")
        verbose_name_plural = _("information pages")


class NewsPage(SitePage):
    """A dated news item."""

    date = models.DateField(_("date"), default=timezone.localdate)
    body = StreamField(NewsStreamBlock(), verbose_name=_("content"))

    content_panels = [*SitePage.content_panels, FieldPanel("date"), FieldPanel("body")]
    search_fields = [*SitePage.search_fields, index.SearchField("body")]
    translatable_fields = [*SitePage.translatable_fields, SynchronizedField("date"), TranslatableField("body")]
    parent_page_types = ["cms.HomePage", "cms.CountryPage"]
    subpage_types: list[str] = []
    template = "cms/news_page.html"

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news items")


class OpportunitiesPage(SitePage):
    """Live trainings and services, job fairs and vacancies from the other apps, filtered with GET parameters."""

    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1
    template = "cms/opportunities_page.html"

    class Meta:
        verbose_name = _("opportunities page")
        verbose_name_plural = _("opportunities pages")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from cms.selectors import OpportunityFilters, list_opportunities

        context = super().get_context(request, *args, **kwargs)
        filters = OpportunityFilters.from_query(request.GET)
        context["filters"] = filters
        context["opportunities"] = list_opportunities(filters=filters)
        context["now"] = timezone.now()  # a fair whose registration has not opened yet says when it opens
        return context


class HelpContact(TranslatableMixin, models.Model):
    """An emergency or help number shown in the public footer: per country (or for everyone), per language.

    A snippet, translated with wagtail-localize like the pages; the number itself is synchronised.
    """

    country = models.ForeignKey(
        "portal.Country",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="help_contacts",
        verbose_name=_("country"),
        help_text=_("Leave empty for a contact that helps in every country."),
    )
    label = models.CharField(_("label"), max_length=120)
    phone = models.CharField(_("phone"), max_length=40)
    hours = models.CharField(_("hours"), max_length=120, blank=True)
    note = models.CharField(_("note"), max_length=240, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_demo = models.BooleanField(
        _("demo entry"), default=False, help_text=_("Seeded demo data: check before going live.")
    )

    panels = [
        FieldPanel("country"),
        FieldPanel("label"),
        FieldPanel("phone"),
        FieldPanel("hours"),
        FieldPanel("note"),
        FieldPanel("sort_order"),
        FieldPanel("is_demo"),
    ]
    translatable_fields = [
        SynchronizedField("country", overridable=False),
        TranslatableField("label"),
        SynchronizedField("phone"),
        TranslatableField("hours"),
        TranslatableField("note"),
        SynchronizedField("sort_order"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("help contact")
        verbose_name_plural = _("help contacts")
        ordering = ["country_id", "sort_order", "pk"]
        indexes = [models.Index(fields=["locale", "country", "sort_order"], name="helpcontact_footer_idx")]

    def __str__(self) -> str:
        return f"{self.label} ({self.phone})"
