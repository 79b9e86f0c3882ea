"""A day's mixed work against the portal, for Locust (`make load`; see tests/load/run.py).

Who does what (weights are the share of simulated people):
- counsellors (4): caseload, search by name/code, open a case, log a session now and then;
- centre managers (2): the centre dashboard for a month, follow-ups, the team page;
- returnees and visitors (5, anonymous): the information site's home, job fairs, a fair, a vacancy;
- partner organisation users (1): their inbox, a referral, and an answer (accept, enrol, ...) when one is open.

Staff sign in with e-mail, password and a TOTP code computed from the demo accounts' secrets
(`manage.py demo_accounts --json`, read from $LOAD_ACCOUNTS); each simulated person has its own loopback
address (the portal limits sign-ins per address). Every failed check is a Locust failure.
Only 127.0.0.1 is targeted: run.py refuses any other host.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
import time
from collections import defaultdict

import pyotp
from locust import HttpUser, between, task
from requests.adapters import HTTPAdapter
from urllib3 import PoolManager

LANG = "/en"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SEARCHES = ["a", "mo", "al", "ka", "an", "GH-", "ben", "ah", "+233", "sa"]

_accounts: dict[str, list[dict]] = defaultdict(list)
_cycles: dict[str, itertools.cycle] = {}
_lock = threading.Lock()
_used_codes: dict[str, str] = {}


def _load_accounts() -> None:
    path = os.environ.get("LOAD_ACCOUNTS", "")
    if not path:
        return
    with open(path) as handle:
        for row in json.load(handle):
            if row.get("totp_secret") or row["role"] == "returnee":
                _accounts[row["role"]].append(row)
    for role, rows in _accounts.items():
        _cycles[role] = itertools.cycle(rows)


_load_accounts()


def _next_account(role: str) -> dict:
    with _lock:
        if role not in _cycles:
            raise RuntimeError(f"No demo account with the role {role}: run `manage.py seed_demo` first.")
        return next(_cycles[role])


# The portal allows 10 sign-in attempts a minute per address (ACCOUNT_RATE_LIMITS): each simulated person gets
# an address of its own on the loopback network (127.0.x.y, all local on Linux), as real people have.
# LOAD_LOGIN_INTERVAL (seconds) spaces sign-ins out instead, where other loopback addresses cannot be used.
LOGIN_INTERVAL = float(os.environ.get("LOAD_LOGIN_INTERVAL", "0"))
_next_login = [0.0]
_addresses = itertools.count(0)


class SourceAddressAdapter(HTTPAdapter):
    def __init__(self, source: str, **kwargs) -> None:
        self.source = source
        super().__init__(**kwargs)

    def init_poolmanager(self, connections, maxsize, block=False, **kwargs) -> None:
        self.poolmanager = PoolManager(
            num_pools=connections, maxsize=maxsize, block=block, source_address=(self.source, 0), **kwargs
        )


def _own_address(client) -> None:
    if LOGIN_INTERVAL or os.environ.get("LOAD_ONE_ADDRESS"):
        return
    with _lock:
        n = next(_addresses)
    client.mount("http://", SourceAddressAdapter(f"127.0.{n // 250}.{n % 250 + 2}"))


def _login_slot() -> None:
    with _lock:
        slot = max(time.monotonic(), _next_login[0])
        _next_login[0] = slot + LOGIN_INTERVAL
    time.sleep(max(0.0, slot - time.monotonic()))


def _fresh_code(account: dict) -> str:
    """A TOTP code not used yet for this account (the portal refuses a replayed code): wait for the next one."""
    totp = pyotp.TOTP(account["totp_secret"])
    while True:
        with _lock:
            code = totp.now()
            if _used_codes.get(account["email"]) != code:
                _used_codes[account["email"]] = code
                return code
        time.sleep(1 + 30 - time.time() % 30)


class PortalUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    role = ""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _own_address(self.client)

    def _csrf(self, html: str) -> str:
        match = CSRF.search(html)
        return match.group(1) if match else self.client.cookies.get("csrftoken", "")

    def login(self) -> None:
        account = _next_account(self.role)
        _login_slot()
        page = self.client.get(f"{LANG}/accounts/login/", name="login form")
        with self.client.post(
            f"{LANG}/accounts/login/",
            {"login": account["email"], "password": account["password"], "csrfmiddlewaretoken": self._csrf(page.text)},
            headers={"Referer": page.url},
            name="login",
            catch_response=True,
        ) as response:
            if "/2fa/authenticate" not in response.url:
                error = re.search(r'class="errorlist[^"]*"[^>]*>\s*<li>([^<]+)', response.text)
                reason = error.group(1).strip() if error else f"HTTP {response.status_code}"
                response.failure(f"no second-factor step ({reason}) for {account['email']}")
                return
        with self.client.post(
            response.url,
            {"code": _fresh_code(account), "csrfmiddlewaretoken": self._csrf(response.text)},
            headers={"Referer": response.url},
            name="login second factor",
            catch_response=True,
        ) as done:
            if "/accounts/" in done.url:
                done.failure(f"second factor refused (HTTP {done.status_code}) for {account['email']}")
        self.account = account

    def links(self, html: str, prefix: str) -> list[str]:
        return sorted(set(re.findall(rf'href="({re.escape(prefix)}{UUID}/)"', html)))


class Counsellor(PortalUser):
    weight = 4
    role = "counsellor"

    def on_start(self) -> None:
        self.login()
        self.cases = self.links(self.client.get(f"{LANG}/staff/cases/", name="caseload").text, f"{LANG}/staff/cases/")

    @task(3)
    def caseload(self) -> None:
        self.client.get(f"{LANG}/staff/cases/", name="caseload")

    @task(3)
    def search(self) -> None:
        self.client.get(f"{LANG}/staff/cases/", params={"q": random.choice(SEARCHES)}, name="caseload search")

    @task(3)
    def open_case(self) -> None:
        if self.cases:
            self.client.get(random.choice(self.cases), name="case detail")

    @task(1)
    def log_session(self) -> None:
        open_cases = self.cases
        if not open_cases:
            return
        url = random.choice(open_cases) + "sessions/new/"
        form = self.client.get(url, name="session form")
        if form.status_code != 200:
            return  # a closed case: no form
        with self.client.post(
            url,
            {
                "held_at": time.strftime("%Y-%m-%dT%H:%M"),
                "duration_minutes": str(random.choice([20, 30, 45, 60])),
                "mode": random.choice(["in_person", "phone", "video"]),
                "kind": "individual",
                "topics": [random.choice(["housing", "labour_market", "health", "education"])],
                "summary": f"Load test session {random.randint(1, 10**9)}",
                "csrfmiddlewaretoken": self._csrf(form.text),
            },
            headers={"Referer": form.url},
            name="log session",
            catch_response=True,
        ) as response:
            if response.status_code == 200 and "This case is closed" in response.text:
                response.success()  # the form said why; nothing lost
            elif "/sessions/new/" in response.url:
                response.failure("the session form came back")


class Manager(PortalUser):
    weight = 2
    role = "centre_manager"

    def on_start(self) -> None:
        self.login()
        reports = self.client.get(f"{LANG}/staff/reports/", name="reports home")
        self.dashboard = reports.url.split("?")[0] if "/staff/reports/centre/" in reports.url else None

    @task(4)
    def dashboard_month(self) -> None:
        if self.dashboard:
            today = time.gmtime()  # a month of this year up to now (a future period is refused)
            month = random.randint(1, today.tm_mon)
            params = {"period": "month", "year": str(today.tm_year), "month": str(month)}
            self.client.get(self.dashboard, params=params, name="centre dashboard")

    @task(2)
    def follow_ups(self) -> None:
        self.client.get(f"{LANG}/staff/follow-ups/", name="follow-ups")

    @task(1)
    def team(self) -> None:
        self.client.get(f"{LANG}/staff/team/", name="team")


class Visitor(PortalUser):
    """A returnee or visitor reading the public site, without an account."""

    weight = 5

    def on_start(self) -> None:
        fairs = self.client.get(f"{LANG}/jobfairs/", name="job fairs").text
        self.fairs = self.links(fairs, f"{LANG}/jobfairs/")
        self.vacancies: list[str] = []

    @task(4)
    def home(self) -> None:
        self.client.get(f"{LANG}/", name="home")

    @task(2)
    def job_fairs(self) -> None:
        self.client.get(f"{LANG}/jobfairs/", name="job fairs")

    @task(2)
    def fair(self) -> None:
        if self.fairs:
            page = self.client.get(random.choice(self.fairs), name="job fair")
            self.vacancies = self.links(page.text, f"{LANG}/jobfairs/vacancies/") or self.vacancies

    @task(1)
    def vacancy(self) -> None:
        if self.vacancies:
            self.client.get(random.choice(self.vacancies), name="vacancy")


class Partner(PortalUser):
    weight = 1
    role = "partner"

    def on_start(self) -> None:
        self.login()
        self.referrals = self.links(self.inbox(), f"{LANG}/partner/referrals/")

    def inbox(self) -> str:
        return self.client.get(f"{LANG}/partner/referrals/", name="partner inbox").text

    @task(3)
    def view_inbox(self) -> None:
        self.inbox()

    @task(2)
    def answer(self) -> None:
        if not self.referrals:
            return
        url = random.choice(self.referrals)
        page = self.client.get(url, name="partner referral")
        moves = re.findall(r'name="status" value="(accepted|enrolled|waitlisted)"', page.text)
        if not moves:
            return
        with self.client.post(
            url,
            {"status": moves[0], "note": "", "outcome": "", "csrfmiddlewaretoken": self._csrf(page.text)},
            headers={"Referer": page.url},
            name="partner answer",
            catch_response=True,
        ) as response:
            if response.url.rstrip("/") != page.url.rstrip("/"):
                response.failure(f"the answer went to {response.url}")
