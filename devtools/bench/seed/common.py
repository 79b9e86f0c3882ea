"""What every part of the scale data shares: the sizes, the value pools, ids, progress lines and the base."""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid
from dataclasses import dataclass, field

BENCH_PASSWORD = "bench-password-2026"  # noqa: S105 - scale data only, named in the README
EMAIL_DOMAIN = "bench.example"
FOCUS_CENTRE = "EG1"
BIG_CASE_SESSIONS = 50
COUNTRIES = ["EG", "AL", "GM", "GH", "IQ", "JO", "XK", "MA", "NG", "PK", "SN", "RS", "TN", "ID"]
CENTRES_PER_COUNTRY = [6, 4, 3, 4, 5, 4, 3, 5, 5, 6, 3, 5, 4, 3]  # 60
COUNSELLORS_PER_CENTRE = 4
ORGS_PER_COUNTRY = 3
SERVICES_PER_ORG = 3
EMPLOYERS_PER_COUNTRY = 4
FAIRS_PER_COUNTRY = 3
VACANCIES_PER_EMPLOYER = 5
BULK_DDL_FROM = 50_000
HISTORY_DAYS = 3 * 365  # case files opened over the last three years

CITIES = {
    "EG": ["Cairo", "Alexandria", "Giza", "Assiut", "Luxor", "Aswan"],
    "AL": ["Tirana", "Durrës", "Shkodër", "Elbasan"],
    "GM": ["Banjul", "Serekunda", "Brikama"],
    "GH": ["Accra", "Kumasi", "Tamale", "Takoradi"],
    "IQ": ["Baghdad", "Erbil", "Basra", "Mosul", "Najaf"],
    "JO": ["Amman", "Irbid", "Zarqa", "Aqaba"],
    "XK": ["Pristina", "Prizren", "Peja"],
    "MA": ["Casablanca", "Rabat", "Fès", "Tanger", "Oujda"],
    "NG": ["Lagos", "Abuja", "Benin City", "Kano", "Enugu"],
    "PK": ["Islamabad", "Lahore", "Karachi", "Peshawar", "Quetta", "Multan"],
    "SN": ["Dakar", "Thiès", "Saint-Louis"],
    "RS": ["Belgrade", "Novi Sad", "Niš", "Kragujevac", "Subotica"],
    "TN": ["Tunis", "Sfax", "Sousse", "Gabès"],
    "ID": ["Jakarta", "Surabaya", "Medan"],
}
SUMMARIES = [
    "Discussed the labour market and next steps.",
    "Reviewed the CV and possible trainings.",
    "Talked about the family situation and housing.",
    "Follow-up on the referral; the client is motivated.",
    "Information on regular migration pathways.",
    "",
    "",
]
TOPICS = [
    "labour_market",
    "vocational_training",
    "education",
    "business",
    "psychosocial",
    "regular_migration",
    "irregular_risks",
    "reintegration",
    "documents",
    "housing",
    "health",
]
STATUSES = ["open"] * 30 + ["active"] * 40 + ["on_hold"] * 5 + ["closed"] * 25
CLOSURE = ["goals_achieved", "client_request", "unreachable", "moved_away", "migrated", "other"]
TARGET_GROUPS = ["returnee_de"] * 4 + ["returnee_other"] * 2 + ["idp", "local", "local", "potential_migrant"]
EDUCATION = ["none", "primary", "secondary", "secondary", "vocational", "tertiary", ""]
SEXES = ["female", "male", "male", "female", "other", "undisclosed"]
REFERRAL_PATHS = [
    ["draft"],
    ["draft", "sent"],
    ["draft", "sent"],
    ["draft", "sent", "accepted"],
    ["draft", "sent", "accepted", "enrolled"],
    ["draft", "sent", "accepted", "enrolled"],
    ["draft", "sent", "accepted", "enrolled", "completed"],
    ["draft", "sent", "accepted", "enrolled", "completed"],
    ["draft", "sent", "declined"],
    ["draft", "sent", "accepted", "enrolled", "dropped_out"],
]
PARTNER_STEPS = {"accepted", "declined", "enrolled", "completed", "dropped_out"}
CATEGORIES = ["vocational_training", "online_course", "psychosocial", "job_placement", "business", "language"]


def log_step(message: str) -> None:
    print(f"seed_scale: {message}", flush=True)


class Progress:
    """A simple progress line (tqdm is not a dependency): rows done, rate, elapsed time."""

    def __init__(self, label: str, total: int, *, enabled: bool = True) -> None:
        self.label, self.total, self.done, self.enabled = label, max(total, 1), 0, enabled
        self.started = self.last = time.monotonic()

    def tick(self) -> None:
        self.done += 1
        if self.enabled and self.done % 20000 == 0:
            now = time.monotonic()
            if now - self.last >= 1.0:
                self.last = now
                self._print(now)

    def _print(self, now: float) -> None:
        share = min(self.done / self.total, 1.0)
        bar = "#" * int(share * 30)
        rate = self.done / max(now - self.started, 1e-6)
        print(
            f"\r  {self.label:<16} [{bar:<30}] {share:6.1%} {self.done:>10,} rows {rate:>9,.0f}/s", end="", flush=True
        )

    def close(self) -> None:
        if self.enabled:
            self.total = max(self.done, 1)
            self._print(time.monotonic())
            print(flush=True)


class Ids:
    """Deterministic, increasing UUIDs: 48 counting bits then 80 random bits (version 4 and variant bits set)."""

    def __init__(self, rng: random.Random, prefix: int, offset: int = 0) -> None:
        self.rng, self.counter = rng, (prefix << 44) + offset

    def __call__(self) -> uuid.UUID:
        self.counter += 1
        value = (self.counter << 80) | self.rng.getrandbits(80)
        value = (value & ~(0xF << 76)) | (0x4 << 76)  # version 4
        value = (value & ~(0x3 << 62)) | (0x2 << 62)  # RFC 4122 variant
        return uuid.UUID(int=value)

    def text(self) -> str:
        h = f"{self().int:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


@dataclass
class CentreInfo:
    id: int
    code: str
    country: str
    counsellors: list[int]
    manager: int
    services: list[tuple[int, int]] = field(default_factory=list)  # (service id, organisation id)
    fairs: list[int] = field(default_factory=list)
    clients: int = 0


@dataclass
class Base:
    centres: list[CentreInfo]
    staff_count: int
    weights: list[float]


def aware_at(day: dt.date, seconds: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC) + dt.timedelta(seconds=seconds)
