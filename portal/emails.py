"""Every portal e-mail is rendered here: in the recipient's language, direction and time zone, as HTML with a
plain-text alternative, from the portal's sender (with the centre's name and reply address when it concerns one).

An app writes two templates per kind of mail, ``<app>/email/<kind>_subject.txt`` and ``<kind>_body.txt`` (plain
text: paragraphs separated by blank lines, "- " list items, links on their own or at the end of a line), and
calls `send_email(prefix, recipient=..., context=...)`. The HTML part is made from the same text
(`text_to_html`) inside one small inline-styled layout (``portal/email/layout.html``) with ``lang`` and ``dir``,
so both parts always say the same thing. allauth's mails (reset, verification, sign-in code) come through
`portal.adapters.AccountAdapter.render_mail`, which uses `build_message` too.

Links: every link to the portal is absolute on ``SITE_URL`` and inside the recipient's language prefix
(`localize_links` moves a link built in another language, e.g. a worker's English, into the recipient's).
Dates and times: the recipient's zone is active while rendering (`Recipient.zone`), the language's formats
apply (portal/formats). Mails carry codes, dates and links, never a client's name nor any free text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.headerregistry import Address
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from portal.access import unscoped
from portal.bidi import isolate_text
from portal.i18n_content import language_direction
from portal.models import Centre, StaffInvitation
from portal.site_url import absolute_url
from portal.timezones import valid_zone

INVITATION_SALT = "portal.staff-invitation"
INVITATION_MAX_AGE = 7 * 24 * 3600
LAYOUT = "portal/email/layout.html"
# Links are set in a Latin font: a Nastaliq font's own dots and slashes make an address hard to read.
LATIN = "font-family:'Segoe UI',Arial,sans-serif"

# A link in plain text ends at white space; a closing bracket or a full stop right after it is punctuation.
URL_RE = re.compile(r"https?://[^\s<>\"'\u2066-\u2069]+[^\s<>\"'\u2066-\u2069.,;:!?)\]]")


# --- Recipients -----------------------------------------------------------------


def recipient_language(code: object) -> str:
    """An interface language code for a saved language, or the site's default for an empty or unknown one."""
    known = {c.lower(): c for c, _name in settings.LANGUAGES}
    text = str(code or "").strip().lower().replace("_", "-")
    return known.get(text) or known.get(text.split("-")[0]) or settings.LANGUAGE_CODE


@dataclass(frozen=True)
class Recipient:
    """Who a mail goes to, and how they read it: an address, a language and an IANA zone name."""

    email: str
    language: str = ""
    zone: str = ""

    @classmethod
    def of(cls, user: Any, *, zone: str | None = None) -> Recipient:
        """A user's address, saved language (the site's default when none) and zone (`zone_name_for`)."""
        from portal.timezones import zone_name_for

        return cls(
            email=user.email or "",
            language=recipient_language(getattr(user, "preferred_language", "")),
            zone=zone if zone is not None else zone_name_for(user),
        )

    @property
    def lang(self) -> str:
        return recipient_language(self.language)


def portal_name() -> str:
    """The portal's name in the active language (never the host name)."""
    return str(settings.PORTAL_NAME)


def sender_for(centre: Centre | None) -> tuple[str, list[str]]:
    """The From header and the Reply-To addresses of a mail, in the active language.

    The address is always DEFAULT_FROM_EMAIL's (the domain the mail server signs for); a mail about a centre
    carries the centre's name beside the portal's, and replies go to the centre's reply address (its public
    address when it has none). Without a centre nobody reads replies: there is no Reply-To.
    """
    _name, address = parseaddr(str(settings.DEFAULT_FROM_EMAIL))
    if centre is None:
        return _address(portal_name(), address), []
    reply_to = centre.reply_to_email or centre.email
    return _address(f"{centre.name} · {portal_name()}", address), [reply_to] if reply_to else []


def _address(name: str, address: str) -> str:
    """ "Name" <address>, quoted where needed; the mailer encodes a name in another script (RFC 2047)."""
    user, _at, domain = address.rpartition("@")
    return str(Address(display_name=name, username=user, domain=domain)) if user else address


