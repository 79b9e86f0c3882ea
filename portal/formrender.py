"""The project's form renderer: attributes every form field gets, whichever app or library made the form.

Set as ``FORM_RENDERER``, so allauth's sign-in, sign-up and second-factor forms get them too.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates

# Values that are always read left to right, whatever the page's language: phone numbers, e-mail
# addresses, web addresses, codes (client codes, check-in codes, one-time codes, ISCO codes) and the
# sign-in "login" (an e-mail address or a phone number). In an Arabic or Urdu page a phone number typed
# into a right-to-left box shows as "201001234567+"; dir="ltr" keeps it as typed.
_LTR_NAMES = re.compile(r"(^|_)(phone|phone_alt|email|login|contact|url|code|prefix)(_|$)|(_url|_code|_email|_phone)$")
_LTR_INPUT_TYPES = frozenset({"email", "url", "tel"})
_LTR_AUTOCOMPLETE = frozenset({"one-time-code", "email", "tel", "url", "username"})


def reads_left_to_right(bound: BoundField, widget: forms.Widget) -> bool:
    """Whether the field holds a phone number, an address, a link or a code (never a choice list)."""
    input_type = getattr(widget, "input_type", None)
    if input_type is None or input_type in ("checkbox", "radio", "hidden", "password", "file", "select"):
        return False
    if input_type in _LTR_INPUT_TYPES or widget.attrs.get("type") in _LTR_INPUT_TYPES:
        return True
    if widget.attrs.get("autocomplete") in _LTR_AUTOCOMPLETE:
        return True
    return input_type == "text" and bool(_LTR_NAMES.search(bound.name))


class PortalBoundField(BoundField):
    """A bound field whose widget reads left to right when its value does, and says when it is required."""

    def build_widget_attrs(self, attrs: dict[str, Any], widget: forms.Widget | None = None) -> dict[str, Any]:
        widget = widget or self.field.widget
        built = super().build_widget_attrs(attrs, widget)
        if reads_left_to_right(self, widget):
            built.setdefault("dir", "ltr")
        # Forms with `novalidate` or use_required_attribute=False still tell assistive technology.
        if self.field.required and not widget.is_hidden and not self.use_fieldset:
            built.setdefault("aria-required", "true")
        return built


class PortalFormRenderer(DjangoTemplates):
    """Django's default renderer with PortalBoundField for every form; ``{{ form }}`` as the portal shows forms."""

    bound_field_class = PortalBoundField
    form_template_name = "portal/form_fields.html"
