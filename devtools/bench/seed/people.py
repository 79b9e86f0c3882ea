"""N clients with their consent, case file, sessions, referral, timeline, audit and registrations (`seed_people`)."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from array import array
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from django.db import connection

from devtools.bench.copyload import bulk_load_ddl, copy_lines, copy_rows, encode, next_id, reset_sequence
from devtools.bench.names import COUNTRY_POOLS, POOLS
from devtools.bench.seed.common import (
    BIG_CASE_SESSIONS,
    BULK_DDL_FROM,
    CLOSURE,
    EDUCATION,
    FOCUS_CENTRE,
    HISTORY_DAYS,
    PARTNER_STEPS,
    REFERRAL_PATHS,
    SEXES,
    STATUSES,
    SUMMARIES,
    TARGET_GROUPS,
    TOPICS,
    Base,
    Ids,
    Progress,
    aware_at,
    log_step,
)

# --- People ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def _search_keys(
    given: str, family: str, transliterated: str, native: str
) -> tuple[list[str], list[str], list[str], str]:
    """The derived search columns, computed by the app's own function (counselling.services)."""
    from counselling.services import search_columns

    client = SimpleNamespace(
        given_name=given, family_name=family, name_transliterated=transliterated, name_native=native
    )
    search_columns(client)
    return client.given_keys, client.family_keys, client.search_keys, client.search_text


@dataclass
class Plan:
    """Per-client facts every table's generator needs, kept in compact arrays (about 20 bytes a client)."""

    centre: array  # index into base.centres
    number: array  # the client's number within its centre (its code)
    counsellor: array  # user id
    opened: array  # days before today
    last: array  # days before today of the last session
    status: array  # index into STATUSES
    sessions: array  # how many sessions


def _plan(base: Base, n: int, rng: random.Random) -> Plan:
    plan = Plan(array("H"), array("I"), array("I"), array("H"), array("H"), array("B"), array("B"))
    centre_choices = rng.choices(range(len(base.centres)), weights=base.weights, k=n)
    focus = [i.code for i in base.centres].index(FOCUS_CENTRE)
    if n and base.centres[focus].clients == 0:
        centre_choices[0] = focus  # the first load opens the focus centre's big case first
    for c in centre_choices:
        info = base.centres[c]
        info.clients += 1
        opened = rng.randrange(HISTORY_DAYS)
        status = rng.randrange(len(STATUSES))
        sessions = rng.randint(3, 7)
        if info.code == FOCUS_CENTRE and info.clients == 1:
            sessions, status, opened = BIG_CASE_SESSIONS, STATUSES.index("active"), HISTORY_DAYS - 1
        plan.centre.append(c)
        plan.number.append(info.clients)
        plan.counsellor.append(info.counsellors[rng.randrange(len(info.counsellors))])
        plan.opened.append(opened)
        plan.last.append(rng.randint(0, opened) if opened else 0)
        plan.status.append(status)
        plan.sessions.append(sessions)
    return plan


