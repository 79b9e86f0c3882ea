"""Views of the portal app: public home, health check, staff home, team, invitations."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from portal.access import Role, get_visible_or_404
from portal.audit import PortalAudit, record_event
from portal.cache import unreachable_since
from portal.emails import invitation_from_token
from portal.errors import DomainError, apply_domain_error
from portal.forms import (
    AcceptInvitationForm,
    AuditSearchForm,
    CentreForm,
    CountryForm,
    InviteStaffForm,
    LanguagePreferenceForm,
)
from portal.health import failing_since
from portal.http import AuthenticatedRequest
from portal.pdf import font_problems
from portal.selectors import (
    list_audit_events,
    list_countries_with_centres,
    list_manageable_centres,
    list_manageable_countries,
    list_team,
)
from portal.services import (
    InvitationAccount,
    accept_invitation,
    create_centre,
    create_country,
    end_membership,
    invitation_account,
    invite_staff,
    may_end_membership,
    set_preferred_language,
    set_time_zone,
    update_centre,
    update_country,
)
from portal.timezones import automatic_zone_name
from portal.today import today_items

TEAM_ROLES = (Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR, Role.ADMIN)


def role_required(*roles: str) -> Callable:
    """Signed-in users without one of `roles` get 404: the page does not exist for them."""

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapped(request: AuthenticatedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.access.has_role(*roles):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# Who may answer the language's home before the built-in page: an app above the foundation registers a
# function in its AppConfig.ready (the information site: the editors' Wagtail home page), which returns a
# response, or None to leave the home to the next one.
_home_pages: list[Callable[[HttpRequest], HttpResponse | None]] = []


def register_home_page(provider: Callable[[HttpRequest], HttpResponse | None]) -> None:
    """Let `provider` answer the language's home (see `home`); registering twice changes nothing."""
    if provider not in _home_pages:
        _home_pages.append(provider)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The language's home: the editors' Wagtail home page when there is one, else the built-in page."""
    for provider in _home_pages:
        response = provider(request)
        if response is not None:
            return response
    return render(request, "portal/home.html")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Machine-readable health: each part "ok" or what failed, and since when (portal/health.py); 503 when
    any part failed."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except DatabaseError as exc:
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        from portal.celery import app

        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=3)
        checks["broker"] = "ok"
    except Exception as exc:
        checks["broker"] = f"error: {exc.__class__.__name__}"
    try:
        cache.set("healthz", "1", 10)
        checks["cache"] = "ok" if cache.get("healthz") == "1" else "error: no round trip"
    except Exception as exc:
        checks["cache"] = f"error: {exc.__class__.__name__}"
    # Redis away: pages are served without it (portal/cache.py), so the node stays in (200, "degraded").
    cache_down = unreachable_since() is not None
    if cache_down:
        checks["cache"] = "error: unreachable"
    healthy = all(value == "ok" for name, value in checks.items() if not (name == "cache" and cache_down))
    checks["worker"] = _worker_health() if checks["database"] == "ok" else "unknown"
    # The report fonts (portal/fonts): without them PDFs print empty boxes, but pages are served.
    problems = font_problems()
    checks["fonts"] = "error: " + "; ".join(problems) if problems else "ok"
    # A stale worker or unusable fonts do not take the web node out of the load balancer (503): "degraded".
    whole = checks["worker"] in ("ok", "inline") and not cache_down and not problems
    status = "error" if not healthy else ("ok" if whole else "degraded")
    # Beside each failing part, since when it fails ("database_since": ISO time), the same on every process.
    since = {f"{part}_since": at for part, at in failing_since(checks, now=timezone.now()).items()}
    return JsonResponse({**checks, **since, "status": status}, status=200 if healthy else 503)


def _worker_health() -> str:
    """ "ok" when every queue's heartbeat is recent, "stale: <queues>" when not, "inline" in eager mode."""
    import datetime as dt

    from django.conf import settings
    from django.utils import timezone

    from portal.celery import app
    from portal.models import WorkerHeartbeat

    if app.conf.task_always_eager:
        return "inline"
    try:
        seen = dict(WorkerHeartbeat.objects.values_list("queue", "seen_at"))
    except DatabaseError as exc:
        return f"error: {exc.__class__.__name__}"
    oldest = timezone.now() - dt.timedelta(seconds=settings.WORKER_STALE_AFTER_SECONDS)
    stale = [queue for queue in settings.HEARTBEAT_QUEUES if seen.get(queue) is None or seen[queue] < oldest]
    return "stale: " + ", ".join(stale) if stale else "ok"


