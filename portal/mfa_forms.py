"""allauth's second-factor code forms, with the code box focused when the page opens.

The code is the only thing to do on these pages; typing it should not need a tap or a Tab first.
An error summary above the box (portal/form_error_summary.html) takes the focus instead when the
code was wrong: it comes first in the page, and a browser focuses the first `autofocus` element.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm


def _focus_code(form: AuthenticateForm | ReauthenticateForm) -> None:
    # No inputmode="numeric": recovery codes have letters.
    form.fields["code"].widget.attrs.update({"autofocus": True, "dir": "ltr"})


class PortalAuthenticateForm(AuthenticateForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _focus_code(self)


class PortalReauthenticateForm(ReauthenticateForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _focus_code(self)
