"""Reads of the job fairs app that views share: public pages filtered to what may be shown,
personal data through the one door (`visible_to`), counts as subqueries so that a page's
query count does not grow with its rows."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.http import Http404
from django.utils import timezone
from django.utils.crypto import salted_hmac

from counselling.consent import active_consents
from counselling.models import ConsentPurpose
from jobfairs.models import (
    ACTIVE_REGISTRATION,
    Application,
    ApplicationStatus,
    Booking,
    BookingStatus,
    Booth,
    BoothStatus,
    Employer,
    FairFormat,
    FairStatus,
    JobFair,
    MeetingSlot,
    Registration,
    RegistrationStatus,
    RespondentKind,
    SurveyResponse,
    Vacancy,
    VettingStatus,
    shares_profile_q,
)
from portal.access import Access, Role, get_visible_or_404
from portal.models import User
from portal.phones import format_phone

PUBLIC_PAGE = 20


def _count(queryset: QuerySet, group: str) -> Subquery:
    """A correlated COUNT(*) subquery: `queryset` filtered on OuterRef already, grouped by `group`."""
    return Coalesce(
        Subquery(
            queryset.order_by().values(group).annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()
        ),
        0,
    )


# --- Public -------------------------------------------------------------------------------


def list_public_fairs(*, past: bool = False, country: str = "", fair_format: str = "") -> QuerySet[JobFair]:
    """Published fairs (and closed ones), upcoming first, or past ones newest first."""
    fairs = JobFair.objects.public().select_related("country")
    now = timezone.now()
    fairs = fairs.filter(ends_at__lt=now).order_by("-starts_at") if past else fairs.filter(ends_at__gte=now)
    if country:
        fairs = fairs.filter(country_id=country)
    if fair_format:
        fairs = fairs.filter(format=fair_format)
    return fairs.annotate(booth_count=_count(Booth.objects.approved().filter(fair=OuterRef("pk")), "fair"))


def get_public_fair(*, public_id: UUID) -> JobFair:
    fair = get_visible_or_404(JobFair.objects.public().select_related("country"), public_id=public_id)
    return fair


def list_public_booths(*, fair: JobFair) -> QuerySet[Booth]:
    """Approved booths of verified employers at the fair, with their number of free future slots."""
    free = MeetingSlot.objects.filter(booth=OuterRef("pk"), starts_at__gt=timezone.now()).exclude(
        Exists(Booking._base_manager.filter(slot=OuterRef("pk"), status=BookingStatus.ACTIVE))
    )
    return (
        Booth.objects.approved()
        .filter(fair=fair)
        .select_related("employer")
        .annotate(free_slots=_count(free, "booth"))
        .order_by("employer__name")
    )


def list_public_vacancies(*, fair: JobFair | None = None, employer: Employer | None = None) -> QuerySet[Vacancy]:
    vacancies = Vacancy.objects.public().select_related("employer", "country")
    if fair is not None:
        vacancies = vacancies.filter(fair=fair)
    if employer is not None:
        vacancies = vacancies.filter(employer=employer)
    return vacancies


def get_public_booth(*, public_id: UUID) -> Booth:
    return get_visible_or_404(
        Booth.objects.approved().filter(fair__in=JobFair.objects.public()).select_related("fair__country", "employer"),
        public_id=public_id,
    )


def list_booth_slots(*, booth: Booth) -> QuerySet[MeetingSlot]:
    """The booth's future slots, each marked taken or free (who booked is not shown)."""
    return MeetingSlot.objects.filter(booth=booth, starts_at__gt=timezone.now()).annotate(
        taken=Exists(Booking._base_manager.filter(slot=OuterRef("pk"), status=BookingStatus.ACTIVE))
    )


def get_public_vacancy(*, public_id: UUID) -> Vacancy:
    return get_visible_or_404(
        Vacancy.objects.public().select_related("employer", "country", "fair"), public_id=public_id
    )


def get_public_slot(*, public_id: UUID) -> MeetingSlot:
    return get_visible_or_404(
        MeetingSlot.objects.filter(
            booth__in=Booth.objects.approved(), booth__fair__in=JobFair.objects.public()
        ).select_related("booth__fair"),
        public_id=public_id,
    )


# --- Candidates -----------------------------------------------------------------------------


