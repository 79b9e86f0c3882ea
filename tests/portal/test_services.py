"""The account services outside invitations (those are in test_invitations.py): each with its audit line."""

from __future__ import annotations

from portal.models import User
from portal.services import set_preferred_language
from tests.audit import assert_audited


def test_preferred_language_is_remembered_and_audited(counsellor) -> None:
    set_preferred_language(user=counsellor.user, language="fr")
    assert User.objects.get(pk=counsellor.user.pk).preferred_language == "fr"
    assert_audited(
        "portal.user.language_changed", target=counsellor.user, actor=counsellor.user, details={"language": "fr"}
    )
