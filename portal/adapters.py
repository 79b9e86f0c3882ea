"""allauth adapters: where people land after signing in, who may sign up, and phone numbers.

Returnees may sign up and sign in with a phone number and a one-time SMS code
(`portal.sms`), or with a code mailed to their address. Staff never sign in
with a code nor by phone: a membership means e-mail, password and the second
factor (see `NoCodeSignInForStaffStage`, `AccountAdapter.authenticate` and
`AccountAdapter.get_reauthentication_methods`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.app_settings import EmailVerificationMethod
from allauth.account.stages import EmailVerificationStage, LoginStage
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.access import get_access
from portal.emails import Recipient, build_message, localize_links, portal_name, recipient_language
from portal.http import client_ip
from portal.phones import normalise_phone
from portal.site_url import absolute_url
from portal.sms import send_sms
from portal.timezones import valid_zone, zone_name_for


class PhoneNumberField(forms.CharField):
    """A phone number with its country code, stored as E.164; spaces, dashes and brackets allowed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label", gettext_lazy("Phone number"))
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault(
            "help_text", gettext_lazy("With the country code, e.g. +233 24 123 4567. We send you a code by SMS.")
        )
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "tel", "type": "tel", "inputmode": "tel"}))
        super().__init__(*args, **kwargs)

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if not value:
            return value
        normalised = normalise_phone(value)
        if normalised is None:
            raise ValidationError(
                _("This is not a valid phone number. Write it with the country code, e.g. +233 24 123 4567."),
                code="invalid_phone",
            )
        return normalised


