"""Views of the portal app: public home, health check, staff home, team, invitations."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

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
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from portal.access import Role
from portal.audit import record_event
from portal.emails import invitation_from_token
from portal.errors import DomainError
from portal.forms import AcceptInvitationForm, AuditSearchForm, InviteStaffForm, LanguagePreferenceForm
from portal.selectors import list_audit_events, list_team
from portal.services import (
    InvitationAccount,
    accept_invitation,
    invitation_account,
    invite_staff,
    set_preferred_language,
)

TEAM_ROLES = (Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR, Role.ADMIN)


def role_required(*roles: str) -> Callable:
    """Signed-in users without one of `roles` get 404: the page does not exist for them."""

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.access.has_role(*roles):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The language's home: the editors' Wagtail home page when there is one, else the built-in page."""
    from cms.home import home_page_response

    return home_page_response(request) or render(request, "portal/home.html")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Machine-readable health: each part "ok" or what failed; 503 when any part failed."""
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
    healthy = all(value == "ok" for value in checks.values())
    checks["worker"] = _worker_health() if checks["database"] == "ok" else "unknown"
    # A stale worker does not take the web node out of the load balancer (503): it is "degraded".
    status = "error" if not healthy else ("ok" if checks["worker"] in ("ok", "inline") else "degraded")
    return JsonResponse({**checks, "status": status}, status=200 if healthy else 503)


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
def staff_home(request: HttpRequest) -> HttpResponse:
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
    return render(request, "portal/staff/home.html", {"memberships": access.memberships})


@login_required
@require_http_methods(["GET", "POST"])
def me(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own page: language preference and account security."""
    form = LanguagePreferenceForm(request.POST or None, initial={"language": request.user.preferred_language})
    if request.method == "POST" and form.is_valid():
        set_preferred_language(user=request.user, language=form.cleaned_data["language"])
        messages.success(request, _("Your language preference was saved."))
        return redirect("portal:me")
    return render(request, "portal/me.html", {"form": form})


@role_required(*TEAM_ROLES)
@require_GET
def staff_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(list_team(access=request.access), 50).get_page(request.GET.get("page"))
    return render(request, "portal/staff/team.html", {"page": page})


@role_required(*TEAM_ROLES)
@require_http_methods(["GET", "POST"])
def staff_invite(request: HttpRequest) -> HttpResponse:
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


@role_required(Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR, Role.DATA_PROTECTION_OFFICER)
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    """Who did what: e.g. everyone who opened one client's case file. Searching is itself audited."""
    form = AuditSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = list_audit_events(access=request.access, **filters)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    if filters.get("client_code"):
        record_event(
            actor=request.user, action="portal.audit.searched", details={"client_code": filters["client_code"]}
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