def get_my_registration(*, access: Access, fair: JobFair) -> Registration | None:
    if not access.is_authenticated:
        return None
    return (
        Registration.objects.visible_to(access)
        .filter(fair=fair, user_id=access.user_id)
        .exclude(status=RegistrationStatus.CANCELLED)
        .first()
    )


def list_my_registrations(*, access: Access) -> QuerySet[Registration]:
    """The returnee's registrations with their bookings (one query each, whatever the number)."""
    bookings = (
        Booking.objects.visible_to(access)
        .filter(status=BookingStatus.ACTIVE)
        .select_related("slot__booth__employer")
        .order_by("slot__starts_at")
    )
    return (
        Registration.objects.visible_to(access)
        .filter(user_id=access.user_id)
        .select_related("fair__country")
        .prefetch_related(Prefetch("bookings", queryset=bookings, to_attr="active_bookings"))
        .order_by("-fair__starts_at")
    )


def list_my_applications(*, access: Access) -> QuerySet[Application]:
    return (
        Application.objects.visible_to(access)
        .filter(applicant_id=access.user_id)
        .select_related("vacancy__employer")
        .order_by("-created_at")
    )


def shares_with_employers(*, access: Access) -> bool:
    """Whether any job-fair employer may see this person now: a registration of theirs that shares the
    profile, or a share consent in the client record linked to their account."""
    if not access.is_authenticated:
        return False
    own = (
        Registration.objects.visible_to(access)
        .filter(user_id=access.user_id, consent_given_at__isnull=False, consent_withdrawn_at__isnull=True)
        .exclude(status=RegistrationStatus.CANCELLED)
    )
    linked = active_consents(ConsentPurpose.SHARE_WITH_EMPLOYERS).filter(
        client__portal_account_id=access.user_id, client__anonymised_at__isnull=True
    )
    return own.exists() or linked.exists()


def get_my_registration_by_id(*, access: Access, public_id: UUID) -> Registration:
    return get_visible_or_404(
        Registration.objects.visible_to(access).filter(user_id=access.user_id).select_related("fair"),
        public_id=public_id,
    )


def get_my_booking(*, access: Access, public_id: UUID) -> Booking:
    return get_visible_or_404(
        Booking.objects.visible_to(access)
        .filter(registration__user_id=access.user_id)
        .select_related("slot__booth__fair", "slot__booth__employer", "registration"),
        public_id=public_id,
    )


def get_my_application(*, access: Access, public_id: UUID) -> Application:
    return get_visible_or_404(
        Application.objects.visible_to(access).filter(applicant_id=access.user_id), public_id=public_id
    )


# --- Employers --------------------------------------------------------------------------------


def get_my_employer(*, access: Access) -> Employer:
    membership = access.primary(Role.EMPLOYER)
    if membership is None or membership.employer is None:
        raise Http404
    return membership.employer


@dataclass
class EmployerDashboard:
    employer: Employer
    booths: list[Booth]
    open_fairs: list[JobFair]
    vacancies: list[Vacancy]
    bookings: list[Booking]
    applications: list[Application]


def employer_dashboard(*, access: Access) -> EmployerDashboard:
    """Everything an employer manages: booths (with candidate counts), fairs to join, vacancies,
    upcoming bookings and applications. A fixed number of queries."""
    employer = get_my_employer(access=access)
    registrations = Registration._base_manager.filter(fair=OuterRef("fair"), status__in=ACTIVE_REGISTRATION)
    booths = list(
        Booth.objects.filter(employer=employer)
        .select_related("fair")
        .annotate(
            candidate_count=_count(registrations, "fair"),
            sharing_count=_count(registrations.filter(shares_profile_q()), "fair"),
            slot_count=_count(MeetingSlot.objects.filter(booth=OuterRef("pk")), "booth"),
        )
        .order_by("-fair__starts_at")
    )
    joined = [booth.fair_id for booth in booths]
    open_fairs = list(
        JobFair.objects.filter(status=FairStatus.PUBLISHED, ends_at__gt=timezone.now())
        .exclude(pk__in=joined)
        .order_by("starts_at")[:10]
    )
    vacancies = list(
        Vacancy.objects.filter(employer=employer)
        .annotate(application_count=_count(Application._base_manager.filter(vacancy=OuterRef("pk")), "vacancy"))
        .order_by("-created_at")
    )
    bookings = list(
        Booking.objects.visible_to(access)
        .filter(slot__booth__employer=employer, status=BookingStatus.ACTIVE, slot__ends_at__gte=timezone.now())
        .select_related("slot__booth__fair", "registration__user", "registration__client")
        .annotate(
            shared=Exists(Registration._base_manager.filter(pk=OuterRef("registration_id")).filter(shares_profile_q()))
        )
        .order_by("slot__starts_at")[:100]
    )
    for booking in bookings:
        # Known by the booth's code (`candidate_code`); by name only when shared (and the account has one).
        registration = booking.registration
        code = candidate_code(booth=booking.slot.booth, registration_public_id=registration.public_id)
        name = ""
        if booking.shared:  # type: ignore[attr-defined]  # annotated above
            name = registration.user.full_name if registration.user_id else registration.client.display_name
        booking.candidate_code, booking.candidate_name = code, name  # type: ignore[attr-defined]
    applications = list(
        Application.objects.visible_to(access)
        .filter(vacancy__employer=employer)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .select_related("vacancy", "applicant")
        .order_by("-created_at")[:100]
    )
    return EmployerDashboard(employer, booths, open_fairs, vacancies, bookings, applications)