def seed_people(*, base: Base, clients: int, seed: int, today: dt.date, progress: bool = True) -> dict[str, int]:
    """Add ``clients`` clients with everything that hangs on them; return the rows written per table."""
    from counselling.models import CaseEvent, CaseFile, Client, Consent, Session
    from jobfairs.models import Registration
    from portal.crypto import EncryptedTextField
    from portal.models import AuditEvent, Centre
    from referrals.models import Referral, ReferralEvent

    rng = random.Random(seed * 7919 + 1)
    started_counters = {info.id: info.clients for info in base.centres}
    plan = _plan(base, clients, rng)
    notes_field = EncryptedTextField()
    notes = [
        notes_field.get_prep_value(f"Confidential note {k}: family situation discussed in detail.") for k in range(16)
    ]
    written: dict[str, int] = {}
    tables = [m._meta.db_table for m in (Client, Consent, CaseFile, Session, CaseEvent, Referral, ReferralEvent)]
    tables += [AuditEvent._meta.db_table, Registration._meta.db_table]
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '256MB'")
        first = {
            m: next_id(cursor, m)
            for m in (Client, Consent, CaseFile, Session, CaseEvent, Referral, ReferralEvent, Registration)
        }
        # Big loads go faster without secondary indexes and foreign keys, put back (and checked) at the end.
        with bulk_load_ddl(cursor, tables, log=log_step) if clients >= BULK_DDL_FROM else nullcontext():
            ids = Ids(rng, 2, offset=8 * first[Client] + 4 * first[Session])  # past an earlier load's ids

            def run(label: str, model: Any, rows: Iterator[dict[str, Any]], total: int) -> None:
                bar = Progress(label, total, enabled=progress)
                written[model._meta.db_table] = copy_rows(cursor, model, rows, on_row=bar.tick)
                bar.close()

            run("clients", Client, _clients(base, plan, first[Client], rng, ids, today), clients)
            run("consents", Consent, _consents(plan, first, rng, ids, today), clients)
            case_uuids = array("Q")
            run("case files", CaseFile, _cases(base, plan, first, rng, ids, today, case_uuids), clients)
            bar = Progress("sessions", 5 * clients, enabled=progress)
            lines = _session_lines(plan, first[Session], first[CaseFile], rng, ids, today, notes)
            written[Session._meta.db_table] = copy_lines(cursor, Session, SESSION_COLUMNS, lines, on_row=bar.tick)
            bar.close()
            run("case events", CaseEvent, _case_events(plan, first, today), clients)
            run("referrals", Referral, _referrals(base, plan, first, rng, ids, today), clients)
            run("referral events", ReferralEvent, _referral_events(base, plan, first, rng, today), 3 * clients)
            run("audit", AuditEvent, _audit(base, plan, first, case_uuids, today), clients)
            run("registrations", Registration, _registrations(base, plan, first, rng, ids, today), clients // 20)
            if clients >= BULK_DDL_FROM:
                log_step("recreating indexes and foreign keys (checked over every row)")
        for model in (Client, Consent, CaseFile, Session, CaseEvent, Referral, ReferralEvent, AuditEvent, Registration):
            reset_sequence(cursor, model)
        for info in base.centres:
            if info.clients != started_counters[info.id]:
                Centre.objects.filter(pk=info.id).update(client_counter=info.clients)
    return written


def _day(today: dt.date, days_before: int) -> dt.date:
    return today - dt.timedelta(days=days_before)


def _clients(
    base: Base, plan: Plan, first: int, rng: random.Random, ids: Ids, today: dt.date
) -> Iterator[dict[str, Any]]:
    pools_by_country = {c: ([p for p, _w in pools], [w for _p, w in pools]) for c, pools in COUNTRY_POOLS.items()}
    for i in range(len(plan.centre)):
        info = base.centres[plan.centre[i]]
        names, weights = pools_by_country[info.country]
        given_pool, family_pool = POOLS[rng.choices(names, weights)[0] if len(names) > 1 else names[0]]
        g_native, g_latin = given_pool[rng.randrange(len(given_pool))]
        f_native, f_latin = family_pool[rng.randrange(len(family_pool))]
        given, family = rng.choice(g_latin), rng.choice(f_latin)
        native = f"{g_native} {f_native}" if g_native and rng.random() < 0.7 else ""
        transliterated = ""
        if len(f_latin) > 1 and rng.random() < 0.3:
            transliterated = f"{rng.choice(g_latin)} {rng.choice(f_latin)}"
        given_keys, family_keys, keys, text = _search_keys(given, family, transliterated, native)
        birth_year = today.year - rng.randint(16, 65)
        created = aware_at(_day(today, plan.opened[i]), rng.randrange(8 * 3600, 17 * 3600))
        yield {
            "id": first + i,
            "public_id": ids(),
            "centre_id": info.id,
            "code": f"{info.country}-{info.code}-{plan.number[i]:06d}",
            "given_name": given,
            "family_name": family,
            "name_native": native,
            "name_transliterated": transliterated,
            "sex": rng.choice(SEXES),
            "birth_date": dt.date(birth_year, rng.randint(1, 12), rng.randint(1, 28)) if rng.random() < 0.8 else None,
            "birth_year": birth_year,
            "phone": f"+{rng.randint(20, 998)}{rng.randrange(10**8, 10**9)}",
            "preferred_channel": "phone",
            "nationality": info.country,
            "current_location": info.code,
            "target_group": rng.choice(TARGET_GROUPS),
            "education": rng.choice(EDUCATION),
            "given_keys": given_keys,
            "family_keys": family_keys,
            "search_keys": keys,
            "search_text": text,
            "created_at": created,
        }


def _consents(plan: Plan, first: dict, rng: random.Random, ids: Ids, today: dt.date) -> Iterator[dict[str, Any]]:
    from counselling.models import Client, Consent

    for i in range(len(plan.centre)):
        day = _day(today, plan.opened[i])
        yield {
            "id": first[Consent] + i,
            "public_id": ids(),
            "client_id": first[Client] + i,
            "purpose": "counselling_record",
            "legal_basis": "consent",
            "method": "signed",
            "given_on": day,
            "recorded_by_id": plan.counsellor[i],
            "recorded_at": aware_at(day, 10 * 3600),
        }


def _cases(
    base: Base, plan: Plan, first: dict, rng: random.Random, ids: Ids, today: dt.date, uuids: array
) -> Iterator[dict[str, Any]]:
    from counselling.models import CaseFile, Client

    for i in range(len(plan.centre)):
        status = STATUSES[plan.status[i]]
        last = _day(today, plan.last[i])
        closed = status == "closed"
        public_id = ids()
        uuids.append(public_id.int >> 64)
        uuids.append(public_id.int & 0xFFFFFFFFFFFFFFFF)
        yield {
            "id": first[CaseFile] + i,
            "public_id": public_id,
            "client_id": first[Client] + i,
            "centre_id": base.centres[plan.centre[i]].id,
            "counsellor_id": plan.counsellor[i],
            "status": status,
            "closure_reason": rng.choice(CLOSURE) if closed else "",
            "opened_on": _day(today, plan.opened[i]),
            "closed_on": last if closed else None,
            "next_follow_up_on": None if closed else last + dt.timedelta(days=rng.randint(7, 60)),
            "last_session_on": last,
            "version": 1,
            "updated_at": aware_at(last, 16 * 3600),
        }


SESSION_COLUMNS = [
    "id", "public_id", "case_id", "counsellor_id", "held_at", "duration_minutes", "mode", "kind", "topics",
    "language", "interpreter", "summary", "confidential_notes", "next_steps", "created_at",
]  # fmt: skip


def _session_lines(
    plan: Plan, session_id: int, case_id: int, rng: random.Random, ids: Ids, today: dt.date, notes: list[str]
) -> Iterator[str]:
    """Sessions as COPY text lines, built without dicts or datetime objects: the biggest table goes fastest."""
    days = [(today - dt.timedelta(days=d)).isoformat() for d in range(HISTORY_DAYS + 1)]
    topics = [encode(rng.sample(TOPICS, rng.randint(1, 3))) for _ in range(256)]
    summaries = [encode(s) for s in SUMMARIES]
    modes = ("in_person", "in_person", "phone", "video", "messaging")
    durations = ("30", "45", "45", "60", "90")
    random_, randrange, randint = rng.random, rng.randrange, rng.randint
    for i in range(len(plan.centre)):
        opened, last, counsellor, n = plan.opened[i], plan.last[i], plan.counsellor[i], plan.sessions[i]
        case = case_id + i
        for k in range(n):
            day = days[last if k == n - 1 else randint(last, opened)]
            seconds = randrange(8 * 3600, 17 * 3600)
            note = notes[randrange(16)] if random_() < 0.05 else ""
            yield (
                f"{session_id}\t{ids.text()}\t{case}\t{counsellor}"
                f"\t{day} {seconds // 3600:02d}:{seconds % 3600 // 60:02d}:00+00"
                f"\t{durations[randrange(5)]}\t{modes[randrange(5)]}\tindividual\t{topics[randrange(256)]}"
                f"\t\tf\t{summaries[randrange(len(summaries))]}\t{note}\t\t{day} 17:00:00+00"
            )
            session_id += 1


def _case_events(plan: Plan, first: dict, today: dt.date) -> Iterator[dict[str, Any]]:
    from counselling.models import CaseEvent, CaseFile

    for i in range(len(plan.centre)):
        yield {
            "id": first[CaseEvent] + i,
            "case_id": first[CaseFile] + i,
            "occurred_at": aware_at(_day(today, plan.opened[i]), 9 * 3600),
            "actor_id": plan.counsellor[i],
            "kind": "case.opened",
            "params": {},
        }


def _referral_path(rng: random.Random) -> list[str]:
    return REFERRAL_PATHS[rng.randrange(len(REFERRAL_PATHS))]


def _referrals(
    base: Base, plan: Plan, first: dict, rng: random.Random, ids: Ids, today: dt.date
) -> Iterator[dict[str, Any]]:
    from counselling.models import CaseFile
    from referrals.models import Referral

    path_rng = random.Random(rng.random())  # shared with _referral_events, which replays the same choices
    base.path_seed = path_rng.random()  # type: ignore[attr-defined]
    replay = random.Random(base.path_seed)  # type: ignore[attr-defined]
    for i in range(len(plan.centre)):
        info = base.centres[plan.centre[i]]
        service, org = info.services[replay.randrange(len(info.services))]
        path = _referral_path(replay)
        day = _day(today, (plan.opened[i] + plan.last[i]) // 2)
        created = aware_at(day, 11 * 3600)
        status = path[-1]
        final = status in {"declined", "completed", "dropped_out"}
        yield {
            "id": first[Referral] + i,
            "public_id": ids(),
            "code": f"R-{i + first[Referral]:09d}",
            "case_id": first[CaseFile] + i,
            "centre_id": info.id,
            "service_id": service,
            "organization_id": org,
            "created_by_id": plan.counsellor[i],
            "reason": "Referred after counselling.",
            "urgency": "routine",
            "status": status,
            "outcome": "certificate" if status == "completed" else "",
            "due_on": day + dt.timedelta(days=14),
            "sent_at": created if len(path) > 1 else None,
            "closed_at": created + dt.timedelta(days=len(path) * 5) if final else None,
            "link_nonce": f"{rng.getrandbits(64):016x}",
            "version": len(path),
            "created_at": created,
            "updated_at": created + dt.timedelta(days=(len(path) - 1) * 5),
        }


def _referral_events(base: Base, plan: Plan, first: dict, rng: random.Random, today: dt.date) -> Iterator[dict]:
    from referrals.models import Referral, ReferralEvent

    replay = random.Random(base.path_seed)  # type: ignore[attr-defined]
    event_id = first[ReferralEvent]
    for i in range(len(plan.centre)):
        info = base.centres[plan.centre[i]]
        replay.randrange(len(info.services))
        path = _referral_path(replay)
        created = aware_at(_day(today, (plan.opened[i] + plan.last[i]) // 2), 11 * 3600)
        for step, status in enumerate(path[1:], 1):
            partner = status in PARTNER_STEPS
            yield {
                "id": event_id,
                "referral_id": first[Referral] + i,
                "occurred_at": created + dt.timedelta(days=(step - 1) * 5),
                "actor_id": None if partner else plan.counsellor[i],
                "channel": "partner_link" if partner else "staff",
                "from_status": path[step - 1],
                "to_status": status,
                "note": "",
            }
            event_id += 1


def _audit(base: Base, plan: Plan, first: dict, uuids: array, today: dt.date) -> Iterator[dict[str, Any]]:
    for i in range(len(plan.centre)):
        public_id = uuid.UUID(int=(uuids[2 * i] << 64) | uuids[2 * i + 1])
        yield {
            "occurred_at": aware_at(_day(today, plan.opened[i]), 9 * 3600),
            "actor_id": plan.counsellor[i],
            "action": "counselling.case.opened",
            "target_type": "counselling.casefile",
            "target_id": str(public_id),
            "centre_id": base.centres[plan.centre[i]].id,
            "ip_address": None,
            "details": {},
        }


def _registrations(
    base: Base, plan: Plan, first: dict, rng: random.Random, ids: Ids, today: dt.date
) -> Iterator[dict[str, Any]]:
    from counselling.models import Client
    from jobfairs.models import Registration

    reg_id = first[Registration]
    for i in range(len(plan.centre)):
        if i % 20:
            continue
        info = base.centres[plan.centre[i]]
        yield {
            "id": reg_id,
            "public_id": ids(),
            "fair_id": info.fairs[rng.randrange(len(info.fairs))],
            "client_id": first[Client] + i,
            "registered_by_id": plan.counsellor[i],
            "status": "registered",
            "answers": {},
            "check_in_code": f"{reg_id:08X}",
            "created_at": aware_at(today - dt.timedelta(days=rng.randint(1, 60)), 10 * 3600),
        }
        reg_id += 1
