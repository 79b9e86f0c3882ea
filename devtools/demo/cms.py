"""Demo content of the information site: the English tree, translated into the seven other languages
through wagtail-localize (translation memory + synchronised translations), and the editors' groups.

Idempotent: pages that exist are left as the editors made them; missing translations are created.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale, Page, Site
from wagtail_localize.models import StringSegment, StringTranslation, Translation, TranslationSource

from cms.models import (
    CentrePage,
    CountryPage,
    HelpContact,
    HomePage,
    InformationPage,
    NewsPage,
    OpportunitiesPage,
    Topic,
    TopicIndexPage,
)
from cms.services import grant_editor_access, sync_editor_group
from devtools.demo.cms_texts import TRANSLATIONS
from devtools.demo.portal import CENTRES
from portal.access import Role, unscoped
from portal.models import Centre, Country, Membership
from portal.site_url import site_host_and_port

CENTRE_INTRO = "Come by or call us: advice is free, confidential and available in several languages."
FAQ_HEADING = "Questions we often hear"


def _p(text: str) -> str:
    return f"<p>{text}</p>"


def _items(values: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """ListBlock items in Wagtail's current format, with stable ids: wagtail-localize needs the ids
    to extract the items' strings and to put their translations back in the right place."""
    return [
        {"type": "item", "id": str(uuid.uuid5(uuid.NAMESPACE_URL, repr(sorted(value.items())))), "value": value}
        for value in values
    ]


def _steps(heading: str, steps: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "type": "steps",
        "value": {"heading": heading, "steps": _items([{"title": title, "text": _p(text)} for title, text in steps])},
    }


def faq(items: list[tuple[str, str]], heading: str = FAQ_HEADING) -> dict[str, Any]:
    return {
        "type": "faq",
        "value": {"heading": heading, "items": _items([{"question": q, "answer": _p(a)} for q, a in items])},
    }


def callout(kind: str, title: str, text: str) -> dict[str, Any]:
    return {"type": "callout", "value": {"kind": kind, "title": title, "text": _p(text)}}


WORK_ABROAD_BODY = [
    {
        "type": "text",
        "value": _p(
            "Many countries recruit skilled workers legally, for example in care, construction and hospitality. "
            "A regular path means a written contract, a work visa and a fair salary."
        ),
    },
    callout(
        "warning",
        "Never pay for a job offer",
        "Recruiters who ask for money, keep your passport or promise a visa without a contract are a warning sign. "
        "Ask us to check the offer first.",
    ),
    _steps(
        "Your way to a job abroad",
        [
            (
                "Get advice at a centre",
                "We look at your skills, your documents and the countries that recognise your qualification.",
            ),
            (
                "Learn the language",
                "Most work visas require a language certificate. Ask us about free or low-cost courses.",
            ),
            (
                "Apply through official channels",
                "Use the embassy, the public employment service or a licensed agency, "
                "and keep copies of every document.",
            ),
        ],
    ),
    faq(
        [
            ("Does the advice cost anything?", "No. All advice at our centres is free and confidential."),
            (
                "Can you find me a job abroad?",
                "We do not place workers ourselves, but we show you official programmes and check offers with you.",
            ),
        ]
    ),
]

RETURNING_BODY = [
    {
        "type": "text",
        "value": _p(
            "Whether you return by choice or not, you do not have to start alone. "
            "Our counsellors know the local job market and the support programmes."
        ),
    },
    _steps(
        "Your first weeks back",
        [
            (
                "Register your return",
                "Renew your identity card and register with the local authorities; we tell you which office to visit.",
            ),
            (
                "Talk to a counsellor",
                "Together we make a plan: work, training, starting a business or further support.",
            ),
            (
                "Take care of yourself",
                "Returning can be stressful. Free psychosocial support is available, in person or by phone.",
            ),
        ],
    ),
    callout(
        "help",
        "You are not alone",
        "If you feel overwhelmed, call your nearest centre during opening hours. "
        "In an emergency, call the local emergency number.",
    ),
    faq(
        [
            (
                "Can I get help if I came back a long time ago?",
                "Yes. Our advice is open to everyone, however long ago you returned.",
            ),
            (
                "Do you share my information?",
                "Only with your consent, and only with the organisation you agreed to.",
            ),
        ]
    ),
]

NEWS_BODY = [
    {
        "type": "text",
        "value": _p("Call or write to your centre to book a time. You only need a phone with internet access."),
    }
]


@dataclass
class Spec:
    model: type[Page]
    slug: str
    title: str
    fields: dict[str, Any] = field(default_factory=dict)
    children: list[Spec] = field(default_factory=list)