def get_my_booth(*, access: Access, public_id: UUID) -> Booth:
    """One of the employer's own booths; another employer's booth is 404."""
    return get_visible_or_404(
        Booth.objects.filter(employer_id__in=access.employer_ids()).select_related("fair", "employer"),
        public_id=public_id,
    )


def get_my_vacancy(*, access: Access, public_id: UUID) -> Vacancy:
    return get_visible_or_404(
        Vacancy.objects.filter(employer_id__in=access.employer_ids()).select_related("employer"), public_id=public_id
    )


def get_employer_application(*, access: Access, public_id: UUID) -> Application:
    return get_visible_or_404(
        Application.objects.visible_to(access)
        .filter(vacancy__employer_id__in=access.employer_ids())
        .select_related("vacancy"),
        public_id=public_id,
    )


def candidate_code(*, booth: Booth, registration_public_id: UUID) -> str:
    """The pseudonymous code an employer knows a candidate by: stable for this booth, different at every
    other booth (two employers cannot match their lists), and telling nothing about the person."""
    digest = salted_hmac(
        "jobfairs.candidate-code", f"{booth.public_id}:{registration_public_id}", algorithm="sha256"
    ).hexdigest()
    return digest[:8].upper()


@dataclass(frozen=True)
class Candidate:
    """One row of an employer's candidate list: what the candidate agreed to share, and nothing more.

    Without consent, only `code` is set. With it: the name (blank when the account has none), the contact
    the consent's wording covers (`Registration.consent_wording`; an e-mail only if there is one), skills,
    languages and whether there is a CV to download (`get_candidate_cv`).
    """

    public_id: UUID
    code: str
    shared: bool
    registration: Registration | None = None
    name: str = ""
    email: str = ""
    phone: str = ""
    phone_display: str = ""
    skills: str = ""
    languages: tuple[str, ...] = ()
    has_cv: bool = False
    status_label: str = ""


@dataclass
class CandidateList:
    candidates: list[Candidate]
    total: int
    shared: int

    @property
    def shared_registrations(self) -> list[Registration]:
        """The registrations whose personal data the page shows (for the employer's read lines)."""
        return [c.registration for c in self.candidates if c.registration is not None]


def _profile(user: User | None) -> object | None:
    # The returnee's own profile (`cms.returnees`, a layer above): reached through the account's reverse
    # relation, selected with the registration, never imported.
    return getattr(user, "returnee_profile", None) if user is not None else None


def _shared_candidate(booth: Booth, registration: Registration) -> Candidate:
    code = candidate_code(booth=booth, registration_public_id=registration.public_id)
    phone = ""
    if registration.user_id:
        user = registration.user
        profile = _profile(user)
        name, email = user.full_name, user.email or ""
        if registration.shares_phone and user.phone and user.phone_verified:
            phone = user.phone
        skills = getattr(profile, "skills", "")
        languages = tuple(getattr(profile, "languages", ()) or ())
        has_cv = bool(getattr(profile, "cv", None))
    else:
        client = registration.client
        name, email, phone = client.display_name, client.email, client.phone
        skills, languages, has_cv = client.skills, tuple(client.languages or ()), False
    return Candidate(
        public_id=registration.public_id,
        code=code,
        shared=True,
        registration=registration,
        name=name,
        email=email,
        phone=phone,
        phone_display=format_phone(phone),
        skills=skills,
        languages=languages,
        has_cv=has_cv,
        status_label=registration.get_status_display(),
    )


