"""The "today" home: what needs each member's attention now, gathered from every app.

The portal is the bottom layer and knows no cases, referrals or fairs: each app registers a provider in its
`AppConfig.ready` (as it registers its navigation) that returns counts with links for the signed-in member.
A provider runs a fixed number of aggregate queries for the member's roles, never one per row, so the home
page costs the same with ten cases or a million (tests/portal/test_today_home.py pins it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from portal.access import Access


@dataclass(frozen=True)
class TodayItem:
    """One line of the home page: "3 follow-ups overdue", linking to where they are dealt with."""

    label: str
    count: int
    url: str = ""
    urgent: bool = False  # overdue or waiting on this person: shown first, marked


TodayProvider = Callable[[Access], list[TodayItem]]
_providers: list[TodayProvider] = []


def register_today(provider: TodayProvider) -> None:
    """Add an app's provider of home-page lines (called from its AppConfig.ready)."""
    if provider not in _providers:
        _providers.append(provider)


def today_items(access: Access) -> list[TodayItem]:
    """Every provider's lines for `access`: urgent ones first, then in the order the apps registered."""
    items = [item for provider in _providers for item in provider(access)]
    return sorted(items, key=lambda item: not item.urgent)