# One country page per partner country with a centre, its centre pages under it (in the order of
# devtools.demo.portal.CENTRES): (country, slug, title, intro). The texts in other languages: cms_texts.
COUNTRY_PAGES: list[tuple[str, str, str, str]] = [
    ("GH", "ghana", "Ghana", "Our centres in Accra and Kumasi advise you on jobs, training and return."),
    ("RS", "serbia", "Serbia", "Our centres in Belgrade and Niš advise you on jobs, training and return."),
    (
        "MA",
        "morocco",
        "Morocco",
        "Our centres in Casablanca and Tangier advise you in Arabic and French on jobs, training and return.",
    ),
    (
        "PK",
        "pakistan",
        "Pakistan",
        "Our centres in Lahore and Islamabad advise you in Urdu and English on jobs, training and return.",
    ),
    ("EG", "egypt", "Egypt", "Our centre in Cairo advises you in Arabic and English on jobs, training and return."),
    (
        "AL",
        "albania",
        "Albania",
        "Our centre in Tirana advises you in Albanian and English on jobs, training and return.",
    ),
    ("GM", "the-gambia", "The Gambia", "Our centre in Banjul advises you in English on jobs, training and return."),
    ("IQ", "iraq", "Iraq", "Our centre in Erbil advises you in Arabic and English on jobs, training and return."),
    ("JO", "jordan", "Jordan", "Our centre in Amman advises you in Arabic and English on jobs, training and return."),
    (
        "XK",
        "kosovo",
        "Kosovo",
        "Our centre in Pristina advises you in Albanian and Serbian on jobs, training and return.",
    ),
    ("NG", "nigeria", "Nigeria", "Our centre in Lagos advises you in English on jobs, training and return."),
    ("SN", "senegal", "Senegal", "Our centre in Dakar advises you in French on jobs, training and return."),
    ("TN", "tunisia", "Tunisia", "Our centre in Tunis advises you in Arabic and French on jobs, training and return."),
    (
        "ID",
        "indonesia",
        "Indonesia",
        "Our centre in Jakarta advises you in Indonesian and English on jobs, training and return.",
    ),
]


def _country_pages(centres: dict[str, Centre], countries: dict[str, Country]) -> list[Spec]:
    """The country pages of the countries whose demo centres exist (a test may make only some of them)."""
    slugs_by_country: dict[str, list[str]] = {}
    for country, slug, *_rest in CENTRES:
        slugs_by_country.setdefault(country, []).append(slug)
    pages = []
    for code, slug, title, intro in COUNTRY_PAGES:
        slugs = slugs_by_country[code]
        if code not in countries or not all(centre in centres for centre in slugs):
            continue
        children = [
            Spec(CentrePage, centre, centres[centre].name, {"centre": centres[centre], "intro": CENTRE_INTRO})
            for centre in slugs
        ]
        pages.append(Spec(CountryPage, slug, title, {"country": countries[code], "intro": intro}, children))
    return pages


def _tree(centres: dict[str, Centre], countries: dict[str, Country]) -> Spec:
    return Spec(
        HomePage,
        "home",
        "Jobs, migration and a new start",
        {
            "intro": "Free and confidential advice on finding work at home or abroad, "
            "on safe migration and on returning."
        },
        [
            *_country_pages(centres, countries),
            Spec(
                TopicIndexPage,
                "topics",
                "Topics",
                {"intro": "Reliable information, sorted by topic."},
                [
                    Spec(
                        InformationPage,
                        "work-abroad-safely",
                        "Safe and regular ways to work abroad",
                        {
                            "topic": Topic.REGULAR_MIGRATION,
                            "intro": "What you need before you go, and how to recognise a trustworthy offer.",
                            "body": WORK_ABROAD_BODY,
                        },
                    ),
                    Spec(
                        InformationPage,
                        "returning-home",
                        "Returning home: first steps",
                        {
                            "topic": Topic.RETURN_REINTEGRATION,
                            "intro": "Coming back is a new start. We help you with documents, work and well-being.",
                            "body": RETURNING_BODY,
                        },
                    ),
                ],
            ),
            Spec(
                NewsPage,
                "video-counselling",
                "Counselling now also by video call",
                {
                    "intro": "If you cannot come to a centre, you can now talk to a counsellor by video.",
                    "body": NEWS_BODY,
                },
            ),
            Spec(
                OpportunitiesPage,
                "opportunities",
                "Trainings, job fairs and vacancies",
                {
                    "intro": "Current offers from our partners. "
                    "Filter by country, language and whether they take place online."
                },
            ),
        ],
    )


def ensure_locales() -> dict[str, Locale]:
    """One Wagtail locale per interface language."""
    return {code: Locale.objects.get_or_create(language_code=code)[0] for code, _name in settings.LANGUAGES}


def _root(locale: Locale) -> Page:
    root = Page.get_first_root_node()
    if root is None:  # a flushed database (browser tests) has no tree at all
        root = Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    return root


