"""Demo data of the counselling app: clients with names in their own scripts, cases,
sessions in the local languages, plans, follow-ups (some overdue), consents and
a group session per centre. Idempotent and deterministic.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from counselling.models import (
    CaseEvent,
    CaseFile,
    CaseStatus,
    Client,
    ClosureReason,
    Consent,
    ConsentMethod,
    ConsentPurpose,
    ContactChannel,
    FollowUp,
    GoalStatus,
    GroupSession,
    PlanGoal,
    Session,
    SessionMode,
    Sex,
    TargetGroup,
    Topic,
)
from counselling.services import search_columns
from portal.access import Role, unscoped
from portal.geography import COUNTRIES
from portal.models import Centre, Membership

# Given names / family names per country, Latin transcription and own script.
NAMES: dict[str, tuple[list[tuple[str, str]], list[tuple[str, str]]]] = {
    "arabic": (
        [
            ("Mohamed", "محمد"),
            ("Ahmed", "أحمد"),
            ("Fatima", "فاطمة"),
            ("Youssef", "يوسف"),
            ("Amina", "أمينة"),
            ("Omar", "عمر"),
            ("Khadija", "خديجة"),
            ("Mustafa", "مصطفى"),
            ("Salma", "سلمى"),
            ("Hassan", "حسن"),
        ],
        [
            ("El Amrani", "العمراني"),
            ("Hassan", "حسن"),
            ("Benali", "بن علي"),
            ("Mahmoud", "محمود"),
            ("Haddad", "حداد"),
            ("Saleh", "صالح"),
            ("Ibrahim", "إبراهيم"),
            ("Nasser", "ناصر"),
        ],
    ),
    "urdu": (
        [
            ("Muhammad", "محمد"),
            ("Ayesha", "عائشہ"),
            ("Bilal", "بلال"),
            ("Zainab", "زینب"),
            ("Imran", "عمران"),
            ("Sana", "ثناء"),
            ("Usman", "عثمان"),
            ("Hina", "حنا"),
            ("Faisal", "فیصل"),
            ("Rabia", "رابعہ"),
        ],
        [
            ("Khan", "خان"),
            ("Ahmed", "احمد"),
            ("Hussain", "حسین"),
            ("Qureshi", "قریشی"),
            ("Malik", "ملک"),
            ("Butt", "بٹ"),
            ("Chaudhry", "چودھری"),
            ("Raza", "رضا"),
        ],
    ),
    "serbian": (
        [
            ("Marko", "Марко"),
            ("Jelena", "Јелена"),
            ("Nikola", "Никола"),
            ("Milica", "Милица"),
            ("Stefan", "Стефан"),
            ("Ana", "Ана"),
            ("Dragan", "Драган"),
            ("Ivana", "Ивана"),
            ("Miloš", "Милош"),
            ("Jovana", "Јована"),
        ],
        [
            ("Jovanović", "Јовановић"),
            ("Petrović", "Петровић"),
            ("Nikolić", "Николић"),
            ("Marković", "Марковић"),
            ("Đorđević", "Ђорђевић"),
            ("Stojanović", "Стојановић"),
            ("Ilić", "Илић"),
            ("Pavlović", "Павловић"),
        ],
    ),
    "albanian": (
        [
            ("Arben", ""),
            ("Elira", ""),
            ("Besnik", ""),
            ("Drita", ""),
            ("Gëzim", ""),
            ("Mimoza", ""),
            ("Ilir", ""),
            ("Blerta", ""),
            ("Fatmir", ""),
            ("Vjosa", ""),
        ],
        [
            ("Hoxha", ""),
            ("Krasniqi", ""),
            ("Gashi", ""),
            ("Berisha", ""),
            ("Shehu", ""),
            ("Dervishi", ""),
            ("Kelmendi", ""),
            ("Leka", ""),
        ],
    ),
    "westafrica": (
        [
            ("Kwame", ""),
            ("Ama", ""),
            ("Kofi", ""),
            ("Abena", ""),
            ("Yaw", ""),
            ("Efua", ""),
            ("Chinedu", ""),
            ("Ngozi", ""),
            ("Lamin", ""),
            ("Isatou", ""),
        ],
        [
            ("Mensah", ""),
            ("Owusu", ""),
            ("Boateng", ""),
            ("Asante", ""),
            ("Okafor", ""),
            ("Adeyemi", ""),
            ("Jallow", ""),
            ("Ceesay", ""),
        ],
    ),
    "senegal": (
        [
            ("Moussa", ""),
            ("Awa", ""),
            ("Ousmane", ""),
            ("Fatou", ""),
            ("Cheikh", ""),
            ("Aminata", ""),
            ("Mamadou", ""),
            ("Khady", ""),
            ("Ibrahima", ""),
            ("Ndeye", ""),
        ],
        [
            ("Diop", ""),
            ("Ndiaye", ""),
            ("Fall", ""),
            ("Sow", ""),
            ("Gueye", ""),
            ("Faye", ""),
            ("Sarr", ""),
            ("Ba", ""),
        ],
    ),
    "indonesian": (
        [
            ("Budi", ""),
            ("Siti", ""),
            ("Agus", ""),
            ("Dewi", ""),
            ("Eko", ""),
            ("Rina", ""),
            ("Hendra", ""),
            ("Sri", ""),
            ("Andi", ""),
            ("Wulan", ""),
        ],
        [
            ("Santoso", ""),
            ("Wijaya", ""),
            ("Saputra", ""),
            ("Lestari", ""),
            ("Hidayat", ""),
            ("Kusuma", ""),
            ("Pratama", ""),
            ("Nugroho", ""),
        ],
    ),
}
NAME_SET_BY_COUNTRY = {
    "EG": "arabic",
    "IQ": "arabic",
    "JO": "arabic",
    "MA": "arabic",
    "TN": "arabic",
    "PK": "urdu",
    "RS": "serbian",
    "AL": "albanian",
    "XK": "albanian",
    "GH": "westafrica",
    "NG": "westafrica",
    "GM": "westafrica",
    "SN": "senegal",
    "ID": "indonesian",
}
FEMALE_GIVEN = {
    "Fatima",
    "Amina",
    "Khadija",
    "Salma",
    "Ayesha",
    "Zainab",
    "Sana",
    "Hina",
    "Rabia",
    "Jelena",
    "Milica",
    "Ana",
    "Ivana",
    "Jovana",
    "Elira",
    "Drita",
    "Mimoza",
    "Blerta",
    "Vjosa",
    "Ama",
    "Abena",
    "Efua",
    "Ngozi",
    "Isatou",
    "Awa",
    "Fatou",
    "Aminata",
    "Khady",
    "Ndeye",
    "Siti",
    "Dewi",
    "Rina",
    "Sri",
    "Wulan",
}
CLIENTS_PER_CENTRE = 20


# Session summaries, next steps and plan goals as counsellors write them, per language.
TEXTS: dict[str, dict[str, list[str]]] = {
    "en": {
        "summary": [
            "Talked about the return journey and the family's situation. Client wants to work in agriculture.",
            "Reviewed the CV together. Client is interested in a welding course.",
            "Client feels stressed since returning. We agreed to a referral for psychosocial support.",
        ],
        "next": [
            "Send the list of training centres.",
            "Call next week about the course dates.",
            "Check the documents.",
        ],
        "goals": ["Finish a vocational course", "Find a stable job", "Register a small business"],
    },
    "fr": {
        "summary": [
            "Entretien sur le retour et la situation familiale. Le client souhaite travailler dans l'agriculture.",
            "CV revu ensemble. Intérêt pour une formation en soudure.",
            "La cliente se sent stressée depuis le retour. Orientation vers un soutien psychosocial convenue.",
        ],
        "next": [
            "Envoyer la liste des centres de formation.",
            "Rappeler la semaine prochaine.",
            "Vérifier les papiers.",
        ],
        "goals": [
            "Terminer une formation professionnelle",
            "Trouver un emploi stable",
            "Créer une petite entreprise",
        ],
    },
    "ar": {
        "summary": [
            "تحدثنا عن رحلة العودة ووضع الأسرة. يرغب المستفيد في العمل في الزراعة.",
            "راجعنا السيرة الذاتية معًا. المستفيد مهتم بدورة في اللحام.",
            "يشعر المستفيد بالضغط منذ عودته. اتفقنا على إحالته إلى الدعم النفسي والاجتماعي.",
        ],
        "next": [
            "إرسال قائمة مراكز التدريب.",
            "الاتصال الأسبوع القادم بشأن مواعيد الدورة.",
            "التحقق من الوثائق.",
        ],
        "goals": ["إكمال دورة تدريب مهني", "الحصول على عمل مستقر", "تسجيل مشروع صغير"],
    },
    "ur": {
        "summary": [
            "واپسی کے سفر اور خاندان کی صورتحال پر بات ہوئی۔ کلائنٹ زراعت میں کام کرنا چاہتا ہے۔",
            "سی وی مل کر دیکھی۔ کلائنٹ ویلڈنگ کورس میں دلچسپی رکھتا ہے۔",
            "واپسی کے بعد سے کلائنٹ ذہنی دباؤ محسوس کرتا ہے۔ نفسیاتی معاونت کے لیے ریفرل پر اتفاق ہوا۔",
        ],
        "next": [
            "تربیتی مراکز کی فہرست بھیجیں۔",
            "اگلے ہفتے کورس کی تاریخوں کے بارے میں فون کریں۔",
            "دستاویزات چیک کریں۔",
        ],
        "goals": ["پیشہ ورانہ کورس مکمل کرنا", "مستقل ملازمت تلاش کرنا", "چھوٹا کاروبار رجسٹر کرنا"],
    },
    "sr-latn": {
        "summary": [
            "Razgovarali smo o povratku i porodičnoj situaciji. Klijent želi da radi u poljoprivredi.",
            "Zajedno smo pregledali CV. Klijent je zainteresovan za kurs zavarivanja.",
            "Klijentkinja je pod stresom od povratka. Dogovorili smo upućivanje na psihosocijalnu podršku.",
        ],
        "next": [
            "Poslati spisak centara za obuku.",
            "Pozvati sledeće nedelje zbog termina kursa.",
            "Proveriti dokumenta.",
        ],
        "goals": ["Završiti stručnu obuku", "Naći stalni posao", "Registrovati malu firmu"],
    },
    "sq": {
        "summary": [
            "Folëm për kthimin dhe gjendjen e familjes. Klienti dëshiron të punojë në bujqësi.",
            "E rishikuam CV-në së bashku. Klienti është i interesuar për një kurs saldimi.",
            "Klientja ndihet e stresuar që nga kthimi. U ramë dakord për referim te mbështetja psikosociale.",
        ],
        "next": [
            "Dërgo listën e qendrave të trajnimit.",
            "Telefono javën tjetër për datat e kursit.",
            "Kontrollo dokumentet.",
        ],
        "goals": [
            "Përfundimi i një kursi profesional",
            "Gjetja e një pune të qëndrueshme",
            "Regjistrimi i një biznesi të vogël",
        ],
    },
    "id": {
        "summary": [
            "Membahas perjalanan pulang dan keadaan keluarga. Klien ingin bekerja di bidang pertanian.",
            "Meninjau CV bersama. Klien tertarik dengan kursus pengelasan.",
            "Klien merasa tertekan sejak kembali. Disepakati rujukan ke dukungan psikososial.",
        ],
        "next": [
            "Kirim daftar pusat pelatihan.",
            "Telepon minggu depan tentang jadwal kursus.",
            "Periksa dokumen.",
        ],
        "goals": ["Menyelesaikan kursus kejuruan", "Mendapat pekerjaan tetap", "Mendaftarkan usaha kecil"],
    },
}


def _text_language(centre: Centre) -> str:
    language = (centre.languages or ["en"])[0]
    return language if language in TEXTS else "en"


def _client(centre: Centre, rng: random.Random, number: int) -> Client:
    given_names, family_names = NAMES[NAME_SET_BY_COUNTRY[centre.country_id]]
    given, given_native = rng.choice(given_names)
    family, family_native = rng.choice(family_names)
    client = Client(
        centre=centre,
        code=f"{centre.country_id}-{centre.code}-{number:06d}",
        given_name=given,
        family_name=family,
        name_native=f"{given_native} {family_native}".strip(),
        sex=Sex.FEMALE if given in FEMALE_GIVEN else Sex.MALE,
        birth_year=rng.randint(1965, 2007),
        phone=f"{COUNTRIES[centre.country_id].phone_prefix}{rng.randint(200000000, 999999999)}",
        preferred_channel=rng.choice(ContactChannel.values),
        nationality=centre.country_id,
        target_group=rng.choices(TargetGroup.values, weights=[5, 2, 1, 2, 3])[0],
        languages=list(centre.languages[:1]),
        created_at=timezone.now() - dt.timedelta(days=rng.randint(10, 400)),
    )
    search_columns(client)
    return client


def _seed_centre(centre: Centre, rng: random.Random, counsellor_id: int) -> int:
    """The centre's demo clients that are missing, by their codes in its series: a client transferred away
    keeps its code (and is not made again), one transferred in has another centre's code."""
    series = f"{centre.country_id}-{centre.code}-"
    taken = set(Client.objects.filter(code__startswith=series).values_list("code", flat=True))
    missing = [n for n in range(1, CLIENTS_PER_CENTRE + 1) if f"{series}{n:06d}" not in taken]
    if not missing:
        return 0
    texts = TEXTS[_text_language(centre)]
    clients = Client.objects.bulk_create([_client(centre, rng, n) for n in missing])
    Centre.objects.filter(pk=centre.pk, client_counter__lt=CLIENTS_PER_CENTRE).update(client_counter=CLIENTS_PER_CENTRE)
    today = timezone.localdate()
    for client in clients:
        status = rng.choices(
            [CaseStatus.OPEN, CaseStatus.ACTIVE, CaseStatus.ON_HOLD, CaseStatus.CLOSED], weights=[2, 6, 1, 2]
        )[0]
        opened = timezone.localdate(client.created_at)
        case = CaseFile.objects.create(
            client=client,
            centre=centre,
            counsellor_id=counsellor_id,
            status=status,
            opened_on=opened,
            closed_on=today if status == CaseStatus.CLOSED else None,
            closure_reason=ClosureReason.GOALS_ACHIEVED if status == CaseStatus.CLOSED else "",
        )
        Consent.objects.create(
            client=client,
            purpose=ConsentPurpose.COUNSELLING_RECORD,
            method=ConsentMethod.SIGNED,
            given_on=opened,
            recorded_by_id=counsellor_id,
        )
        if rng.random() < 0.5:
            Consent.objects.create(
                client=client,
                purpose=ConsentPurpose.FOLLOW_UP_CONTACT,
                method=ConsentMethod.SIGNED,
                given_on=opened,
                recorded_by_id=counsellor_id,
            )
        CaseEvent.objects.create(case=case, actor_id=counsellor_id, kind="case.opened", occurred_at=client.created_at)
        sessions = 0 if status == CaseStatus.OPEN else rng.randint(1, 5)
        last = None
        for index in range(sessions):
            held_at = client.created_at + dt.timedelta(days=7 * index + rng.randint(0, 3), hours=2)
            session = Session.objects.create(
                case=case,
                counsellor_id=counsellor_id,
                held_at=held_at,
                duration_minutes=rng.choice([30, 45, 60]),
                mode=rng.choice(SessionMode.values),
                topics=rng.sample(Topic.values, k=rng.randint(1, 3)),
                language=centre.languages[0] if centre.languages else "",
                summary=rng.choice(texts["summary"]),
                confidential_notes=rng.choice(texts["summary"]) if rng.random() < 0.3 else "",
                next_steps=rng.choice(texts["next"]),
            )
            CaseEvent.objects.create(
                case=case,
                actor_id=counsellor_id,
                kind="session.logged",
                occurred_at=held_at,
                # As counselling.services.log_session writes it: the timeline reads the session's own length.
                params={"session": str(session.public_id), "minutes": session.duration_minutes},
            )
            last = timezone.localdate(held_at)
        if status != CaseStatus.OPEN:
            PlanGoal.objects.create(
                case=case,
                title=rng.choice(texts["goals"]),
                due_on=today + dt.timedelta(days=rng.randint(-20, 120)),
                status=rng.choice(GoalStatus.values),
            )
        next_follow_up = None
        if status in (CaseStatus.ACTIVE, CaseStatus.ON_HOLD):
            next_follow_up = today + dt.timedelta(days=rng.randint(-10, 20))
            FollowUp.objects.create(
                case=case,
                assigned_to_id=counsellor_id,
                created_by_id=counsellor_id,
                title=rng.choice(texts["next"]),
                due_on=next_follow_up,
            )
        CaseFile.objects.filter(pk=case.pk).update(last_session_on=last, next_follow_up_on=next_follow_up)
    GroupSession.objects.create(
        centre=centre,
        title={
            "en": "Information session: safe migration",
            "fr": "Séance d'information : migration sûre",
            "ar": "جلسة إعلامية: الهجرة الآمنة",
            "ur": "معلوماتی نشست: محفوظ ہجرت",
            "sr-latn": "Informativna sesija: bezbedna migracija",
            "sq": "Seancë informuese: migrim i sigurt",
            "id": "Sesi informasi: migrasi aman",
        }[_text_language(centre)],
        held_on=today - dt.timedelta(days=14),
        topics=[Topic.REGULAR_MIGRATION, Topic.IRREGULAR_MIGRATION_RISKS],
        facilitator_id=counsellor_id,
        participants=20,
        by_sex={"female": 9, "male": 11},
        by_age_band={"18_24": 8, "25_34": 9, "35_49": 3},
        by_target_group={"potential_migrant": 12, "local": 5, "returnee_de": 3},
    )
    return len(clients)