# --- Links and HTML ---------------------------------------------------------------


def localize_links(text: str, language: str) -> str:
    """Every link on SITE_URL under a language prefix moved into `language`'s prefix (the path stays)."""
    prefixes = "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
    pattern = re.compile(re.escape(settings.SITE_URL) + rf"/(?:{prefixes})(?=/|$|[?#])", re.IGNORECASE)
    return pattern.sub(settings.SITE_URL + "/" + recipient_language(language), text)


def site_link(viewname: str, language: str, **kwargs: Any) -> str:
    """The absolute link (on SITE_URL) of a named URL in `language`."""
    with translation.override(recipient_language(language)):
        return absolute_url(reverse(viewname, kwargs=kwargs or None))


def _link(url: str, *, button: bool = False) -> str:
    href = escape(url)
    if button:
        return (
            f'<a href="{href}" style="display:inline-block;padding:10px 18px;background:#1d4f91;color:#ffffff;'
            f'border-radius:6px;text-decoration:none;font-weight:bold">{escape(_("Open the link"))}</a>'
            f'<br><span dir="ltr" style="{LATIN};font-size:12px;color:#4b5563;word-break:break-all">{href}</span>'
        )
    return f'<a href="{href}" dir="ltr" style="{LATIN};color:#1d4f91;word-break:break-all">{href}</a>'


def _text(text: str, rtl: bool) -> str:
    """Escaped text; in right-to-left mails brackets are set in the Latin font, whose mirrored glyphs every
    renderer draws the right way round (Noto Nastaliq Urdu's own brackets come out mirrored twice in Chromium)."""
    escaped = str(escape(text))
    if rtl:
        escaped = re.sub(r"[()\[\]]", lambda m: f'<span style="{LATIN}">{m.group(0)}</span>', escaped)
    return escaped


def _inline(line: str, rtl: bool = False) -> str:
    """One line of text as HTML: escaped, its links made links."""
    out: list[str] = []
    last = 0
    for match in URL_RE.finditer(line):
        out.append(_text(line[last : match.start()], rtl))
        out.append(_link(match.group(0)))
        last = match.end()
    out.append(_text(line[last:], rtl))
    return "".join(out)


def _flush(html: list[str], paragraph: list[str], items: list[str], side: str) -> None:
    if paragraph:
        html.append('<p style="margin:0 0 16px 0">' + "<br>".join(paragraph) + "</p>")
        paragraph.clear()
    if items:
        html.append(
            f'<ul style="margin:0 0 16px 0;padding:0;padding-{side}:24px">'
            + "".join(f'<li style="margin:0 0 6px 0">{item}</li>' for item in items)
            + "</ul>"
        )
        items.clear()


def text_to_html(text: str, *, direction: str = "ltr") -> SafeString:
    """The plain-text body as HTML: paragraphs, "- " lists, links; a link alone on its line becomes a button."""
    html: list[str] = []
    side = "right" if direction == "rtl" else "left"
    paragraph: list[str] = []
    items: list[str] = []
    for block in re.split(r"\n[ \t]*\n", text.strip()):
        for line in block.splitlines():
            stripped = line.strip()
            if not stripped:
                continue
            if stripped.startswith("- "):
                if paragraph:
                    _flush(html, paragraph, [], side)
                items.append(_inline(stripped[2:], side == "right"))
            elif URL_RE.fullmatch(stripped):
                _flush(html, paragraph, items, side)
                html.append(f'<p style="margin:0 0 16px 0">{_link(stripped, button=True)}</p>')
            else:
                if items:
                    _flush(html, [], items, side)
                paragraph.append(_inline(stripped, side == "right"))
        _flush(html, paragraph, items, side)
    return mark_safe("\n".join(html))  # noqa: S308 - every piece of text above is escaped


# --- Building and sending -------------------------------------------------------------


