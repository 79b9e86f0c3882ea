"""Views of the counsellor's daily tool. Thin: parse, call a selector or a service, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from counselling import intake, selectors, services
from counselling.forms import (
    CaseloadFilterForm,
    CaseStatusForm,
    ClientEditForm,
    ConsentForm,
    DocumentForm,
    FollowUpForm,
    GoalForm,
    GoalStatusForm,
    GroupSessionForm,
    IntakeForm,
    SessionForm,
    TransferDecisionForm,
    TransferForm,
)
from counselling.models import CaseFile
from counselling.timeline import describe
from portal.access import CASEWORK_ROLES, Role, unscoped
from portal.audit import record_event, record_read
from portal.errors import DomainError, NotAllowed
from portal.models import Centre, Membership, User
from portal.views import role_required
from referrals.models import Organization

casework = role_required(*CASEWORK_ROLES)
CLIENT_DATA_FIELDS = (
    "given_name",
    "family_name",
    "name_native",
    "name_transliterated",
    "sex",
    "birth_date",
    "birth_year",
    "phone",
    "phone_alt",
    "email",
    "preferred_channel",
    "nationality",
    "current_location",
    "target_group",
    "education",
    "occupation",
    "skills",
    "languages",
)


def _apply_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal on the field it concerns, or on top of the form."""
    if isinstance(error, NotAllowed):
        raise Http404
    form.add_error(error.field if error.field in form.fields else None, str(error))


def _centre_for(request: HttpRequest) -> Centre:
    membership = request.access.primary(*CASEWORK_ROLES)
    if membership is None:
        raise Http404
    return membership.centre


def _colleagues(centre_id: int) -> Any:
    with unscoped():
        user_ids = Membership.objects.filter(centre_id=centre_id, role__in=list(CASEWORK_ROLES), is_active=True).values(
            "user_id"
        )
    return User.objects.filter(pk__in=user_ids, is_active=True).order_by("full_name")


# --- Caseload and case ----------------------------------------------------------------------


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


