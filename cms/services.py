"""Writes of the information site: editor scoping (Wagtail page permissions per country)."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from cms.audit import CmsAudit
from portal.access import Role, unscoped
from portal.audit import record_event
from portal.models import Country, Membership, User

# What a country's editors may do on its pages; publishing included, no locking or bulk deletion.
EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page")
# Images and documents: upload to, edit in and choose from the country's own collection.
EDITOR_MEDIA_PERMISSIONS = {
    "wagtailimages": ("add_image", "change_image", "choose_image"),
    "wagtaildocs": ("add_document", "change_document", "choose_document"),
}


def editor_group_name(country: Country) -> str:
    return f"Editors {country.code}"


def country_collection(country: Country) -> Collection:
    """The collection of one country's images and documents, under the root collection (made once)."""
    # Wagtail's migration makes the root collection; made here if a database was emptied since (a test's flush)
    root = Collection.get_first_root_node() or Collection.add_root(name="Root")
    name = f"Country {country.code}"
    existing = root.get_children().filter(name=name).first()
    return existing or root.add_child(name=name)


def grant_media_access(*, group: Group, country: Country) -> int:
    """Let the country's editors upload, edit and choose images and documents in its collection; the number
    of permissions added."""
    collection = country_collection(country)
    added = 0
    for app_label, codenames in EDITOR_MEDIA_PERMISSIONS.items():
        for permission in Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames):
            _grant, made = GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=permission
            )
            added += made
    return added


@transaction.atomic  # not durable: also part of sync_editor_group and of Wagtail's publishing (wagtail_hooks)
def grant_editor_access(*, country: Country) -> Group:
    """Give the editors' group of `country` add/change/publish on every CountryPage of it (in all locales),
    images and documents in the country's collection, access to the Wagtail admin and wagtail-localize's
    submit/sync permission (limited to those pages by cms/translation_access.py). Idempotent: run it again
    after new translations are made.
    Side effect: one audit line when a permission was added."""
    from cms.models import CountryPage
    from cms.translation_access import submit_translation_permission

    group, _created = Group.objects.get_or_create(name=editor_group_name(country))
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    group.permissions.add(submit_translation_permission())
    permissions = list(
        Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=EDITOR_PAGE_PERMISSIONS)
    )
    media_added = grant_media_access(group=group, country=country)
    added = 0
    pages = Page.objects.type(CountryPage).filter(countrypage__country=country)
    for page in pages:
        for permission in permissions:
            _grant, made = GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)
            added += made
    if added or media_added:
        record_event(
            actor=None,
            action=CmsAudit.EDITOR_ACCESS_GRANTED,
            target=None,
            details={
                "country": country.code,
                "group": group.pk,
                "permissions_added": added,
                "media_permissions_added": media_added,
            },
        )
    return group


@transaction.atomic  # not durable: also part of the demo seed's transaction (devtools.demo.cms)
def sync_editor_group(*, user: User) -> list[Group]:
    """Put `user` in the editors' group of each country they are an active editor of, and out of the others."""
    with unscoped():
        countries = list(
            Country.objects.filter(
                pk__in=Membership.objects.filter(user=user, role=Role.EDITOR, is_active=True).values("country_id")
            )
        )
    wanted = [grant_editor_access(country=country) for country in countries]
    current = user.groups.filter(name__startswith="Editors ")
    user.groups.remove(*[group for group in current if group not in wanted])
    user.groups.add(*wanted)
    return wanted