def may_sign_in_by_code(user: Any) -> bool:
    """Only returnees sign in (or confirm who they are) with a code by SMS or e-mail, or by phone: everyone
    with a membership (or a superuser) signs in with e-mail, password and a second factor."""
    return not get_access(user).requires_mfa


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": gettext_lazy(
            "Too many failed sign-in attempts from this connection. Signing in from here is paused for 15 "
            "minutes; your account is not locked elsewhere. If you have forgotten your password, reset it."
        ),
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Returnees sign up themselves; staff come only by invitation (see portal.services)."""
        return True

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        if get_access(request.user).has_membership:
            return reverse("portal:staff-home")
        return reverse("returnees:dashboard")

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        return self.get_login_redirect_url(request)

    def get_login_stages(self) -> list[str]:
        stages = []
        for path in super().get_login_stages():
            if path == "allauth.account.stages.EmailVerificationStage":
                path = "portal.adapters.PerAccountEmailVerificationStage"
            stages.append(path)
            if path == "allauth.account.stages.LoginByCodeStage":
                stages.append("portal.adapters.NoCodeSignInForStaffStage")
        return stages

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        """A phone-only account has no e-mail (NULL, so that many can exist); messages come in the sign-up language."""
        user = super().save_user(request, user, form, commit=False)
        if not user.email:
            user.email = None
        language = translation.get_language() or settings.LANGUAGE_CODE
        if language in dict(settings.LANGUAGES):
            user.preferred_language = language
        if commit:
            user.save()
        return user

    def authenticate(self, request: HttpRequest, **credentials: Any) -> Any:
        """A password with a phone number signs in returnees only."""
        user = super().authenticate(request, **credentials)
        if user is not None and credentials.get("phone") and not credentials.get("email"):
            if not may_sign_in_by_code(user):
                return None
        return user

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """Failed sign-ins are counted per account *and* address (``ACCOUNT_RATE_LIMITS["login_failed"]``'s
        ``key``): a guesser pauses the account only for their own address, so nobody can lock the real
        person out, and one address is capped by the per-IP limits whatever accounts it tries."""
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{client_ip(request)}"

    def get_client_ip(self, request: HttpRequest) -> str:
        """allauth's rate limits and session list see the same address as the audit log (portal/http.py)."""
        ip = client_ip(request)
        if ip is None:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def get_reauthentication_methods(self, user: Any) -> list[dict]:
        """Staff confirm who they are with their password or second factor, never with a mailed code."""
        methods = super().get_reauthentication_methods(user)
        if user.is_authenticated and not may_sign_in_by_code(user):
            methods = [method for method in methods if method["id"] != "reauthenticate_by_code"]
        return methods

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """A sign-in code asked for a staff address is answered like an unknown address to the asker
        (`cms.returnees.forms.RequestLoginCodeForm`); the staff member is told how they do sign in.

        Every account mail is rendered here, in the request's language, and queued in the outbox by the
        default mailer (portal/mail.py): the worker sends it, so a mail server that is down delays it and
        never fails the request."""
        if template_prefix == "account/email/unknown_account":
            from allauth.account.models import EmailAddress

            holder = EmailAddress.objects.filter(email__iexact=email, verified=True).select_related("user").first()
            if holder is not None and not may_sign_in_by_code(holder.user):
                template_prefix = "account/email/staff_no_code"
        super().send_mail(template_prefix, email, context)

    def format_email_subject(self, subject: str) -> str:
        """The portal's name, in the reader's language, before the subject: never the host name."""
        return f"[{portal_name()}] {subject}"

    def render_mail(
        self,
        template_prefix: str,
        email: str | list[str],
        context: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> Any:
        """Every allauth mail through the portal's renderer (portal/emails.py): in the account's saved language
        and zone (the request's language for an address without an account), HTML with a text alternative,
        the portal's name as the site's, every link on SITE_URL inside the reader's language."""
        to = email if isinstance(email, str) else email[0]
        user = context.get("user") or _account_for(to)
        saved = getattr(user, "preferred_language", "") if user is not None else ""
        language = recipient_language(saved or translation.get_language())
        recipient = Recipient(email=to, language=language, zone=zone_name_for(user) if user is not None else "")
        with translation.override(language), timezone.override(valid_zone(recipient.zone)):
            site = MailSite(name=portal_name(), domain=urlsplit(settings.SITE_URL).netloc)
            context = {
                key: localize_links(absolute_url(value), language) if _is_link(value) else value
                for key, value in {**context, "current_site": site}.items()
            }
            rendered = render_to_string(f"{template_prefix}_subject.txt", context)
            subject = self.format_email_subject(" ".join(rendered.splitlines()).strip())
            text = render_to_string(f"{template_prefix}_message.txt", context)
            return build_message(subject=subject, text=text, recipient=recipient, headers=headers)

    # --- Phone numbers ------------------------------------------------------------------

    def phone_form_field(self, **kwargs: Any) -> forms.Field:
        return PhoneNumberField(**kwargs)

    def clean_phone(self, phone: str) -> str:
        normalised = normalise_phone(phone)
        if normalised is None:
            raise ValidationError(
                _("This is not a valid phone number. Write it with the country code, e.g. +233 24 123 4567."),
                code="invalid_phone",
            )
        return normalised

    def set_phone(self, user: Any, phone: str, verified: bool) -> None:
        user.phone = phone
        user.phone_verified = verified
        if user.pk:
            user.save(update_fields=["phone", "phone_verified"])

    def get_phone(self, user: Any) -> tuple[str, bool] | None:
        return (user.phone, user.phone_verified) if user.phone else None

    def set_phone_verified(self, user: Any, phone: str) -> None:
        if user.phone == phone and not user.phone_verified:
            user.phone_verified = True
            user.save(update_fields=["phone_verified"])

    def get_user_by_phone(self, phone: str) -> Any:
        from portal.models import User

        normalised = normalise_phone(phone)
        if normalised is None:
            return None
        return User.objects.filter(phone=normalised, is_active=True).first()

    def send_verification_code_sms(self, user: Any, phone: str, code: str, **kwargs: Any) -> None:
        """The code and nothing else about the person, in their language."""
        minutes = max(account_settings.PHONE_VERIFICATION_TIMEOUT, account_settings.LOGIN_BY_CODE_TIMEOUT) // 60
        with translation.override(getattr(user, "preferred_language", None) or settings.LANGUAGE_CODE):
            body = _("Your code for the counselling portal is %(code)s. It is valid for %(minutes)s minutes.") % {
                "code": code,
                "minutes": minutes,
            }
            body += " " + _("Do not share it with anyone.")
        send_sms(to=phone, body=body)

    def send_unknown_account_sms(self, phone: str, **kwargs: Any) -> None:
        user = self.get_user_by_phone(phone)
        if user is not None and not may_sign_in_by_code(user):
            # The number's own staff member: tell them how they do sign in (no code).
            body = _(
                "Staff accounts do not sign in with a code by SMS. Use your e-mail address, password and second factor."
            )
            send_sms(to=phone, body=body)
            return
        body = _("Someone asked for a sign-in code for this number, but no account uses it. You can sign up: %(url)s")
        send_sms(to=phone, body=body % {"url": settings.SITE_URL + reverse("account_signup")})

    def send_account_already_exists_sms(self, phone: str) -> None:
        body = _(
            "Someone tried to sign up with this number, but it already has an account. Sign in with a code: %(url)s"
        )
        send_sms(to=phone, body=body % {"url": settings.SITE_URL + reverse("account_login")})


@dataclass(frozen=True)
class MailSite:
    """What allauth's mail templates call `current_site`: the portal's name and SITE_URL's host."""

    name: str
    domain: str


def _is_link(value: object) -> bool:
    return isinstance(value, str) and value.startswith(("http://", "https://"))


def _account_for(address: str) -> Any:
    """The account an address belongs to (verified or not), or None."""
    from allauth.account.models import EmailAddress

    from portal.models import User

    if not address:
        return None
    held = EmailAddress.objects.filter(email__iexact=address).select_related("user").first()
    return held.user if held is not None else User.objects.filter(email__iexact=address).first()


class PerAccountEmailVerificationStage(EmailVerificationStage):
    """E-mail verification is mandatory for every account that has an e-mail address.

    allauth can make it mandatory only for everyone, which would require an
    e-mail address of people who sign up with a phone number (verified by
    SMS code instead). So the setting is "optional" and this stage makes it
    mandatory per login whenever there is an address (or no account yet).
    """

    def handle(self) -> tuple:
        user = self.login.user
        if user is None or self.login.email or user.email:
            self.login.email_verification = EmailVerificationMethod.MANDATORY
        else:
            self.login.email_verification = EmailVerificationMethod.NONE
        return super().handle()


class NoCodeSignInForStaffStage(LoginStage):
    """A sign-in by code (SMS or e-mail) is refused for staff, whatever else they have set up."""

    key = "portal_no_code_for_staff"

    def handle(self) -> tuple:
        from allauth.account.internal.flows.login import get_authentication_records

        user = self.login.user
        if user is None or may_sign_in_by_code(user):
            return None, True
        records = get_authentication_records(self.request, user)
        if records and records[-1].get("method") == "code":
            messages.error(
                self.request, _("Staff accounts sign in with their e-mail address, password and second factor.")
            )
            return self.abort(), False
        return None, True
