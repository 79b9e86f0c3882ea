"""Views of the returnee portal (`/<lang>/my/...`) and the counsellor's link form. Thin: parse, call, render."""

from __future__ import annotations

import json
from uuid import UUID

from allauth.account.adapter import get_adapter
from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cms.returnees import dataprotection, reauth, selectors, services
from cms.returnees.forms import CodeForm, LinkCodeForm, ProfileForm
from cms.returnees.models import ConsentPurpose
from counselling.audit import CounsellingAudit
from counselling.selectors import get_client
from jobfairs.views import returnee_only
from portal.access import CASEWORK_ROLES
from portal.audit import record_read
from portal.errors import DomainError, NotAllowed, apply_domain_error
from portal.http import AuthenticatedRequest
from portal.services import set_time_zone
from portal.timezones import automatic_zone_name
from portal.views import role_required
from referrals import services as referral_services
from referrals.audit import ReferralsAudit
from referrals.forms import CourseEvidenceForm

casework = role_required(*CASEWORK_ROLES)

SHARE_WITHDRAWN = gettext_lazy(
    "Your consent was withdrawn. Employers no longer see your name, e-mail or profile at any job fair you "
    "registered for. Applications you sent stay with their employer until you withdraw them."
)
SHARE_GIVEN = gettext_lazy(
    "Your consent was recorded. This does not share your profile again with fairs you are already registered "
    "for: choose for each fair under “My job fairs”, or when you register."
)


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


@returnee_only
@require_GET
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    """My page: fairs and meetings, saved opportunities, appointment requests, referrals in plain words."""
    return render(request, "returnees/dashboard.html", {"d": selectors.dashboard(access=request.access)})


COURSE_RECORDED = {
    referral_services.ENROLLED: gettext_lazy("Thank you. Your enrolment was recorded; your counsellor sees it."),
    referral_services.COMPLETED: gettext_lazy(
        "Congratulations! Your completion was recorded; your counsellor sees it with your certificate."
    ),
}


