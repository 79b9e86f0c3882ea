"""Scale data: a realistic, deterministic programme of N clients, loaded with COPY.

`seed_base(...)` writes the small tables once (countries, ~60 centres, staff with memberships and a
second factor, partner organisations and services, employers, job fairs, booths, vacancies).
`seed_people(...)` adds N clients with their consent, case file, sessions (5 per client on average),
a referral with its events, a timeline event, an audit line and, for one client in twenty, a job-fair
registration. It can run more than once on the same base (the query-count tests load 1× and then 3×).

Determinism: every value comes from `random.Random(seed)` and the reference day `today`; ids
continue after the largest id in each table, UUIDs are drawn from the same generator (the first 48
bits count up, like UUIDv7, so the unique indexes are filled in order).

Confidential notes: encrypting millions of notes with Fernet would dominate the run, so one session
in twenty gets a note, chosen among 16 notes encrypted once with the app's own field (so they
decrypt as usual); the others have none.

Actors the benchmark uses are found by e-mail: ``counsellor.eg1.1@bench.example`` (centre EG1, the
"focus" centre, which holds about four times a centre's average share of clients),
``manager.eg1@bench.example``, ``coordinator.eg@bench.example``, ``analyst@bench.example``,
``partner.1@bench.example``, ``admin@bench.example`` (an administrator membership; nobody is a
superuser), and ``countrywide.eg@bench.example``, a counsellor with a membership in every centre of
Egypt (case files are casework: a country coordinator sees aggregates only, so the country-wide search
E4 is made by such a mobile counsellor). Every password is ``BENCH_PASSWORD``.
The first client of EG1 (code ``EG-EG1-000001``) has a case with 50 sessions.

The package: `common` (sizes, value pools, ids, the base's shape), `base` (`seed_base`, `load_base`),
`people` (`seed_people`), `rollups` (`rebuild_rollups_for_year`).
"""

from __future__ import annotations

from devtools.bench.seed.base import load_base, seed_base
from devtools.bench.seed.common import BENCH_PASSWORD, BIG_CASE_SESSIONS, EMAIL_DOMAIN, FOCUS_CENTRE, Base
from devtools.bench.seed.people import seed_people
from devtools.bench.seed.rollups import rebuild_rollups_for_year

__all__ = [
    "BENCH_PASSWORD",
    "BIG_CASE_SESSIONS",
    "EMAIL_DOMAIN",
    "FOCUS_CENTRE",
    "Base",
    "load_base",
    "rebuild_rollups_for_year",
    "seed_base",
    "seed_people",
]