def _ensure_page(parent: Page, spec: Spec, locale: Locale) -> tuple[Page, bool]:
    siblings = parent.get_children().exact_type(spec.model).filter(locale=locale)
    existing = siblings.filter(slug=spec.slug).first()
    # A country's or centre's page whose slug an editor changed is still that country's or centre's page.
    if existing is None and spec.model is CountryPage:
        existing = siblings.filter(countrypage__country=spec.fields["country"]).first()
    elif existing is None and spec.model is CentrePage:
        existing = siblings.filter(centrepage__centre=spec.fields["centre"]).first()
    if existing is not None:
        return existing.specific, False
    # Wagtail's initial "Welcome" page holds the slug "home" at the top: move it aside (removed below).
    clash = parent.get_children().filter(slug=spec.slug).exact_type(Page).filter(numchild=0)
    clash.update(slug=f"{spec.slug}-wagtail-welcome")
    page = spec.model(title=spec.title, slug=spec.slug, locale=locale, **spec.fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page, True


def _point_site_at(home: Page) -> None:
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        hostname, port = site_host_and_port()  # SITE_URL's, as `migrate` keeps it (cms/links.py)
        Site.objects.create(hostname=hostname, port=port, root_page=home, is_default_site=True, site_name="Portal")
        return
    if site.root_page_id == home.pk:
        return
    old = site.root_page
    site.root_page = home
    site.save()
    # Wagtail's initial "Welcome" page: a bare Page with nothing under it.
    if old.specific_class is Page and old.depth == 2 and not old.numchild:
        old.delete()


def translate_page(page: Page, locales: list[Locale]) -> int:
    """Create (or update) the synchronised translations of `page` from the demo translation memory."""
    # From the database: an in-memory StreamField value would give list items new ids on every load.
    page = page.specific_class.objects.get(pk=page.pk)
    source, _created = TranslationSource.update_or_create_from_instance(page)
    segments = list(StringSegment.objects.filter(source=source).select_related("string", "context"))
    made = 0
    for locale in locales:
        for segment in segments:
            text = TRANSLATIONS.get(segment.string.data, {}).get(locale.language_code)
            if text:
                StringTranslation.objects.update_or_create(
                    translation_of=segment.string,
                    locale=locale,
                    context=segment.context,
                    defaults={"data": text, "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL},
                )
        translation, _created = Translation.objects.update_or_create(
            source=source, target_locale=locale, defaults={"enabled": True}
        )
        if page.get_translation_or_none(locale) is None:
            translation.save_target(publish=True)
            made += 1
    return made


def _repair_child_counts() -> None:
    """wagtail-localize publishes each new translation on commit from the revision object it made,
    whose tree counters date from before the translated children existed: publishing the translated
    parents last would leave them with numchild=0 (and their subtrees unreachable). Recount."""
    for page in Page.objects.filter(depth__gte=1).only("pk", "path", "depth", "numchild"):
        real = Page.objects.filter(path__startswith=page.path, depth=page.depth + 1).count()
        if real != page.numchild:
            Page.objects.filter(pk=page.pk).update(numchild=real)
    Site.clear_site_root_paths_cache()


@transaction.atomic
def seed() -> dict[str, int]:
    """Seed the information site. Returns counts of what exists or was created."""
    with unscoped():
        centres = {centre.slug: centre for centre in Centre.objects.select_related("country")}
        countries = {country.code: country for country in Country.objects.all()}
        if not {"gh-accra", "gh-kumasi", "rs-belgrade", "rs-nis"} <= centres.keys():
            return {"pages": 0}
        locales = ensure_locales()
        source_locale = locales[settings.LANGUAGE_CODE]
        targets = [locale for code, locale in locales.items() if code != settings.LANGUAGE_CODE]

        pages: list[Page] = []

        def build(parent: Page, spec: Spec) -> None:
            page, _created = _ensure_page(parent, spec, source_locale)
            pages.append(page)
            for child in spec.children:
                build(page, child)

        root = _root(source_locale)
        build(root, _tree(centres, countries))
        _point_site_at(pages[0])
        translations = sum(translate_page(page, targets) for page in pages)  # parents first: tree order
        if translations:
            transaction.on_commit(_repair_child_counts)  # after wagtail-localize's own on-commit publishing

        help_contacts = seed_help_contacts(countries=countries, locales=locales)
        for country in countries.values():
            if CountryPage.objects.filter(country=country).exists():
                grant_editor_access(country=country)
        editors = Membership.objects.filter(role=Role.EDITOR, is_active=True).select_related("user")
        for user in {membership.user for membership in editors}:
            sync_editor_group(user=user)
    return {
        "pages": len(pages),
        "translations_created": translations,
        "locales": len(locales),
        "editors": len({m.user_id for m in editors}),
        "help_contacts": help_contacts,
    }


# --- Help and emergency numbers of the footer ----------------------------------------------------------------
# National emergency numbers are the public ones; the IOM office lines are DEMO numbers (is_demo=True):
# plausible formats only, to be replaced by the real offices' numbers before going live.
POLICE, AMBULANCE, EMERGENCY = _("Police"), _("Ambulance"), _("Emergency (all services)")
IOM = _("IOM office: return and reintegration")
ALL_DAY, OFFICE_HOURS = _("24 hours"), _("Sun–Thu 9:00–16:00")
WEEKDAYS = _("Mon–Fri 9:00–17:00")
DEMO_NOTE = _("Demo number")
HELP_CONTACTS: dict[str, list[tuple[Any, str, Any, bool]]] = {
    "EG": [
        (POLICE, "122", ALL_DAY, False),
        (AMBULANCE, "123", ALL_DAY, False),
        (IOM, "+20 2 2736 5140", OFFICE_HOURS, True),
    ],
    "AL": [
        (EMERGENCY, "112", ALL_DAY, False),
        (POLICE, "129", ALL_DAY, False),
        (IOM, "+355 4 225 7836", WEEKDAYS, True),
    ],
    "GM": [(POLICE, "117", ALL_DAY, False), (AMBULANCE, "116", ALL_DAY, False), (IOM, "+220 449 7712", WEEKDAYS, True)],
    "GH": [
        (EMERGENCY, "112", ALL_DAY, False),
        (AMBULANCE, "193", ALL_DAY, False),
        (IOM, "+233 30 274 2930", WEEKDAYS, True),
    ],
    "IQ": [
        (POLICE, "104", ALL_DAY, False),
        (AMBULANCE, "122", ALL_DAY, False),
        (IOM, "+964 780 910 4720", OFFICE_HOURS, True),
    ],
    "JO": [(EMERGENCY, "911", ALL_DAY, False), (IOM, "+962 6 562 1340", OFFICE_HOURS, True)],
    "XK": [
        (EMERGENCY, "112", ALL_DAY, False),
        (POLICE, "192", ALL_DAY, False),
        (IOM, "+383 38 240 185", WEEKDAYS, True),
    ],
    "MA": [
        (POLICE, "19", ALL_DAY, False),
        (AMBULANCE, "15", ALL_DAY, False),
        (IOM, "+212 537 65 88 22", WEEKDAYS, True),
    ],
    "NG": [(EMERGENCY, "112", ALL_DAY, False), (IOM, "+234 9 461 4860", WEEKDAYS, True)],
    "PK": [
        (POLICE, "15", ALL_DAY, False),
        (AMBULANCE, "1122", ALL_DAY, False),
        (IOM, "+92 51 230 1550", WEEKDAYS, True),
    ],
    "SN": [
        (POLICE, "17", ALL_DAY, False),
        (AMBULANCE, "1515", ALL_DAY, False),
        (IOM, "+221 33 869 6200", WEEKDAYS, True),
    ],
    "RS": [
        (POLICE, "192", ALL_DAY, False),
        (AMBULANCE, "194", ALL_DAY, False),
        (IOM, "+381 11 243 4130", WEEKDAYS, True),
    ],
    "TN": [
        (POLICE, "197", ALL_DAY, False),
        (AMBULANCE, "190", ALL_DAY, False),
        (IOM, "+216 71 860 312", WEEKDAYS, True),
    ],
    "ID": [
        (EMERGENCY, "112", ALL_DAY, False),
        (POLICE, "110", ALL_DAY, False),
        (IOM, "+62 21 5795 1275", WEEKDAYS, True),
    ],
    "DE": [
        (EMERGENCY, "112", ALL_DAY, False),
        (POLICE, "110", ALL_DAY, False),
        (IOM, "+49 30 278 7780", WEEKDAYS, True),
    ],
}


def seed_help_contacts(*, countries: dict[str, Country], locales: dict[str, Locale]) -> int:
    """The footer's numbers for every country in every language (labels translated through gettext).

    Idempotent: one translation key per (country, position), rows updated in place. Returns the row count.
    """
    count = 0
    for code, contacts in HELP_CONTACTS.items():
        if code not in countries:
            continue
        for position, (label, phone, hours, demo) in enumerate(contacts):
            key = uuid.uuid5(uuid.NAMESPACE_URL, f"portal-help-contact:{code}:{position}")
            for language, locale in locales.items():
                with translation.override(language):
                    HelpContact.objects.update_or_create(
                        translation_key=key,
                        locale=locale,
                        defaults={
                            "country": countries[code],
                            "label": str(label),
                            "phone": phone,
                            "hours": str(hours),
                            "note": str(DEMO_NOTE) if demo else "",
                            "sort_order": position,
                            "is_demo": demo,
                        },
                    )
                count += 1
    return count