def list_candidates(*, access: Access, booth: Booth) -> CandidateList:
    """The fair's candidates for the booth's employer: those who shared their profile first (the ones the
    employer can act on), each group in the order they registered. Two queries, whatever their number.

    Personal data comes only through the one door (`Registration.objects.visible_to`): the candidates who
    agreed to share, and nobody at all unless the booth is approved and the employer verified. Everyone
    else registered is a pseudonymous code (`candidate_code`), which is all an employer learns of them.
    """
    everyone = list(
        Registration._base_manager.filter(fair_id=booth.fair_id, status__in=ACTIVE_REGISTRATION)
        .order_by("created_at", "pk")
        .values_list("pk", "public_id")
    )
    if not (booth.is_approved and booth.employer.is_verified):
        return CandidateList(candidates=[], total=len(everyone), shared=0)
    shared = {
        registration.pk: registration
        for registration in Registration.objects.visible_to(access)
        .filter(fair_id=booth.fair_id, status__in=ACTIVE_REGISTRATION)
        .select_related("user__returnee_profile", "client")
    }
    candidates = [
        _shared_candidate(booth, shared[pk])
        if pk in shared
        else Candidate(
            public_id=public_id, code=candidate_code(booth=booth, registration_public_id=public_id), shared=False
        )
        for pk, public_id in everyone
    ]
    candidates.sort(key=lambda candidate: not candidate.shared)  # stable: registration order within each group
    return CandidateList(candidates=candidates, total=len(everyone), shared=len(shared))


def get_candidate_cv(*, access: Access, booth: Booth, public_id: UUID) -> Registration:
    """A candidate of the employer's own booth who shares their profile and has a CV; anything else is 404:
    another employer's booth (`get_my_booth`), a booth not approved or an employer not verified, a candidate
    who never agreed or withdrew (the scope lets them through no more), a registration of another fair, a
    cancelled one, a client registered by a counsellor (whose documents stay at the centre), no CV."""
    if not (booth.is_approved and booth.employer.is_verified):
        raise Http404
    registration = get_visible_or_404(
        Registration.objects.visible_to(access)
        .filter(fair_id=booth.fair_id, status__in=ACTIVE_REGISTRATION, user__isnull=False)
        .select_related("user__returnee_profile"),
        public_id=public_id,
    )
    if not getattr(_profile(registration.user), "cv", None):
        raise Http404
    return registration


# --- Staff -------------------------------------------------------------------------------------


def list_staffed_fairs(*, access: Access) -> QuerySet[JobFair]:
    registrations = Registration._base_manager.filter(fair=OuterRef("pk"))
    return (
        JobFair.objects.staffed_by(access)
        .select_related("country")
        .annotate(
            registered_count=_count(registrations.filter(status__in=ACTIVE_REGISTRATION), "fair"),
            waitlisted_count=_count(registrations.filter(status=RegistrationStatus.WAITLISTED), "fair"),
            pending_booth_count=_count(Booth.objects.filter(fair=OuterRef("pk"), status=BoothStatus.PENDING), "fair"),
        )
        .order_by("-starts_at")
    )


def get_staffed_fair(*, access: Access, public_id: UUID, roles: tuple[str, ...] = ()) -> JobFair:
    return get_visible_or_404(JobFair.objects.staffed_by(access, *roles).select_related("country"), public_id=public_id)


def list_fair_booths(*, access: Access, fair: JobFair) -> list[Booth]:
    """The fair's booths and booth requests for its organising centres' staff: requests waiting for a
    decision first, then approved, then declined ones; with the employer and its country. One query."""
    order = {BoothStatus.PENDING: 0, BoothStatus.APPROVED: 1, BoothStatus.DECLINED: 2}
    booths = (
        Booth.objects.filter(fair__in=JobFair.objects.staffed_by(access), fair=fair)
        .select_related("employer__country")
        .order_by("created_at", "pk")
    )
    return sorted(booths, key=lambda booth: order.get(booth.status, 3))


def get_staffed_booth(*, access: Access, public_id: UUID) -> Booth:
    """A booth (or booth request) at a fair the user's centre manages; any other is 404."""
    return get_visible_or_404(
        Booth.objects.filter(fair__in=JobFair.objects.staffed_by(access, Role.CENTRE_MANAGER)).select_related(
            "fair", "employer"
        ),
        public_id=public_id,
    )


