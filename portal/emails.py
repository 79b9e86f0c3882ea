"""E-mails, rendered in the recipient's language."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from portal.access import unscoped
from portal.models import StaffInvitation

INVITATION_SALT = "portal.staff-invitation"
INVITATION_MAX_AGE = 7 * 24 * 3600


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
    with translation.override(user.preferred_language):
        link = settings.SITE_URL + reverse("portal:invitation-accept", kwargs={"token": invitation_token(invitation)})
        context = {"invitation": invitation, "membership": invitation.membership, "link": link}
        subject = render_to_string("portal/email/invitation_subject.txt", context).strip()
        body = render_to_string("portal/email/invitation_body.txt", context)
    send_mail(subject, body, None, [invitation.email])
