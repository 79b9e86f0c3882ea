"""The Save button on public listings: one query per page, whatever the number of items."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("returnees/save_form.html", takes_context=True)
def save_button(context: template.Context, kind: str, item: Any) -> dict[str, Any]:
    """A POST form (works without JavaScript) for signed-in returnees; nothing for anyone else."""
    request = context.get("request")
    access = getattr(request, "access", None)
    if request is None or access is None or not access.is_authenticated or access.has_membership:
        return {"show": False}
    keys = getattr(request, "_returnee_saved_keys", None)
    if keys is None:
        from cms.returnees.selectors import saved_keys

        keys = request._returnee_saved_keys = saved_keys(access=access)
    return {
        "show": True,
        "kind": kind,
        "item": item,
        "saved": (kind, item.pk) in keys,
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