def _footer(centre: Centre | None, replies: list[str]) -> str:
    text = _("This message was sent automatically by the counselling portal.")
    if centre is not None and replies:
        text += " " + _("Your reply reaches %(centre)s.") % {"centre": isolate_text(centre.name)}
    return text


def build_message(
    *,
    subject: str,
    text: str,
    recipient: Recipient,
    centre: Centre | None = None,
    attachments: Sequence[tuple[str, str | bytes, str]] = (),
    headers: dict[str, str] | None = None,
) -> EmailMultiAlternatives:
    """A mail from rendered subject and text (rendered in `recipient`'s language): links moved into that
    language, the footer added, the HTML part made. Call it with the recipient's language active."""
    language = recipient.lang
    with translation.override(language):
        subject = " ".join(localize_links(str(subject), language).split())
        text = localize_links(str(text), language).strip()
        from_email, reply_to = sender_for(centre)
        footer = _footer(centre, reply_to)
        html = render_to_string(
            LAYOUT,
            {
                "subject": subject,
                "content": text_to_html(text, direction=language_direction(language)),
                "lang": language,
                "dir": language_direction(language),
                "portal_name": portal_name(),
                "centre": centre,
                "footer": footer,
                "home": site_link("portal:home", language),
            },
        )
    message = EmailMultiAlternatives(
        subject,
        f"{text}\n\n-- \n{footer}\n",
        from_email,
        [recipient.email],
        reply_to=reply_to,
        headers={"Content-Language": language, "Auto-Submitted": "auto-generated", **(headers or {})},
    )
    message.attach_alternative(html, "text/html")
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    return message


def render_email(
    prefix: str,
    *,
    recipient: Recipient,
    context: dict[str, Any],
    centre: Centre | None = None,
    attachments: Iterable[Any] = (),
) -> EmailMultiAlternatives:
    """Render ``<prefix>_subject.txt`` and ``<prefix>_body.txt`` in the recipient's language and zone.

    `attachments` are (name, content, mimetype) or callables returning one, called in the recipient's language
    and zone (a calendar file's description is written in it).
    """
    language = recipient.lang
    with translation.override(language), timezone.override(valid_zone(recipient.zone)):
        subject = render_to_string(f"{prefix}_subject.txt", context)
        text = render_to_string(f"{prefix}_body.txt", context)
        files = [item() if callable(item) else item for item in attachments]
        return build_message(subject=subject, text=text, recipient=recipient, centre=centre, attachments=files)


def send_email(
    prefix: str,
    *,
    recipient: Recipient,
    context: dict[str, Any],
    centre: Centre | None = None,
    attachments: Iterable[Any] = (),
) -> int:
    """Render and send one mail (queued in the outbox by the default mailer). Returns 1, or 0 without address."""
    if not recipient.email:
        return 0
    render_email(prefix, recipient=recipient, context=context, centre=centre, attachments=attachments).send()
    return 1


# --- Staff invitations --------------------------------------------------------------


def invitation_token(invitation: StaffInvitation) -> str:
    return signing.dumps(str(invitation.public_id), salt=INVITATION_SALT)


def invitation_from_token(token: str) -> StaffInvitation | None:
    """The invitation a token names, or None if it is forged, expired or unknown."""
    try:
        public_id = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.BadSignature:
        return None
    return StaffInvitation.objects.filter(public_id=public_id).select_related("membership__user").first()


def send_staff_invitation(*, invitation_id: int) -> None:
    """Send the invitation link in the invitee's language. Nothing is sent for a used invitation."""
    with unscoped():
        invitation = (
            StaffInvitation.objects.select_related("membership__user", "membership__centre", "invited_by")
            .filter(pk=invitation_id, accepted_at__isnull=True)
            .first()
        )
    if invitation is None:
        return
    user = invitation.membership.user
    recipient = Recipient(email=invitation.email, language=user.preferred_language, zone=user.time_zone)
    link = site_link("portal:invitation-accept", recipient.lang, token=invitation_token(invitation))
    context = {"invitation": invitation, "membership": invitation.membership, "link": link}
    send_email("portal/email/invitation", recipient=recipient, context=context, centre=invitation.membership.centre)