def list_fair_registrations(*, access: Access, fair: JobFair) -> QuerySet[Registration]:
    return (
        Registration.objects.visible_to(access)
        .filter(fair=fair)
        .select_related("user", "client")
        .annotate(
            booking_count=_count(
                Booking._base_manager.filter(registration=OuterRef("pk"), status="active"), "registration"
            )
        )
        .order_by("status", "created_at")
    )


# --- Outcomes and lessons learned ---------------------------------------------------------------


@dataclass
class Outcome:
    """What one fair (or all fairs of one format) achieved."""

    label: str
    fairs: int = 0
    registrations: int = 0
    attended: int = 0
    meetings: int = 0
    applications: int = 0
    hires: int = 0
    survey_count: int = 0
    satisfaction_sum: float = 0.0
    problems: int = 0

    @property
    def attendance_rate(self) -> float | None:
        return round(100 * self.attended / self.registrations) if self.registrations else None

    @property
    def satisfaction(self) -> float | None:
        return round(self.satisfaction_sum / self.survey_count, 1) if self.survey_count else None

    @property
    def problem_rate(self) -> float | None:
        return round(100 * self.problems / self.survey_count) if self.survey_count else None


def annotate_outcomes(fairs: QuerySet[JobFair]) -> QuerySet[JobFair]:
    """Counts and survey results per fair, as subqueries: one query however many fairs."""
    registrations = Registration._base_manager.filter(fair=OuterRef("pk"))
    surveys = SurveyResponse._base_manager.filter(fair=OuterRef("pk"))
    applications = Application._base_manager.filter(vacancy__fair=OuterRef("pk"))
    meetings = Booking._base_manager.filter(
        slot__booth__fair=OuterRef("pk"),
        status=BookingStatus.ACTIVE,
        registration__status=RegistrationStatus.ATTENDED,
    )

    def avg(queryset: QuerySet, group: str) -> Subquery:
        return Subquery(
            queryset.order_by().values(group).annotate(a=Avg("satisfaction")).values("a")[:1],
            output_field=FloatField(),
        )

    return fairs.annotate(
        n_registrations=_count(registrations.filter(status__in=ACTIVE_REGISTRATION), "fair"),
        n_attended=_count(registrations.filter(status=RegistrationStatus.ATTENDED), "fair"),
        n_meetings=_count(meetings, "slot__booth__fair"),
        n_applications=_count(applications, "vacancy__fair"),
        n_hires=_count(applications.filter(status=ApplicationStatus.HIRED), "vacancy__fair"),
        n_surveys=_count(surveys, "fair"),
        n_problems=_count(surveys.filter(technical_problems=True), "fair"),
        avg_satisfaction=avg(surveys, "fair"),
        avg_candidates=avg(surveys.filter(kind=RespondentKind.CANDIDATE), "fair"),
        avg_employers=avg(surveys.filter(kind=RespondentKind.EMPLOYER), "fair"),
    )


def fair_outcome(fair: JobFair) -> Outcome:
    """The outcome of one annotated fair."""
    return Outcome(
        label=fair.localized_title,
        fairs=1,
        registrations=fair.n_registrations,
        attended=fair.n_attended,
        meetings=fair.n_meetings,
        applications=fair.n_applications,
        hires=fair.n_hires,
        survey_count=fair.n_surveys,
        satisfaction_sum=(fair.avg_satisfaction or 0) * fair.n_surveys,
        problems=fair.n_problems,
    )


@dataclass
class SurveyAnswer:
    """One survey's free-text answers, as shown: never who answered (no name, account or registration)."""

    kind: str
    satisfaction: int
    what_worked: str
    to_improve: str


@dataclass
class FormatAnswers:
    """The free-text answers of the fairs of one format. ``hidden``: fewer than SMALL_CELL surveys answered
    (suppressed views), so none is shown."""

    label: str
    answers: list[SurveyAnswer]
    hidden: bool = False