@returnee_only
@require_http_methods(["GET", "POST"])
def referral(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    """One of my referrals; for an online course, I record here that I enrolled or completed it, with my
    certificate."""
    found = selectors.get_my_referral(access=request.access, public_id=public_id)
    if found is None:
        raise Http404
    record_read(request, found, action=ReferralsAudit.REFERRAL_VIEWED, details={"channel": "client_page"})
    steps = referral_services.evidence_steps(found)
    form = None
    if request.method == "POST" or steps:
        form = CourseEvidenceForm(request.POST or None, steps=steps, for_client=True)
    if request.method == "POST" and form is not None and form.is_valid():
        evidence = form.evidence()
        try:
            referral_services.record_course_evidence_as_client(
                access=request.access, actor=request.user, referral=found, evidence=evidence
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, COURSE_RECORDED[evidence.step])
            return redirect("returnees:dashboard")
    return render(
        request,
        "returnees/referral.html",
        {"line": selectors.status_line(found), "service": found.service, "form": form},
    )


@returnee_only
@require_http_methods(["GET", "POST"])
def profile(request: AuthenticatedRequest) -> HttpResponse:
    current = selectors.get_profile(access=request.access)
    initial = {"full_name": request.user.full_name, "time_zone": request.user.time_zone}
    if current is not None:
        initial.update({name: getattr(current, name) for name in services.PROFILE_FIELDS})
    form = ProfileForm(
        request.POST or None, request.FILES or None, initial=initial, automatic_zone=automatic_zone_name(request)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        time_zone = data.pop("time_zone", "")
        try:
            services.update_profile(access=request.access, actor=request.user, **data)
            set_time_zone(user=request.user, time_zone=time_zone)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("Your profile was saved."))
            return redirect("returnees:profile")
    consents = list(selectors.list_consents(access=request.access))
    active = {c.purpose for c in consents if c.is_active}
    if selectors.shares_with_employers(access=request.access):
        # Shown as given while any employer may see the person, so that "Withdraw" is always at hand.
        active.add(ConsentPurpose.SHARE_WITH_EMPLOYERS)
    return render(
        request,
        "returnees/profile.html",
        {
            "form": form,
            "profile": current,
            "consents": consents,
            "purposes": [(value, label, value in active) for value, label in ConsentPurpose.choices],
            "linked": selectors.get_linked_client(access=request.access) is not None,
        },
    )


@returnee_only
@require_GET
def cv_download(request: AuthenticatedRequest) -> FileResponse:
    """The owner's CV, as a download only (never shown inline)."""
    current = selectors.get_profile(access=request.access)
    if current is None or not current.cv:
        raise Http404
    response = FileResponse(
        current.cv.open("rb"), as_attachment=True, filename=current.cv_name, content_type=current.cv_content_type
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


@returnee_only
@require_POST
def cv_delete(request: AuthenticatedRequest) -> HttpResponse:
    services.remove_cv(access=request.access, actor=request.user)
    messages.success(request, _("Your CV was deleted."))
    return redirect("returnees:profile")


@returnee_only
@require_POST
def consent(request: AuthenticatedRequest, purpose: str) -> HttpResponse:
    """Give (`give=1`) or withdraw a consent; both are kept with their time."""
    give = request.POST.get("give") == "1"
    try:
        services.set_consent(access=request.access, actor=request.user, purpose=purpose, give=give)
    except NotAllowed as error:
        raise Http404 from error
    if purpose == ConsentPurpose.SHARE_WITH_EMPLOYERS:
        messages.success(request, SHARE_GIVEN if give else SHARE_WITHDRAWN)
    else:
        messages.success(request, _("Your consent was recorded.") if give else _("Your consent was withdrawn."))
    return redirect("returnees:profile")


@returnee_only
@require_POST
def link_code(request: AuthenticatedRequest) -> HttpResponse:
    services.issue_link_code(access=request.access, actor=request.user)
    messages.success(request, _("Give this code to your counsellor. It works once, for 7 days."))
    return redirect("returnees:profile")


@returnee_only
@require_POST
def unlink(request: AuthenticatedRequest) -> HttpResponse:
    services.unlink_client(access=request.access, actor=request.user)
    messages.success(request, _("Your account is no longer linked to your file at the centre."))
    return redirect("returnees:profile")


@returnee_only
@require_GET
def saved_list(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "returnees/saved.html", {"saved": selectors.list_saved(access=request.access)})


@returnee_only
@require_POST
def saved_toggle(request: AuthenticatedRequest, kind: str, public_id: UUID) -> HttpResponse:
    """Save (`save=1`) or unsave a service, a fair or a vacancy; back to the page the button was on."""
    try:
        if request.POST.get("save") == "1":
            services.save_opportunity(access=request.access, actor=request.user, kind=kind, public_id=public_id)
            messages.success(request, _("Saved. You find it under “Saved” on your page."))
        else:
            services.unsave_opportunity(access=request.access, actor=request.user, kind=kind, public_id=public_id)
            messages.success(request, _("Removed from your saved list."))
    except NotAllowed as error:
        raise Http404 from error
    from django.urls import reverse

    return redirect(_safe_next(request, reverse("returnees:saved")))


@returnee_only
@require_GET
def my_data(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "returnees/data.html")


@returnee_only
@reauth.recent_reauthentication_required
@require_GET
def data_json(request: AuthenticatedRequest) -> HttpResponse:
    data = dataprotection.export_my_data(access=request.access, actor=request.user, fmt="json")
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@returnee_only
@reauth.recent_reauthentication_required
@require_GET
def data_pdf(request: AuthenticatedRequest) -> HttpResponse:
    data = dataprotection.export_my_data(access=request.access, actor=request.user, fmt="pdf")
    pdf = dataprotection.render_my_data_pdf(data, language=request.LANGUAGE_CODE)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="my-data.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@returnee_only
@reauth.recent_reauthentication_required
@require_http_methods(["GET", "POST"])
def delete_account(request: AuthenticatedRequest) -> HttpResponse:
    """Delete my account, after re-authentication and a ticked confirmation; then sign out."""
    unconfirmed = False
    if request.method == "POST":
        if request.POST.get("confirm") == "yes":
            dataprotection.delete_my_account(access=request.access, actor=request.user)
            logout(request)
            messages.success(request, _("Your account was deleted. Thank you for using the portal."))
            return redirect("portal:home")
        unconfirmed = True
    return render(request, "returnees/delete.html", {"unconfirmed": unconfirmed})


@returnee_only
@require_http_methods(["GET", "POST"])
def reauthenticate(request: AuthenticatedRequest) -> HttpResponse:
    """Confirm it is you with a fresh SMS code (accounts without a password)."""
    from django.urls import reverse

    next_url = _safe_next(request, reverse("returnees:data"))
    if not reauth.uses_sms(request.user):
        return redirect(reauth.reauthentication_url(request))
    form = CodeForm(request.POST if request.POST.get("action") == "verify" else None)
    if request.method == "POST" and request.POST.get("action") == "send":
        if not ratelimit.consume(request, action="verify_phone", key=request.user.phone):
            messages.error(request, _("Too many codes were asked for. Please wait a minute and try again."))
        else:
            adapter = get_adapter(request)
            code = adapter.generate_phone_verification_code(user=request.user, phone=request.user.phone)
            reauth.start(request, code)
            adapter.send_verification_code_sms(user=request.user, phone=request.user.phone, code=code)
            messages.info(request, _("We sent a code to your phone."))
    elif request.method == "POST" and form.is_valid():
        if not ratelimit.consume(request, action="reauthenticate", user=request.user):
            form.add_error("code", _("Too many tries. Please wait a minute and try again."))
        elif reauth.check(request, form.cleaned_data["code"]):
            return redirect(next_url)
        else:
            form.add_error("code", _("This code is not right or has expired. Ask for a new one."))
    return render(
        request,
        "returnees/reauthenticate.html",
        {"form": form, "pending": reauth.has_pending(request), "next": next_url, "phone_end": request.user.phone[-3:]},
    )


@casework
@require_http_methods(["GET", "POST"])
def client_link(request: AuthenticatedRequest, public_id: UUID) -> HttpResponse:
    """A counsellor links a client of their centre to the portal account whose link code the client gives."""
    client = get_client(access=request.access, public_id=public_id)
    form = LinkCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.link_client(
                access=request.access, actor=request.user, client=client, code=form.cleaned_data["code"]
            )
        except DomainError as error:
            if isinstance(error, NotAllowed):
                raise Http404 from error
            form.add_error("code", str(error))
        else:
            messages.success(request, _("The client's portal account is linked. They now see their referrals."))
            case = client.cases.order_by("-pk").first()
            if case is not None:
                return redirect("counselling:case-detail", public_id=case.public_id)
            return redirect("returnees:client-link", public_id=client.public_id)
    if request.method == "GET":
        record_read(request, client, action=CounsellingAudit.CLIENT_VIEWED)
    return render(request, "returnees/client_link.html", {"form": form, "client": client})