@casework
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    """My caseload: filters, search in any script, follow-ups due."""
    form = CaseloadFilterForm(request.GET or None)
    filters = selectors.CaseloadFilter(**form.cleaned_data) if form.is_valid() else selectors.CaseloadFilter()
    cases = selectors.list_caseload(access=request.access, filters=filters)
    if filters.q.strip():
        # Sort and cut the matches by id alone, then read the page's rows with what they show.
        page_obj: Any = SearchPage.of(
            cases.values_list("pk", flat=True), request.GET.get("page"), per_page=selectors.CASELOAD_PAGE
        )
        page_obj.object_list = selectors.get_cases_in_order(access=request.access, ids=page_obj.object_list)
    else:
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
def case_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
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
def session_list(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Every session of a case (the case page shows the latest ones)."""
    found = selectors.get_case_sessions(
        access=request.access, public_id=public_id, actor=request.user, page=request.GET.get("page")
    )
    return render(
        request,
        "counselling/session_list.html",
        {"case": found.case, "client": found.case.client, "page": found.page, "readable_notes": found.readable_notes},
    )


@casework
@require_http_methods(["GET", "POST"])
def client_create(request: HttpRequest) -> HttpResponse:
    """Intake: the client's details, then likely matches in scope before anything is created."""
    centre = _centre_for(request)
    # Opened from an appointment request: its details prefill the form, and the new client is linked to it.
    appointment = (
        intake.get_appointment(access=request.access, public_id=request.GET["appointment"])
        if (request.GET.get("appointment"))
        else None
    )
    if appointment is not None and appointment.centre_id != centre.pk:
        raise Http404
    initial = intake.client_initial(appointment) if appointment else None
    form = IntakeForm(request.POST or None, country_code=centre.country_id, centre=centre, initial=initial)
    matches: list[selectors.Match] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        matches = selectors.find_possible_duplicates(
            access=request.access,
            given_name=data["given_name"],
            family_name=data["family_name"],
            name_native=data["name_native"],
            phone=data["phone"],
            birth_date=data["birth_date"],
            country_code=centre.country_id,
        )
        if matches and not data["confirm_new"]:
            messages.warning(request, _("Someone like this may already be registered. Check the list below."))
        else:
            try:
                case = services.register_client(
                    access=request.access,
                    actor=request.user,
                    centre=centre,
                    consent_method=data["consent_method"],
                    consent_witness=data["consent_witness"],
                    code=data["code"],
                    **{k: data[k] for k in CLIENT_DATA_FIELDS},
                )
            except DomainError as error:
                _apply_error(form, error)
            else:
                if appointment is not None:
                    intake.link_appointment_client(actor=request.user, appointment=appointment, client=case.client)
                messages.success(request, _("Client %(code)s registered.") % {"code": case.client.code})
                return redirect("counselling:case-detail", public_id=case.public_id)
    return render(request, "counselling/client_form.html", {"form": form, "matches": matches, "intake": True})


@casework
@require_http_methods(["GET", "POST"])
def client_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    client = selectors.get_client(access=request.access, public_id=public_id)
    initial = {k: getattr(client, k) for k in (*CLIENT_DATA_FIELDS, "vulnerabilities")}
    form = ClientEditForm(request.POST or None, initial=initial, country_code=client.centre.country_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_client(
                access=request.access,
                actor=request.user,
                client=client,
                vulnerabilities=data["vulnerabilities"],
                **{k: data[k] for k in CLIENT_DATA_FIELDS},
            )
        except DomainError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(_client_case_url(request, client))
    if request.method == "GET":
        record_read(request, client)  # the form shows the name, contacts and vulnerabilities
    return render(request, "counselling/client_form.html", {"form": form, "client": client, "intake": False})


def _client_case_url(request: HttpRequest, client: Any) -> str:
    case = CaseFile.objects.visible_to(request.access).filter(client=client).order_by("-opened_on", "-pk").first()
    if case is None:
        raise Http404
    from django.urls import reverse

    return reverse("counselling:case-detail", kwargs={"public_id": case.public_id})


@casework
@require_POST
def case_open(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A new case for a known client whose cases are all closed."""
    client = selectors.get_client(access=request.access, public_id=public_id)
    try:
        case = services.reopen_or_open_case(access=request.access, actor=request.user, client=client)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect(_client_case_url(request, client))
    return redirect("counselling:case-detail", public_id=case.public_id)


def _case_form_view(
    request: HttpRequest,
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
            _apply_error(form, error)
        else:
            messages.success(request, success)
            return redirect("counselling:case-detail", public_id=case.public_id)
    if request.method == "GET":
        record_read(request, case, action="counselling.case.viewed")  # the page names the client
    return render(
        request,
        template,
        {"form": form, "case": case, "client": case.client, "title": title, "multipart": multipart},
    )


@casework
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    def save(case: CaseFile, data: dict[str, Any]) -> Any:
        return services.log_session(access=request.access, actor=request.user, case=case, **data)

    def initial(case: CaseFile) -> dict[str, Any]:
        language = translation.get_language()
        return {
            "held_at": timezone.localtime().replace(second=0, microsecond=0),
            "language": language if language in ("ar", "en", "fr", "de", "sq", "ur", "id") else "",
        }

    return _case_form_view(
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
def case_status(request: HttpRequest, public_id: UUID) -> HttpResponse:
    def save(case: CaseFile, data: dict[str, Any]) -> Any:
        return services.change_case_status(
            access=request.access,
            actor=request.user,
            case=case,
            status=data["status"],
            expected_version=data["version"],
            closure_reason=data["closure_reason"],
        )

    return _case_form_view(
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
def goal_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    def save(case: CaseFile, data: dict[str, Any]) -> Any:
        return services.add_goal(access=request.access, actor=request.user, case=case, **data)

    return _case_form_view(request, public_id, GoalForm, save, title=_("Add a plan goal"), success=_("Goal added."))


@casework
@require_POST
def goal_status(request: HttpRequest, public_id: UUID) -> HttpResponse:
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


@casework
@require_http_methods(["GET", "POST"])
def follow_up_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    def save(case: CaseFile, data: dict[str, Any]) -> Any:
        return services.add_follow_up(access=request.access, actor=request.user, case=case, **data)

    return _case_form_view(
        request,
        public_id,
        FollowUpForm,
        save,
        title=_("Add a follow-up"),
        success=_("Follow-up added."),
        form_kwargs=lambda case: {"colleagues": _colleagues(case.centre_id)},
    )


@casework
@require_POST
def follow_up_done(request: HttpRequest, public_id: UUID) -> HttpResponse:
    follow_up = selectors.get_follow_up(access=request.access, public_id=public_id)
    services.complete_follow_up(access=request.access, actor=request.user, follow_up=follow_up)
    messages.success(request, _("Follow-up done."))
    if request.POST.get("next") == "list":
        return redirect("counselling:follow-up-list")
    return redirect("counselling:case-detail", public_id=follow_up.case.public_id)


@casework
@require_GET
def follow_up_list(request: HttpRequest) -> HttpResponse:
    overdue_only = request.GET.get("overdue") == "1"
    follow_ups = selectors.list_my_follow_ups(access=request.access, overdue_only=overdue_only)
    page = Paginator(follow_ups, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "counselling/follow_up_list.html",
        {"page": page, "overdue_only": overdue_only, "today": timezone.localdate()},
    )


@casework
@require_http_methods(["GET", "POST"])
def consent_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    client = selectors.get_client(access=request.access, public_id=public_id)
    organisations = Organization.objects.filter(country_id=client.centre.country_id).order_by("name")
    form = ConsentForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_consent(access=request.access, actor=request.user, client=client, **form.cleaned_data)
        except DomainError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("Consent recorded."))
            return redirect(_client_case_url(request, client))
    if request.method == "GET":
        record_read(request, client)
    return render(
        request,
        "counselling/case_form.html",
        {"form": form, "client": client, "title": _("Record a consent")},
    )


@casework
@require_POST
def consent_withdraw(request: HttpRequest, public_id: UUID) -> HttpResponse:
    consent = selectors.get_consent(access=request.access, public_id=public_id)
    try:
        services.withdraw_consent(access=request.access, actor=request.user, consent=consent)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Consent withdrawn. Sharing that depends on it has stopped."))
    return redirect(_client_case_url(request, consent.client))


@casework
@require_http_methods(["GET", "POST"])
def document_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    def save(case: CaseFile, data: dict[str, Any]) -> Any:
        return services.upload_document(
            access=request.access, actor=request.user, case=case, kind=data["kind"], upload=data["upload"]
        )

    return _case_form_view(
        request,
        public_id,
        DocumentForm,
        save,
        title=_("Add a document"),
        success=_("Document saved."),
        multipart=True,
    )


@casework
@require_GET
def document_download(request: HttpRequest, public_id: UUID) -> FileResponse:
    """Serve a case document after the access check; every download is audited."""
    document = selectors.get_document(access=request.access, public_id=public_id)
    record_event(
        actor=request.user,
        action="counselling.document.downloaded",
        target=document,
        centre=document.case.centre_id,
    )
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


@casework
@require_http_methods(["GET", "POST"])
def transfer_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    def save(case: CaseFile, data: dict[str, Any]) -> Any:
        return services.request_transfer(access=request.access, actor=request.user, case=case, **data)

    return _case_form_view(
        request,
        public_id,
        TransferForm,
        save,
        title=_("Transfer to another centre"),
        success=_("Transfer requested. The receiving centre's manager will decide."),
        form_kwargs=lambda case: {
            "centres": Centre.objects.filter(is_active=True).exclude(pk=case.centre_id).select_related("country")
        },
    )


@role_required(Role.CENTRE_MANAGER)
@require_GET
def transfer_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "counselling/transfer_list.html",
        {"transfers": selectors.list_transfers_to_decide(access=request.access)},
    )


@role_required(Role.CENTRE_MANAGER)
@require_http_methods(["GET", "POST"])
def transfer_decide(request: HttpRequest, public_id: UUID) -> HttpResponse:
    transfer = selectors.get_transfer_to_decide(access=request.access, public_id=public_id)
    form = TransferDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_transfer(
                access=request.access,
                actor=request.user,
                transfer=transfer,
                accept=form.cleaned_data["decision"] == "accept",
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            _apply_error(form, error)
        else:
            messages.success(request, _("Decision saved."))
            return redirect("counselling:transfer-list")
    if request.method == "GET":
        record_read(request, transfer)
    return render(request, "counselling/transfer_decide.html", {"form": form, "transfer": transfer})


@casework
@require_GET
def group_session_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.list_group_sessions(access=request.access), 50).get_page(request.GET.get("page"))
    return render(request, "counselling/group_session_list.html", {"page": page})


@casework
@require_http_methods(["GET", "POST"])
def group_session_create(request: HttpRequest) -> HttpResponse:
    centre = _centre_for(request)
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
            _apply_error(form, error)
        else:
            messages.success(request, _("Group session saved."))
            return redirect("counselling:group-session-list")
    return render(request, "counselling/group_session_form.html", {"form": form})
