"""`manage.py demo_accounts [--json] [--totp EMAIL]`: the demo logins and their TOTP secrets."""

from __future__ import annotations

import json
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from devtools.demo.portal import DEMO_DOMAIN, current_totp
from portal.access import unscoped
from portal.models import Membership, User


class Command(BaseCommand):
    help = "List the demo logins (e-mail, password, role, scope, TOTP secret)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="Print a JSON list.")
        parser.add_argument("--totp", metavar="EMAIL", help="Print the current TOTP code of one account.")

    def handle(self, *args: Any, **options: Any) -> None:
        secrets = {
            a.user_id: decrypt(a.data["secret"])
            for a in Authenticator.objects.filter(type=Authenticator.Type.TOTP, user__email__endswith=f"@{DEMO_DOMAIN}")
        }
        if options["totp"]:
            user = User.objects.filter(email=options["totp"].lower()).first()
            if user is None or user.pk not in secrets:
                raise CommandError("No demo account with TOTP under that address.")
            self.stdout.write(current_totp(secrets[user.pk]))
            return
        rows = self.rows(secrets)
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            scope = row["centre"] or row["country"] or row["organisation"] or "-"
            self.stdout.write(f"{row['role']:<20} {row['email']:<45} {scope:<40} {row['totp_secret'] or ''}")
        self.stdout.write(f"password for all: {settings.DEMO_PASSWORD}")

    def rows(self, secrets: dict[int, str]) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        with unscoped():
            memberships = {
                m.user_id: m
                for m in Membership.objects.filter(user__email__endswith=f"@{DEMO_DOMAIN}", is_active=True)
                .select_related("centre", "organisation", "employer")
                .order_by("-pk")
            }
        for user in User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").order_by("pk"):
            membership = memberships.get(user.pk)
            rows.append(
                {
                    "email": user.email,
                    "password": settings.DEMO_PASSWORD,
                    "role": membership.role if membership else "returnee",
                    "centre": membership.centre.slug if membership and membership.centre else None,
                    "country": (membership.country_id or (membership.centre.country_id if membership.centre else None))
                    if membership
                    else None,
                    "organisation": (
                        (membership.organisation or membership.employer).name
                        if membership and (membership.organisation or membership.employer)
                        else None
                    ),
                    "totp_secret": secrets.get(user.pk),
                }
            )
        return rows