def repair_session_events() -> int:
    """Demos seeded before this fix wrote "45 minutes" on every session's timeline line, whatever its length.
    Those lines (they name no session) get the length of the session held at that moment on that case.
    Lines that name their session (written by the product) and erased clients' cases are left as they are.
    Returns how many lines were corrected (0 on every later run)."""
    stale = list(
        CaseEvent.objects.filter(kind="session.logged", case__client__anonymised_at=None)
        .exclude(params__has_key="session")
        .only("case", "params", "occurred_at")
    )
    if not stale:
        return 0
    minutes = {
        (case_id, held_at): length
        for case_id, held_at, length in Session.objects.filter(
            case_id__in={event.case_id for event in stale}
        ).values_list("case_id", "held_at", "duration_minutes")
    }
    repaired = []
    for event in stale:
        length = minutes.get((event.case_id, event.occurred_at))
        if length is not None and event.params.get("minutes") != length:
            event.params = {**event.params, "minutes": length}
            repaired.append(event)
    CaseEvent.objects.bulk_update(repaired, ["params"])
    return len(repaired)


@transaction.atomic
def seed() -> dict[str, int]:
    """Clients and their case files in every demo centre (skipped where they exist)."""
    rng = random.Random(20261122)
    created = 0
    with unscoped():
        counsellors = {
            m.centre_id: m.user_id
            for m in Membership.objects.filter(role=Role.COUNSELLOR, is_active=True).order_by("pk")
        }
        for centre in Centre.objects.filter(pk__in=counsellors).order_by("pk"):
            created += _seed_centre(centre, rng, counsellors[centre.pk])
        repaired = repair_session_events()
    return {"clients": created, "session_lines_repaired": repaired}
