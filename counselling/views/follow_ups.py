"""Follow-ups: added on a case, done, and the counsellor's own list."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from counselling import selectors, services
from counselling.forms import FollowUpForm
from counselling.models import CaseFile
from counselling.views.common import case_form_view, casework, colleagues
from portal.http import AuthenticatedRequest


@casework
@require_http_methods(["GET", "POST"])
def follow_up_create(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    def save(case: CaseFile, data: dict[str, Any]) -> Any:
        return services.add_follow_up(access=request.access, actor=request.user, case=case, **data)

    return case_form_view(
        request,
        public_id,
        FollowUpForm,
        save,
        title=_("Add a follow-up"),
        success=_("Follow-up added."),
        form_kwargs=lambda case: {"colleagues": colleagues(case.centre_id)},
    )


@casework
@require_POST
def follow_up_done(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    follow_up = selectors.get_follow_up(access=request.access, public_id=public_id)
    services.complete_follow_up(access=request.access, actor=request.user, follow_up=follow_up)
    messages.success(request, _("Follow-up done."))
    if request.POST.get("next") == "list":
        return redirect("counselling:follow-up-list")
    return redirect("counselling:case-detail", public_id=follow_up.case.public_id)


@casework
@require_GET
def follow_up_list(request: AuthenticatedRequest) -> HttpResponse:
    overdue_only = request.GET.get("overdue") == "1"
    follow_ups = selectors.list_my_follow_ups(access=request.access, overdue_only=overdue_only)
    page = Paginator(follow_ups, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "counselling/follow_up_list.html",
        {"page": page, "overdue_only": overdue_only, "today": timezone.localdate()},
    )
