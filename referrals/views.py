"""Views of the referrals app: directory, referral board, partner inbox, and the signed partner link."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from counselling import selectors as case_selectors
from counselling.audit import CounsellingAudit
from counselling.consent import consented_organisation_ids
from portal.access import CASEWORK_ROLES, Role
from portal.audit import record_event, record_read
from portal.errors import DomainError, apply_domain_error
from portal.http import AuthenticatedRequest
from portal.models import Country
from portal.views import role_required
from referrals import selectors, services
from referrals.audit import ReferralsAudit
from referrals.forms import (
    BoardFilterForm,
    CourseEvidenceForm,
    DirectoryFilterForm,
    LocationForm,
    OrganizationForm,
    PartnerAnswerForm,
    ReferralForm,
    ServiceForm,
)
from referrals.links import check_token
from referrals.models import Organization, Service, ServiceCategory
from referrals.slip import render_slip

casework = role_required(*CASEWORK_ROLES)
DIRECTORY_ROLES = (*CASEWORK_ROLES, Role.COUNTRY_COORDINATOR)


# --- Directory -------------------------------------------------------------------------------------


@role_required(*DIRECTORY_ROLES)
@require_GET
def service_list(request: AuthenticatedRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    filters = selectors.DirectoryFilter(**form.cleaned_data) if form.is_valid() else selectors.DirectoryFilter()
    page = Paginator(selectors.list_services(filters=filters), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    can_edit = request.access.has_role(Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR)
    return render(
        request,
        "referrals/service_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "can_edit": can_edit},
    )


def _editable_organizations(request: AuthenticatedRequest) -> Any:
    countries = request.access.countries_of(Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR)
    return Organization.objects.filter(country_id__in=countries).order_by("name")


@role_required(Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR)
@require_http_methods(["GET", "POST"])
def service_edit(request: AuthenticatedRequest, public_id: UUID | None = None) -> HttpResponse:
    """Create a service, or change one of the user's country."""
    organizations = _editable_organizations(request)
    service = None
    initial = None
    if public_id is not None:
        service = Service.objects.filter(public_id=public_id, organization__in=organizations).first()
        if service is None:
            raise Http404
        initial = {f: getattr(service, f) for f in ServiceForm.base_fields if f != "locations"}
        initial["locations"] = list(service.locations.all())
        initial.update(ServiceForm.translation_initial(service))
    form = ServiceForm(request.POST or None, initial=initial, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        data = {k: ("" if v is None and k in ("cost", "schedule") else v) for k, v in form.source_data().items()}
        try:
            services.save_service(
                access=request.access,
                actor=request.user,
                service=service,
                translations=form.translations(),
                **data,
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("referrals:service-list")
    return render(request, "referrals/service_form.html", {"form": form, "service": service})


def _editable_countries(request: AuthenticatedRequest) -> Any:
    return Country.objects.filter(code__in=request.access.countries_of(Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR))


@role_required(Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR)
@require_GET
def organization_list(request: AuthenticatedRequest) -> HttpResponse:
    organizations = _editable_organizations(request).select_related("country").prefetch_related("locations")
    return render(request, "referrals/organization_list.html", {"organizations": organizations})


@role_required(Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR)
@require_http_methods(["GET", "POST"])
def organization_edit(request: AuthenticatedRequest, public_id: UUID | None = None) -> HttpResponse:
    """Create a partner organisation, or change one of the user's country, and add its places."""
    organization = None
    if public_id is not None:
        organization = _editable_organizations(request).filter(public_id=public_id).first()
        if organization is None:
            raise Http404
    form = OrganizationForm(
        request.POST if request.POST.get("form") == "organization" else None,
        instance=organization,
        countries=_editable_countries(request),
    )
    location_form = LocationForm(request.POST if request.POST.get("form") == "location" else None)
    if request.method == "POST" and form.is_bound and form.is_valid():
        data = {field: form.cleaned_data[field] for field in form.Meta.fields}
        try:
            saved = services.save_organization(
                access=request.access, actor=request.user, organization=organization, **data
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("referrals:organization-edit", public_id=saved.public_id)
    if request.method == "POST" and organization and location_form.is_bound and location_form.is_valid():
        services.add_location(
            access=request.access, actor=request.user, organization=organization, **location_form.cleaned_data
        )
        messages.success(request, _("Saved."))
        return redirect("referrals:organization-edit", public_id=organization.public_id)
    locations = list(organization.locations.all()) if organization else []
    return render(
        request,
        "referrals/organization_form.html",
        {"form": form, "location_form": location_form, "organization": organization, "locations": locations},
    )


# --- Sending side ------------------------------------------------------------------------------------


@casework
@require_http_methods(["GET", "POST"])
def referral_create(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    case = case_selectors.get_case(access=request.access, public_id=public_id)
    form = ReferralForm(
        request.POST or None,
        services=selectors.services_for_case(country_code=case.centre.country_id),
        consented=consented_organisation_ids(case.client),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.create_referral(
                access=request.access,
                actor=request.user,
                case=case,
                service=data["service"],
                reason=data["reason"],
                urgency=data["urgency"],
                shared_fields=data["shared_fields"],
                due_on=data["due_on"],
                send=not data["save_as_draft"],
                consent=form.consent(),
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Referral %(code)s saved.") % {"code": referral.code})
            return redirect("referrals:referral-detail", public_id=referral.public_id)
    if request.method == "GET":
        record_read(request, case, action=CounsellingAudit.CASE_VIEWED)  # the page names the client
    return render(request, "referrals/referral_form.html", {"form": form, "case": case, "client": case.client})


@casework
@require_GET
def board(request: AuthenticatedRequest) -> HttpResponse:
    form = BoardFilterForm(request.GET or None)
    status = service_id = ""
    if form.is_valid():
        status, service_id = form.cleaned_data["status"], form.cleaned_data["service"]
    after = selectors.Cursor.parse(request.GET.get("after"))
    page = selectors.list_board(access=request.access, status=status, service_id=service_id, after=after)
    return render(request, "referrals/board.html", {"form": form, "page": page, "query": _filters_query(request)})


def _filters_query(request: HttpRequest) -> str:
    """The page's filters, for the pager's links (without the cursor)."""
    query = request.GET.copy()
    query.pop("after", None)
    query.pop("page", None)
    return query.urlencode()


@casework
@require_GET
def referral_detail(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    referral = selectors.get_sent_referral(access=request.access, public_id=public_id)
    record_event(actor=request.user, action=ReferralsAudit.REFERRAL_VIEWED, target=referral, centre=referral.centre_id)
    return _detail_page(request, referral)


def _detail_page(
    request: AuthenticatedRequest, referral: Any, course_form: CourseEvidenceForm | None = None
) -> HttpResponse:
    steps = services.evidence_steps(referral)
    if course_form is None and steps:
        course_form = CourseEvidenceForm(steps=steps)
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "referral": referral,
            "events": selectors.list_events(referral=referral),
            "profile": selectors.shared_profile(referral),
            "course_form": course_form,
            "is_online_course": referral.service.category == ServiceCategory.ONLINE_COURSE,
        },
    )


COURSE_SAVED = {
    services.ENROLLED: gettext_lazy("The enrolment was recorded."),
    services.COMPLETED: gettext_lazy("The completion was recorded."),
}


@casework
@require_POST
def referral_course(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    """The centre records enrolment in or completion of an online course, with its evidence."""
    referral = selectors.get_sent_referral(access=request.access, public_id=public_id)
    form = CourseEvidenceForm(request.POST, steps=services.evidence_steps(referral))
    if form.is_valid():
        evidence = form.evidence()
        try:
            services.record_course_evidence_as_sender(
                access=request.access, actor=request.user, referral=referral, evidence=evidence
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, COURSE_SAVED[evidence.step])
            return redirect("referrals:referral-detail", public_id=referral.public_id)
    return _detail_page(request, referral, course_form=form)


def _sender_action(request: AuthenticatedRequest, public_id: UUID, action: Any, success: str) -> HttpResponse:
    referral = selectors.get_sent_referral(access=request.access, public_id=public_id)
    try:
        action(access=request.access, actor=request.user, referral=referral)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return redirect("referrals:referral-detail", public_id=referral.public_id)


@casework
@require_POST
def referral_send(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    return _sender_action(request, public_id, services.send_referral, _("Referral sent."))


@casework
@require_POST
def referral_cancel(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    return _sender_action(request, public_id, services.cancel_referral, _("Referral cancelled."))


@casework
@require_POST
def referral_resend(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    return _sender_action(
        request, public_id, services.resend_link, _("A new link was sent; older links no longer work.")
    )


@casework
@require_GET
def referral_slip(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    # Only an open referral that was sent has a partner link, so only it has a slip: a draft's slip is a 404.
    referral = selectors.get_referral_with_slip(access=request.access, public_id=public_id)
    record_event(actor=request.user, action=ReferralsAudit.SLIP_PRINTED, target=referral, centre=referral.centre_id)
    response = HttpResponse(render_slip(referral, language=translation.get_language()), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{referral.code}.pdf"'
    return response


# --- Partner side ----------------------------------------------------------------------------------


@role_required(Role.PARTNER)
@require_GET
def partner_inbox(request: AuthenticatedRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    after = selectors.Cursor.parse(request.GET.get("after"))
    page = selectors.list_inbox(access=request.access, status=status, after=after)
    return render(request, "referrals/inbox.html", {"page": page, "status": status, "query": _filters_query(request)})


def _answer_page(
    request: HttpRequest,
    referral: Any,
    answer: Any,
    *,
    via_link: bool,
    template: str = "referrals/answer.html",
    course_form: CourseEvidenceForm | None = None,
) -> HttpResponse:
    moves = services.partner_moves(referral)
    # A post of the course form (signed-in partners) leaves the answer form as it was.
    answering = request.method == "POST" and not (course_form is not None and course_form.is_bound)
    form = PartnerAnswerForm(request.POST if answering else None, moves=moves)
    if answering and form.is_valid():
        try:
            answer(
                to_status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                outcome=form.cleaned_data["outcome"],
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Thank you. Your answer was saved."))
            return redirect(request.path)
    # The partner's page gets the partner's view, never the referral itself: nothing of the case, the
    # client or a free text about them can reach the template except what the consent allows.
    view = selectors.partner_view(referral)
    return render(
        request,
        template,
        {
            "view": view,
            "form": form if moves else None,
            "profile": view.profile,
            "via_link": via_link,
            "course_form": course_form,
        },
    )


@role_required(Role.PARTNER)
@require_http_methods(["GET", "POST"])
def partner_referral(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    referral = selectors.get_received_referral(access=request.access, public_id=public_id)
    record_event(
        actor=request.user,
        action=ReferralsAudit.REFERRAL_VIEWED,
        target=referral,
        centre=referral.centre_id,
        details={"channel": "partner_account"},
    )

    def answer(**kwargs: Any) -> Any:
        return services.answer_as_partner(access=request.access, actor=request.user, referral=referral, **kwargs)

    steps = services.evidence_steps(referral)
    course_form = None
    if request.method == "POST" and request.POST.get("form") == "course":
        course_form = CourseEvidenceForm(request.POST, steps=steps)
        if course_form.is_valid():
            evidence = course_form.evidence()
            try:
                services.record_course_evidence_as_partner(
                    access=request.access, actor=request.user, referral=referral, evidence=evidence
                )
            except DomainError as error:
                apply_domain_error(course_form, error)
            else:
                messages.success(request, COURSE_SAVED[evidence.step])
                return redirect(request.path)
    elif steps:
        course_form = CourseEvidenceForm(steps=steps)
    return _answer_page(request, referral, answer, via_link=False, course_form=course_form)


@never_cache
@require_http_methods(["GET", "POST"])
def link(request: HttpRequest, token: str) -> HttpResponse:
    """A partner without an account answers through the signed link; every use is audited."""
    check = check_token(token)
    if check.problem:
        record_event(
            actor=None, action=ReferralsAudit.LINK_REFUSED, target=check.referral, details={"problem": check.problem}
        )
        return render(
            request,
            "referrals/link_refused.html",
            {"problem": check.problem},
            status=410 if check.problem != "tampered" else 400,
        )
    referral = check.referral
    record_event(
        actor=None,
        action=ReferralsAudit.LINK_USED,
        target=referral,
        centre=referral.centre_id,
        details={"method": request.method},
    )

    def answer(**kwargs: Any) -> Any:
        return services.answer_by_link(referral=referral, **kwargs)

    # The site-wide Referrer-Policy (same-origin) keeps the token in the URL from leaking to other sites;
    # "no-referrer" would make browsers send "Origin: null" with the form, which CSRF protection refuses.
    return _answer_page(request, referral, answer, via_link=True)