@login_required
@require_GET
def staff_home(request: AuthenticatedRequest) -> HttpResponse:
    """Home of every member; returnees are sent to their own page."""
    access = request.access
    if not access.has_membership:
        return redirect("returnees:dashboard")
    if access.roles == {Role.PARTNER}:
        return redirect("referrals:partner-inbox")
    if access.roles == {Role.EMPLOYER}:
        try:
            return redirect("jobfairs:employer-dashboard")
        except NoReverseMatch:
            pass  # the job fairs app has no dashboard yet: the staff home lists the roles
    context = {
        "today": today_items(access),
        "memberships": access.memberships,
        "sets_up": access.has_role(Role.ADMIN),
        "edits_pages": access.has_role(Role.EDITOR, Role.ADMIN),
    }
    return render(request, "portal/staff/home.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def me(request: AuthenticatedRequest) -> HttpResponse:
    """The signed-in person's own page: language and time zone preferences, and account security."""
    form = LanguagePreferenceForm(
        request.POST or None,
        initial={"language": request.user.preferred_language, "time_zone": request.user.time_zone},
        automatic_zone=automatic_zone_name(request),
    )
    if request.method == "POST" and form.is_valid():
        set_preferred_language(user=request.user, language=form.cleaned_data["language"])
        try:
            set_time_zone(user=request.user, time_zone=form.cleaned_data["time_zone"])
        except DomainError as error:
            form.add_error("time_zone", str(error))
        else:
            messages.success(request, _("Your preferences were saved."))
            return redirect("portal:me")
    return render(request, "portal/me.html", {"form": form})


@role_required(*TEAM_ROLES)
@require_GET
def staff_list(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(list_team(access=request.access), 50).get_page(request.GET.get("page"))
    for membership in page:
        membership.may_end = may_end_membership(access=request.access, membership=membership)
    return render(request, "portal/staff/team.html", {"page": page})


@role_required(*TEAM_ROLES)
@require_http_methods(["GET", "POST"])
def staff_invite(request: AuthenticatedRequest) -> HttpResponse:
    form = InviteStaffForm(request.POST or None, access=request.access)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invite_staff(access=request.access, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            return redirect("portal:staff-list")
    return render(request, "portal/staff/invite.html", {"form": form})


@role_required(*TEAM_ROLES)
@require_http_methods(["GET", "POST"])
def staff_membership_end(request: AuthenticatedRequest, public_id: str) -> HttpResponse:
    """Asks first, then ends a colleague's role (or withdraws an invitation not yet accepted)."""
    membership = get_visible_or_404(list_team(access=request.access).filter(ended_at__isnull=True), public_id=public_id)
    if not may_end_membership(access=request.access, membership=membership):
        raise Http404
    form = forms.Form(request.POST if request.method == "POST" else None)  # nothing to fill in: a bound form
    if form.is_bound and form.is_valid():
        try:
            end_membership(access=request.access, actor=request.user, public_id=membership.public_id)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(
                request,
                _("The role %(role)s of %(name)s has ended.")
                % {"role": membership.get_role_display(), "name": membership.user.full_name or membership.user.email},
            )
            return redirect("portal:staff-list")
    return render(request, "portal/staff/membership_end.html", {"membership": membership, "form": form})


@role_required(Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR, Role.DATA_PROTECTION_OFFICER)
@require_GET
def audit_log(request: AuthenticatedRequest) -> HttpResponse:
    """Who did what: e.g. everyone who opened one client's case file. Searching is itself audited."""
    form = AuditSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = list_audit_events(access=request.access, **filters)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    if filters.get("client_code"):
        record_event(
            actor=request.user, action=PortalAudit.AUDIT_SEARCHED, details={"client_code": filters["client_code"]}
        )
    return render(request, "portal/staff/audit.html", {"form": form, "page": page})


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Accept a staff invitation from the e-mailed link: a new account chooses its password here; an
    existing account that proved the invited address is accepted by its owner signed in (choosing a new
    password unless it is staff already). See `portal.services.accept_invitation`."""
    invitation = invitation_from_token(token)
    if invitation is None or invitation.accepted_at is not None:
        return render(request, "portal/invitation_invalid.html", status=400)
    bound_to = invitation_account(invitation=invitation)
    if bound_to == InvitationAccount.INVALID:
        return render(request, "portal/invitation_invalid.html", status=400)
    user = invitation.membership.user
    if bound_to != InvitationAccount.NEW and request.user != user:
        if request.user.is_authenticated:
            logout(request)  # signed in to another account: the invitation is for the address's own account
        messages.info(request, _("Sign in to accept the invitation."))
        return redirect(f"{_login_url()}?next={request.path}")
    needs_password = bound_to != InvitationAccount.MEMBER
    form = AcceptInvitationForm(request.POST or None) if needs_password else None
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            user = accept_invitation(
                invitation=invitation,
                password=form.cleaned_data["password1"] if form else None,
                signed_in_as=request.user if request.user.is_authenticated else None,
            )
        except ValidationError as error:
            form.add_error("password1", error)
        except DomainError as error:
            if form is not None and error.field in form.fields:
                form.add_error(error.field, str(error))
            else:
                messages.error(request, str(error))
                return redirect("portal:home")
        else:
            # Every earlier session of the account was ended (this one's row too): start a new one.
            request.session.flush()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome. Now set up your second sign-in factor."))
            return redirect("portal:staff-home")
    context = {"form": form, "invitation": invitation, "replaces_password": bound_to == InvitationAccount.HOLDER}
    return render(request, "portal/invitation_accept.html", context)


def _login_url() -> str:
    from django.urls import reverse

    return reverse("account_login")


# --- Countries and centres (administrators) ------------------------------------------------------------


@role_required(Role.ADMIN)
@require_GET
def country_list(request: AuthenticatedRequest) -> HttpResponse:
    """Every country with its settings and centres; where administrators set up the programme."""
    countries = list_countries_with_centres(access=request.access)
    return render(request, "portal/staff/countries.html", {"countries": countries})


@role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def country_create(request: AuthenticatedRequest) -> HttpResponse:
    form = CountryForm(request.POST or None, access=request.access, new=True, initial={"retention_days": 5 * 365})
    if request.method == "POST" and form.is_valid():
        try:
            country = create_country(access=request.access, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("%(country)s is set up. Now add its centres.") % {"country": country.name})
            return redirect("portal:country-list")
    return render(request, "portal/staff/country_form.html", {"form": form, "country": None})


@role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def country_update(request: AuthenticatedRequest, code: str) -> HttpResponse:
    country = get_visible_or_404(list_manageable_countries(access=request.access), pk=code.upper())
    initial = {
        "time_zone": country.timezone,
        "languages": country.languages,
        "phone_prefix": country.phone_prefix,
        "retention_days": country.retention_days,
        "is_partner_country": country.is_partner_country,
    }
    form = CountryForm(request.POST or None, access=request.access, new=False, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            update_country(access=request.access, actor=request.user, country=country, **form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("The changes to %(country)s are saved.") % {"country": country.name})
            return redirect("portal:country-list")
    return render(request, "portal/staff/country_form.html", {"form": form, "country": country})


@role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def centre_create(request: AuthenticatedRequest) -> HttpResponse:
    initial = {"is_active": True, "country": request.GET.get("country", "").upper()[:2] or None}
    form = CentreForm(request.POST or None, access=request.access, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            centre = create_centre(
                access=request.access, actor=request.user, translations=form.translations(), **form.source_data()
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("The centre %(name)s is open. Invite its staff next.") % {"name": centre.name})
            return redirect("portal:country-list")
    return render(request, "portal/staff/centre_form.html", {"form": form, "centre": None})


@role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def centre_update(request: AuthenticatedRequest, public_id: str) -> HttpResponse:
    centre = get_visible_or_404(list_manageable_centres(access=request.access), public_id=public_id)
    fields = (
        "code", "name", "city", "address", "phone", "email", "reply_to_email", "opening_hours", "languages", "is_active"
    )  # fmt: skip
    initial = {"country": centre.country_id, **{name: getattr(centre, name) for name in fields}}
    initial.update(CentreForm.translation_initial(centre))
    form = CentreForm(request.POST or None, access=request.access, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            update_centre(
                access=request.access,
                actor=request.user,
                centre=centre,
                translations=form.translations(),
                **form.source_data(),
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("The changes to %(name)s are saved.") % {"name": form.cleaned_data["name"]})
            return redirect("portal:country-list")
    return render(request, "portal/staff/centre_form.html", {"form": form, "centre": centre})
