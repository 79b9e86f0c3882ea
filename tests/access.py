"""Building blocks of access-matrix rows: roles and the usual status patterns."""

from __future__ import annotations

ROLES = [
    "anonymous",
    "returnee",
    "counsellor",
    "centre_manager",
    "country_coordinator",
    "programme_analyst",
    "partner",
    "employer",
    "editor",
    "admin",
    "dpo",
]
STAFF = [r for r in ROLES if r not in ("anonymous", "returnee")]
TEAM_MANAGERS = ["centre_manager", "country_coordinator", "admin"]


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def signed_in(status: int, *, anonymous: int = 302, **overrides: int) -> dict[str, int]:
    row = dict.fromkeys(ROLES, status)
    row["anonymous"] = anonymous
    row.update(overrides)
    return row


def only(roles: list[str], status: int = 200, *, others: int = 404) -> dict[str, int]:
    row = dict.fromkeys(ROLES, others)
    row["anonymous"] = 302
    row.update(dict.fromkeys(roles, status))
    return row
