"""What the counselling views share: who may open them, the user's centre, a form about one case."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from counselling import selectors
from counselling.audit import CounsellingAudit
from counselling.models import CaseFile
from portal.access import CASEWORK_ROLES, unscoped
from portal.audit import record_read
from portal.errors import DomainError, apply_domain_error
from portal.http import AuthenticatedRequest
from portal.models import Centre, Membership, User
from portal.views import role_required

casework = role_required(*CASEWORK_ROLES)


def centre_for(request: AuthenticatedRequest) -> Centre:
    """The centre the user does casework at (their first such membership), or 404."""
    membership = request.access.primary(*CASEWORK_ROLES)
    if membership is None:
        raise Http404
    return membership.centre


def colleagues(centre_id: int) -> Any:
    """Active users doing casework at the centre, by name: who a follow-up can be assigned to."""
    with unscoped():
        user_ids = Membership.objects.filter(centre_id=centre_id, role__in=list(CASEWORK_ROLES), is_active=True).values(
            "user_id"
        )
    return User.objects.filter(pk__in=user_ids, is_active=True).order_by("full_name")


class SearchPage:
    """One page of search results without counting them all (issue #9, E3/E4): a COUNT would run the whole
    search a second time. It reads one row more than it shows, to know whether a next page exists."""

    def __init__(self, rows: list[Any], number: int, per_page: int) -> None:
        self.object_list = rows[:per_page]
        self.number = number
        self.has_next = len(rows) > per_page
        self.has_previous = number > 1
        self.next_page_number = number + 1
        self.previous_page_number = number - 1

    @classmethod
    def of(cls, queryset: Any, page: str | None, *, per_page: int) -> SearchPage:
        number = int(page) if (page or "").isdigit() and int(page) > 0 else 1
        start = (number - 1) * per_page
        return cls(list(queryset[start : start + per_page + 1]), number, per_page)

    def __iter__(self) -> Any:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def client_case_url(request: AuthenticatedRequest, client: Any) -> str:
    """The page of the client's latest case the user may see (client pages live on the case page), or 404."""
    case = CaseFile.objects.visible_to(request.access).filter(client=client).order_by("-opened_on", "-pk").first()
    if case is None:
        raise Http404
    return reverse("counselling:case-detail", kwargs={"public_id": case.public_id})


def case_form_view(
    request: AuthenticatedRequest,
    public_id: UUID,
    form_class: type[forms.Form],
    save: Callable[[CaseFile, dict[str, Any]], Any],
    *,
    title: str,
    success: str,
    form_kwargs: Callable[[CaseFile], dict[str, Any]] | None = None,
    initial: Callable[[CaseFile], dict[str, Any]] | None = None,
    template: str = "counselling/case_form.html",
    multipart: bool = False,
) -> HttpResponse:
    """A form about one case: shown, validated, handed to a service; errors keep the input."""
    case = selectors.get_case(access=request.access, public_id=public_id)
    kwargs = form_kwargs(case) if form_kwargs else {}
    form = form_class(request.POST or None, request.FILES or None, initial=initial(case) if initial else None, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            save(case, form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, success)
            return redirect("counselling:case-detail", public_id=case.public_id)
    if request.method == "GET":
        record_read(request, case, action=CounsellingAudit.CASE_VIEWED)  # the page names the client
    return render(
        request,
        template,
        {"form": form, "case": case, "client": case.client, "title": title, "multipart": multipart},
    )
