"""The caseload and the case page: sessions, status, the reintegration plan, a new case."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from counselling import selectors, services
from counselling.audit import CounsellingAudit
from counselling.corrections import CORRECTABLE, may_correct
from counselling.forms import (
    AssignCounsellorForm,
    CaseloadFilterForm,
    CaseStatusForm,
    GoalForm,
    GoalStatusForm,
    SessionCorrectionForm,
    SessionForm,
)
from counselling.models import CaseFile
from counselling.timeline import describe
from counselling.views.common import SearchPage, case_form_view, casework, client_case_url
from portal.access import Role
from portal.audit import record_read
from portal.errors import DomainError, apply_domain_error
from portal.http import AuthenticatedRequest


@casework
@require_GET
def case_list(request: AuthenticatedRequest) -> HttpResponse:
    """My caseload: filters, search in any script, follow-ups due."""
    form = CaseloadFilterForm(request.GET or None)
    filters = selectors.CaseloadFilter(**form.cleaned_data) if form.is_valid() else selectors.CaseloadFilter()
    if form.errors.get("q"):  # a search that cannot be looked up ("al", "?!"): the form says why, nothing listed
        page_obj: Any = SearchPage([], 1, selectors.CASELOAD_PAGE)
    elif filters.q.strip():
        # Rank and cut the matches by id alone, then read the page's rows with what they show.
        ids = selectors.search_caseload_ids(access=request.access, filters=filters)
        page_obj = SearchPage.of(ids, request.GET.get("page"), per_page=selectors.CASELOAD_PAGE)
        page_obj.object_list = selectors.get_cases_in_order(access=request.access, ids=page_obj.object_list)
    else:
        cases = selectors.list_caseload(access=request.access, filters=filters)
        page_obj = Paginator(cases, selectors.CASELOAD_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "counselling/case_list.html",
        {"form": form, "page": page_obj, "query": query.urlencode(), "today": timezone.localdate()},
    )


@casework
@require_GET
def case_detail(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    detail = selectors.get_case_detail(access=request.access, public_id=public_id, actor=request.user)
    return render(
        request,
        "counselling/case_detail.html",
        {
            "detail": detail,
            "case": detail.case,
            "client": detail.case.client,
            "timeline": [(event, describe(event)) for event in detail.events],
            "status_form": CaseStatusForm(initial={"status": detail.case.status, "version": detail.case.version}),
            "goal_status_choices": GoalStatusForm.base_fields["status"].choices,
            "can_manage_data": detail.case.centre_id in request.access.centre_ids(Role.CENTRE_MANAGER),
            "today": timezone.localdate(),
        },
    )


@casework
@require_GET
def session_list(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    """Every session of a case (the case page shows the latest ones)."""
    found = selectors.get_case_sessions(
        access=request.access, public_id=public_id, actor=request.user, page=request.GET.get("page")
    )
    return render(
        request,
        "counselling/session_list.html",
        {
            "case": found.case,
            "client": found.case.client,
            "page": found.page,
            "readable_notes": found.readable_notes,
            "correctable": found.correctable,
        },
    )


@casework
@require_POST
def case_open(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    """A new case for a known client whose cases are all closed."""
    client = selectors.get_client(access=request.access, public_id=public_id)
    try:
        case = services.reopen_or_open_case(access=request.access, actor=request.user, client=client)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect(client_case_url(request, client))
    return redirect("counselling:case-detail", public_id=case.public_id)


@casework
@require_http_methods(["GET", "POST"])
def session_create(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    def save(case: CaseFile, data: dict[str, Any]) -> Any:
        return services.log_session(access=request.access, actor=request.user, case=case, **data)

    def initial(case: CaseFile) -> dict[str, Any]:
        language = translation.get_language()
        return {
            "held_at": timezone.localtime().replace(second=0, microsecond=0),
            "language": language if language in ("ar", "en", "fr", "de", "sq", "ur", "id") else "",
        }

    return case_form_view(
        request,
        public_id,
        SessionForm,
        save,
        title=_("Log a session"),
        success=_("Session saved."),
        initial=initial,
        template="counselling/session_form.html",
    )


@casework
@require_http_methods(["GET", "POST"])
def session_correct(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    """The author corrects a session within the correction window (`counselling.services.correct_session`)."""
    session = selectors.get_session(access=request.access, public_id=public_id)
    if not may_correct(request.access, session):
        raise Http404
    case = session.case
    initial = {name: getattr(session, name) for name in CORRECTABLE}
    initial["held_at"] = timezone.localtime(session.held_at)
    initial["version"] = session.version
    form = SessionCorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.correct_session(
                access=request.access,
                actor=request.user,
                session=session,
                expected_version=data["version"],
                reason=data["reason"],
                **{name: data[name] for name in CORRECTABLE},
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Session corrected."))
            return redirect("counselling:case-detail", public_id=case.public_id)
    if request.method == "GET":
        record_read(request, case, action=CounsellingAudit.CASE_VIEWED)  # the form shows the session's notes
    return render(
        request,
        "counselling/session_form.html",
        {"form": form, "case": case, "client": case.client, "title": _("Correct a session")},
    )


@casework
@require_http_methods(["GET", "POST"])
def case_status(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    def save(case: CaseFile, data: dict[str, Any]) -> Any:
        return services.change_case_status(
            access=request.access,
            actor=request.user,
            case=case,
            status=data["status"],
            expected_version=data["version"],
            closure_reason=data["closure_reason"],
        )

    return case_form_view(
        request,
        public_id,
        CaseStatusForm,
        save,
        title=_("Change the case status"),
        success=_("Status saved."),
        initial=lambda case: {"status": case.status, "version": case.version},
    )


@casework
@require_http_methods(["GET", "POST"])
def case_counsellor(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    """The centre's manager assigns (or reassigns) the case's counsellor; counsellors see no such page."""
    case = selectors.get_case(access=request.access, public_id=public_id)
    if case.centre_id not in request.access.centre_ids(Role.CENTRE_MANAGER):
        raise Http404

    def save(case: CaseFile, data: dict[str, Any]) -> Any:
        return services.assign_counsellor(
            access=request.access,
            actor=request.user,
            case=case,
            counsellor=data["counsellor"],
            expected_version=data["version"],
        )

    return case_form_view(
        request,
        public_id,
        AssignCounsellorForm,
        save,
        title=_("Assign a counsellor"),
        success=_("Counsellor saved."),
        form_kwargs=lambda case: {"caseworkers": services.centre_caseworkers(case.centre_id)},
        initial=lambda case: {"counsellor": case.counsellor_id, "version": case.version},
    )


@casework
@require_http_methods(["GET", "POST"])
def goal_create(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    def save(case: CaseFile, data: dict[str, Any]) -> Any:
        return services.add_goal(access=request.access, actor=request.user, case=case, **data)

    return case_form_view(request, public_id, GoalForm, save, title=_("Add a plan goal"), success=_("Goal added."))


@casework
@require_POST
def goal_status(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    goal = selectors.get_goal(access=request.access, public_id=public_id)
    form = GoalStatusForm(request.POST)
    if form.is_valid():
        try:
            services.set_goal_status(
                access=request.access,
                actor=request.user,
                goal=goal,
                status=form.cleaned_data["status"],
                expected_version=form.cleaned_data["version"],
            )
        except DomainError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, _("Choose a valid status."))
    return redirect("counselling:case-detail", public_id=goal.case.public_id)
