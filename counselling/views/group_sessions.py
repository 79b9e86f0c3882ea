"""Group information sessions: the centre's list and a new one with its attendance."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from counselling import selectors, services
from counselling.forms import GroupSessionForm
from counselling.views.common import casework, centre_for
from portal.errors import DomainError, apply_domain_error
from portal.http import AuthenticatedRequest


@casework
@require_GET
def group_session_list(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(selectors.list_group_sessions(access=request.access), 50).get_page(request.GET.get("page"))
    return render(request, "counselling/group_session_list.html", {"page": page})


@casework
@require_http_methods(["GET", "POST"])
def group_session_create(request: AuthenticatedRequest) -> HttpResponse:
    centre = centre_for(request)
    form = GroupSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_group_session(
                access=request.access,
                actor=request.user,
                centre=centre,
                title=data["title"],
                held_on=data["held_on"],
                topics=data["topics"],
                participants=data["participants"],
                by_sex=form.breakdown("sex_"),
                by_age_band=form.breakdown("age_"),
                by_target_group=form.breakdown("group_"),
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Group session saved."))
            return redirect("counselling:group-session-list")
    return render(request, "counselling/group_session_form.html", {"form": form})