@dataclass
class LessonsLearned:
    fairs: list[tuple[JobFair, Outcome]]
    by_format: list[Outcome]
    total: Outcome
    answers: list[FormatAnswers]
    # Eyes outside the organising centres (coordinators, analysts): counts shown with small-cell suppression
    # (`shown`), answers only for formats with enough surveys.
    suppressed: bool = False
    shown: list[dict[str, str]] | None = None
    shown_total: dict[str, str] | None = None

    @property
    def suppressed_rows(self) -> list[tuple[Outcome, dict[str, str]]]:
        return list(zip(self.by_format, self.shown or [], strict=False))


# Aggregates for eyes outside the organising centres follow the rules of reports/suppression.py (this layer
# cannot import it): a count from 1 to 4 is "<5", a lone small cell of a table takes the next smallest with it
# ("×"), every other count is rounded to the nearest 5; a rate is worked out from the exact counts, rounded to
# the nearest 5 % and hidden when either side is small.
SMALL_CELL = 5
ROUND_TO = 5
SMALL, COMPLEMENTARY, HIDDEN_RATE = "<5", "×", "—"
# At most this many answers per format on the lessons-learned page (the most recent surveys).
ANSWERS_PER_FORMAT = 100
_COUNTED = ("registrations", "attended", "meetings", "applications", "hires", "survey_count")


def _is_small(n: int) -> bool:
    return 0 < n < SMALL_CELL


def _rounded(n: int) -> str:
    return str(ROUND_TO * ((n + ROUND_TO // 2) // ROUND_TO))


def _suppress_column(total: int, counts: list[int]) -> tuple[str, list[str]]:
    hidden = [_is_small(n) for n in counts]
    if not _is_small(total) and sum(hidden) == 1:
        others = [(n, i) for i, n in enumerate(counts) if n > 0 and not hidden[i]]
        if others:
            hidden[min(others)[1]] = True
    cells = [
        (SMALL if _is_small(n) else COMPLEMENTARY) if hide else _rounded(n)
        for n, hide in zip(counts, hidden, strict=True)
    ]
    return (SMALL if _is_small(total) else _rounded(total)), cells


def _suppressed_rate(part: int, whole: int) -> str:
    if whole < SMALL_CELL or _is_small(part) or _is_small(whole - part):
        return HIDDEN_RATE
    return f"{ROUND_TO * round(100 * part / whole / ROUND_TO)} %"


def _suppressed(rows: list[Outcome], total: Outcome) -> tuple[list[dict[str, str]], dict[str, str]]:
    shown: list[dict[str, str]] = [{"fairs": str(row.fairs)} for row in rows]
    shown_total = {"fairs": str(total.fairs)}
    for name in _COUNTED:
        column_total, cells = _suppress_column(getattr(total, name), [getattr(row, name) for row in rows])
        shown_total[name] = column_total
        for cell, row_shown in zip(cells, shown, strict=True):
            row_shown[name] = cell
    for outcome, row_shown in (*zip(rows, shown, strict=True), (total, shown_total)):
        row_shown["attendance"] = _suppressed_rate(outcome.attended, outcome.registrations)
        row_shown["problems"] = _suppressed_rate(outcome.problems, outcome.survey_count)
        enough = outcome.survey_count >= SMALL_CELL and outcome.satisfaction is not None
        row_shown["satisfaction"] = f"{outcome.satisfaction} / 5" if enough else HIDDEN_RATE
    return shown, shown_total


def _lessons_fairs(access: Access) -> QuerySet[JobFair]:
    """Fairs that have taken place: every fair for an analyst, else those of the user's centres or countries.
    ``own``: a fair of the user's centres or countries (shown fair by fair)."""
    fairs = JobFair.objects.filter(starts_at__lte=timezone.now()).exclude(status=FairStatus.DRAFT)
    staffed = JobFair.objects.staffed_by(access, Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR)
    if access.has_role(Role.PROGRAMME_ANALYST):
        return fairs.annotate(own=Exists(staffed.filter(pk=OuterRef("pk"))))
    return fairs.filter(pk__in=staffed.values("pk")).annotate(own=Value(True))


def lessons_learned(*, access: Access) -> LessonsLearned:
    """Per fair and across fairs by format (virtual / hybrid / on-site), with the surveys' free-text answers by
    format, for the fairs that have taken place in the user's scope. Two queries.

    Managers see their centres' fairs as they are. Coordinators and analysts see the totals by format with
    small-cell suppression, and the answers only of formats with enough surveys; fair by fair, everyone sees
    only the fairs of their own centres or countries (an analyst none). Nobody sees who answered a survey.
    """
    suppressed = access.has_role(Role.COUNTRY_COORDINATOR, Role.PROGRAMME_ANALYST)
    fairs = list(annotate_outcomes(_lessons_fairs(access).select_related("country").order_by("-starts_at")))
    rows = [(fair, fair_outcome(fair)) for fair in fairs]
    grouped: dict[str, Outcome] = {value: Outcome(label=str(label)) for value, label in FairFormat.choices}
    total = Outcome(label="")
    for fair, outcome in rows:
        for bucket in (grouped[fair.format], total):
            _add(bucket, outcome)
    by_format = list(grouped.values())
    lessons = LessonsLearned(
        fairs=[(fair, outcome) for fair, outcome in rows if fair.own],
        by_format=by_format,
        total=total,
        answers=_answers_by_format([fair.pk for fair in fairs], grouped, suppressed=suppressed),
        suppressed=suppressed,
    )
    if suppressed:
        lessons.shown, lessons.shown_total = _suppressed(by_format, total)
    return lessons


def _answers_by_format(fair_ids: list[int], grouped: dict[str, Outcome], *, suppressed: bool) -> list[FormatAnswers]:
    """The surveys' free-text answers by fair format: one query, the most recent first, never who answered."""
    recent = Window(RowNumber(), partition_by=[F("fair__format")], order_by=[F("created_at").desc(), F("pk").desc()])
    answers = (
        SurveyResponse._base_manager.filter(fair_id__in=fair_ids)
        .exclude(what_worked="", to_improve="")
        .annotate(rank=recent, format=F("fair__format"))
        .filter(rank__lte=ANSWERS_PER_FORMAT)
        .order_by("format", "rank")
        .values_list("format", "kind", "satisfaction", "what_worked", "to_improve")
    )
    by_format: dict[str, list[SurveyAnswer]] = {value: [] for value in grouped}
    kinds = dict(RespondentKind.choices)
    for fair_format, kind, satisfaction, worked, improve in answers:
        by_format[fair_format].append(SurveyAnswer(str(kinds.get(kind, kind)), satisfaction, worked, improve))
    return [
        FormatAnswers(
            label=grouped[value].label,
            answers=[] if suppressed and grouped[value].survey_count < SMALL_CELL else items,
            hidden=suppressed and bool(items) and grouped[value].survey_count < SMALL_CELL,
        )
        for value, items in by_format.items()
    ]


def list_survey_answers(*, access: Access, fair: JobFair) -> list[SurveyAnswer]:
    """The free-text answers of one fair's surveys, for its organisers (the staff of its organising centres):
    what each answered, never who. Empty for anyone else. One query."""
    organisers = JobFair.objects.staffed_by(access, Role.COUNSELLOR, Role.CENTRE_MANAGER).filter(pk=fair.pk)
    kinds = dict(RespondentKind.choices)
    rows = (
        SurveyResponse.objects.visible_to(access)
        .filter(fair=fair, fair_id__in=organisers.values("pk"))
        .exclude(what_worked="", to_improve="")
        .order_by("-created_at", "-pk")
        .values_list("kind", "satisfaction", "what_worked", "to_improve")
    )
    return [SurveyAnswer(str(kinds.get(kind, kind)), score, worked, improve) for kind, score, worked, improve in rows]


def _add(bucket: Outcome, outcome: Outcome) -> None:
    for name in (
        "fairs",
        "registrations",
        "attended",
        "meetings",
        "applications",
        "hires",
        "survey_count",
        "satisfaction_sum",
        "problems",
    ):
        setattr(bucket, name, getattr(bucket, name) + getattr(outcome, name))


def list_vettable_employers(*, access: Access) -> QuerySet[Employer]:
    """Employers the user vets (`jobfairs.services.vet_employer`): those of the countries where they manage a
    centre or coordinate, all for an administrator; waiting ones first, then by name."""
    employers = Employer.objects.select_related("country")
    if not access.has_role(Role.ADMIN):
        employers = employers.filter(country_id__in=access.countries_of(Role.CENTRE_MANAGER, Role.COUNTRY_COORDINATOR))
    waiting_first = Case(When(vetting_status=VettingStatus.PENDING, then=0), default=1)
    return employers.order_by(waiting_first, "name", "pk")


def get_vettable_employer(*, access: Access, public_id: UUID | str) -> Employer:
    return get_visible_or_404(list_vettable_employers(access=access), public_id=public_id)
