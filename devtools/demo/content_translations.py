"""The demo's written content in the other interface languages: fair titles, descriptions and questions,
vacancy titles, service names and centre opening hours (`portal.i18n_content` keeps them in `translations`).

The source texts (the model fields) are English; a local-language original (a Serbian service name, a French
fair title) is one of the translations, so every language has its own text and English is the fallback.
"""

from __future__ import annotations

from typing import Any

# Language codes as in settings.LANGUAGES (English is the source).
Texts = dict[str, str]

FAIR_TITLES: dict[str, Texts] = {
    "Virtual job fair Serbia": {
        "de": "Virtuelle Jobmesse Serbien",
        "fr": "Salon virtuel de l'emploi Serbie",
        "ar": "معرض التوظيف الافتراضي في صربيا",
        "sq": "Panairi virtual i punës Serbi",
        "sr-latn": "Virtuelni sajam zapošljavanja Srbija",
        "ur": "سربیا ورچوئل ملازمت میلہ",
        "id": "Bursa kerja virtual Serbia",
    },
    "Virtual job fair Serbia – spring": {
        "de": "Virtuelle Jobmesse Serbien – Frühjahr",
        "fr": "Salon virtuel de l'emploi Serbie – printemps",
        "ar": "معرض التوظيف الافتراضي في صربيا – الربيع",
        "sq": "Panairi virtual i punës Serbi – pranverë",
        "sr-latn": "Virtuelni sajam zapošljavanja Srbija – proleće",
        "ur": "سربیا ورچوئل ملازمت میلہ – بہار",
        "id": "Bursa kerja virtual Serbia – musim semi",
    },
    "Hybrid job fair Accra": {
        "de": "Hybride Jobmesse Accra",
        "fr": "Salon de l'emploi hybride Accra",
        "ar": "معرض التوظيف الهجين في أكرا",
        "sq": "Panairi hibrid i punës Akra",
        "sr-latn": "Hibridni sajam zapošljavanja Akra",
        "ur": "اکرا ہائبرڈ ملازمت میلہ",
        "id": "Bursa kerja hibrida Accra",
    },
    "Hybrid job fair Kumasi": {
        "de": "Hybride Jobmesse Kumasi",
        "fr": "Salon de l'emploi hybride Kumasi",
        "ar": "معرض التوظيف الهجين في كوماسي",
        "sq": "Panairi hibrid i punës Kumasi",
        "sr-latn": "Hibridni sajam zapošljavanja Kumasi",
        "ur": "کماسی ہائبرڈ ملازمت میلہ",
        "id": "Bursa kerja hibrida Kumasi",
    },
    "Casablanca job fair": {
        "de": "Jobmesse Casablanca",
        "fr": "Salon de l'emploi Casablanca",
        "ar": "معرض التشغيل الدار البيضاء",
        "sq": "Panairi i punës Kazablanka",
        "sr-latn": "Sajam zapošljavanja Kazablanka",
        "ur": "کاسابلانکا ملازمت میلہ",
        "id": "Bursa kerja Casablanca",
    },
    "Amman green jobs fair": {
        "de": "Messe für grüne Jobs Amman",
        "fr": "Salon des emplois verts Amman",
        "ar": "معرض الوظائف الخضراء عمّان",
        "sq": "Panairi i vendeve të punës së gjelbër Aman",
        "sr-latn": "Sajam zelenih poslova Aman",
        "ur": "عمّان سبز ملازمتوں کا میلہ",
        "id": "Bursa kerja hijau Amman",
    },
}

FAIR_DESCRIPTION = (
    "Meet employers who are hiring now: 15-minute talks, vacancies and advice from the centre's counsellors."
)
FAIR_DESCRIPTIONS: Texts = {
    "de": "Treffen Sie Arbeitgeber, die jetzt einstellen: 15-minütige Gespräche, offene Stellen und Beratung "
    "durch das Team des Zentrums.",
    "fr": "Rencontrez des employeurs qui recrutent dès maintenant : entretiens de 15 minutes, offres d'emploi et "
    "conseils des conseillers du centre.",
    "ar": "قابِل أصحاب عمل يوظّفون الآن: محادثات مدتها 15 دقيقة، ووظائف شاغرة، ونصائح من مستشاري المركز.",
    "sq": "Takoni punëdhënës që po punësojnë tani: biseda 15-minutëshe, vende të lira pune dhe këshilla nga "
    "këshilltarët e qendrës.",
    "sr-latn": "Upoznajte poslodavce koji upravo zapošljavaju: razgovori od 15 minuta, oglasi za posao i saveti "
    "savetnika centra.",
    "ur": "ابھی بھرتی کرنے والے آجروں سے ملیں: 15 منٹ کی بات چیت، خالی آسامیاں اور مرکز کے مشیروں سے رہنمائی۔",
    "id": "Temui pemberi kerja yang sedang merekrut: obrolan 15 menit, lowongan, dan saran dari konselor pusat.",
}

FAIR_QUESTION = "Which kind of work are you looking for?"
FAIR_QUESTIONS: Texts = {
    "de": "Welche Art von Arbeit suchen Sie?",
    "fr": "Quel type de travail cherchez-vous ?",
    "ar": "ما نوع العمل الذي تبحث عنه؟",
    "sq": "Çfarë lloj pune po kërkoni?",
    "sr-latn": "Kakav posao tražite?",
    "ur": "آپ کس قسم کا کام تلاش کر رہے ہیں؟",
    "id": "Pekerjaan seperti apa yang Anda cari?",
}

VACANCY_TITLES: dict[str, Texts] = {
    "Forklift driver": {
        "de": "Staplerfahrer/in",
        "fr": "Cariste",
        "ar": "سائق رافعة شوكية",
        "sq": "Shofer pirunjëse",
        "sr-latn": "Vozač viljuškara",
        "ur": "فورک لفٹ ڈرائیور",
        "id": "Operator forklift",
    },
    "Warehouse clerk": {
        "de": "Lagerist/in",
        "fr": "Magasinier ou magasinière",
        "ar": "موظف مستودع",
        "sq": "Punonjës magazine",
        "sr-latn": "Magacioner",
        "ur": "گودام کلرک",
        "id": "Staf gudang",
    },
    "Machine operator (food processing)": {
        "de": "Maschinenbediener/in (Lebensmittelverarbeitung)",
        "fr": "Opérateur ou opératrice de machines (agroalimentaire)",
        "ar": "مشغّل آلات (تصنيع الأغذية)",
        "sq": "Operator makinerish (përpunim ushqimor)",
        "sr-latn": "Operater mašina (prerada hrane)",
        "ur": "مشین آپریٹر (فوڈ پروسیسنگ)",
        "id": "Operator mesin (pengolahan makanan)",
    },
    "Welder": {
        "de": "Schweißer/in",
        "fr": "Soudeur ou soudeuse",
        "ar": "لحّام",
        "sq": "Saldator",
        "sr-latn": "Zavarivač",
        "ur": "ویلڈر",
        "id": "Tukang las",
    },
    "Call centre agent (French, German)": {
        "de": "Callcenter-Agent/in (Französisch, Deutsch)",
        "fr": "Téléconseiller ou téléconseillère (français, allemand)",
        "ar": "موظف مركز اتصال (الفرنسية، الألمانية)",
        "sq": "Agjent qendre thirrjesh (frëngjisht, gjermanisht)",
        "sr-latn": "Agent kol centra (francuski, nemački)",
        "ur": "کال سینٹر ایجنٹ (فرانسیسی، جرمن)",
        "id": "Agen pusat panggilan (Prancis, Jerman)",
    },
    "Solar panel installer": {
        "de": "Solarmonteur/in",
        "fr": "Installateur ou installatrice de panneaux solaires",
        "ar": "مركّب ألواح شمسية",
        "sq": "Instalues panelesh diellore",
        "sr-latn": "Monter solarnih panela",
        "ur": "سولر پینل انسٹالر",
        "id": "Pemasang panel surya",
    },
}

# "{title} at {employer}. Training on the job; returnees welcome." in each language.
VACANCY_DESCRIPTION = "{title} at {employer}. Training on the job; returnees welcome."
VACANCY_DESCRIPTIONS: Texts = {
    "de": "{title} bei {employer}. Einarbeitung im Betrieb; Rückkehrende sind willkommen.",
    "fr": "{title} chez {employer}. Formation sur le poste ; les personnes de retour sont les bienvenues.",
    "ar": "{title} لدى {employer}. تدريب أثناء العمل؛ نرحّب بالعائدين.",
    "sq": "{title} në {employer}. Trajnim në vendin e punës; të kthyerit janë të mirëpritur.",
    "sr-latn": "{title} u firmi {employer}. Obuka na poslu; povratnici su dobrodošli.",
    "ur": "{employer} میں {title}۔ کام کے دوران تربیت؛ واپس آنے والوں کو خوش آمدید۔",
    "id": "{title} di {employer}. Pelatihan di tempat kerja; pekerja migran yang pulang dipersilakan melamar.",
}

SERVICE_NAMES: dict[str, Texts] = {
    "Welding and fabrication (6 months)": {
        "de": "Schweißen und Metallbau (6 Monate)",
        "fr": "Soudure et construction métallique (6 mois)",
        "ar": "اللحام وتشكيل المعادن (6 أشهر)",
        "sq": "Saldim dhe përpunim metalesh (6 muaj)",
        "sr-latn": "Zavarivanje i obrada metala (6 meseci)",
        "ur": "ویلڈنگ اور فیبریکیشن (6 ماہ)",
        "id": "Pengelasan dan fabrikasi (6 bulan)",
    },
    "Solar installation technician": {
        "de": "Techniker/in für Solaranlagen",
        "fr": "Technicien ou technicienne en installation solaire",
        "ar": "فنّي تركيب الطاقة الشمسية",
        "sq": "Teknik i instalimeve diellore",
        "sr-latn": "Tehničar za solarne instalacije",
        "ur": "سولر تنصیب ٹیکنیشن",
        "id": "Teknisi instalasi surya",
    },
    "Peer support groups for returnees": {
        "de": "Gesprächsgruppen für Rückkehrende",
        "fr": "Groupes d'entraide pour les personnes de retour",
        "ar": "مجموعات دعم الأقران للعائدين",
        "sq": "Grupe mbështetjeje për të kthyerit",
        "sr-latn": "Grupe podrške za povratnike",
        "ur": "واپس آنے والوں کے لیے ہم منصب معاون گروپ",
        "id": "Kelompok dukungan sebaya untuk pekerja yang pulang",
    },
    "Job placement": {
        "de": "Arbeitsvermittlung",
        "fr": "Placement professionnel",
        "ar": "التوسط في التوظيف",
        "sq": "Ndërmjetësim për punë",
        "sr-latn": "Posredovanje u zapošljavanju",
        "ur": "ملازمت کی فراہمی",
        "id": "Penempatan kerja",
    },
    "Computer skills training": {
        "de": "Computerkurs",
        "fr": "Formation en informatique",
        "ar": "تدريب على مهارات الحاسوب",
        "sq": "Trajnim për punë me kompjuter",
        "sr-latn": "Obuka za rad na računaru",
        "ur": "کمپیوٹر کی مہارت کی تربیت",
        "id": "Pelatihan keterampilan komputer",
    },
    "Individual counselling": {
        "de": "Einzelberatung",
        "fr": "Accompagnement individuel",
        "ar": "استشارة فردية",
        "sq": "Këshillim individual",
        "sr-latn": "Individualno savetovanje",
        "ur": "انفرادی مشاورت",
        "id": "Konseling individu",
    },
    "Electrician course (3 months)": {
        "de": "Elektrikerkurs (3 Monate)",
        "fr": "Formation d'électricien (3 mois)",
        "ar": "دورة كهربائي (3 أشهر)",
        "sq": "Kurs për elektricist (3 muaj)",
        "sr-latn": "Kurs za električara (3 meseca)",
        "ur": "الیکٹریشن کورس (3 ماہ)",
        "id": "Kursus kelistrikan (3 bulan)",
    },
    "Mobile phone repair": {
        "de": "Handyreparatur",
        "fr": "Réparation de téléphones portables",
        "ar": "إصلاح الهواتف المحمولة",
        "sq": "Riparim telefonash celularë",
        "sr-latn": "Popravka mobilnih telefona",
        "ur": "موبائل فون کی مرمت",
        "id": "Servis telepon genggam",
    },
    "Telephone counselling": {
        "de": "Telefonberatung",
        "fr": "Écoute et conseil par téléphone",
        "ar": "استشارة عبر الهاتف",
        "sq": "Këshillim me telefon",
        "sr-latn": "Savetovanje putem telefona",
        "ur": "ٹیلیفون پر مشاورت",
        "id": "Konseling melalui telepon",
    },
    "Vocational training in car mechanics": {
        "de": "Berufsausbildung Kfz-Mechanik",
        "fr": "Formation qualifiante en mécanique automobile",
        "ar": "تكوين مهني في ميكانيك السيارات",
        "sq": "Formim profesional në mekanikë automjetesh",
        "sr-latn": "Stručna obuka za automehaničare",
        "ur": "کار مکینک کی پیشہ ورانہ تربیت",
        "id": "Pelatihan kejuruan mekanik mobil",
    },
    "Support for starting a business": {
        "de": "Begleitung bei der Unternehmensgründung",
        "fr": "Accompagnement à la création d'entreprise",
        "ar": "مواكبة إنشاء المقاولات",
        "sq": "Mbështetje për hapjen e një biznesi",
        "sr-latn": "Podrška za pokretanje biznisa",
        "ur": "کاروبار شروع کرنے میں مدد",
        "id": "Pendampingan memulai usaha",
    },
    "Tourism and hospitality skills": {
        "de": "Kenntnisse für Tourismus und Gastgewerbe",
        "fr": "Compétences en tourisme et hôtellerie",
        "ar": "مهارات السياحة والضيافة",
        "sq": "Aftësi në turizëm dhe mikpritje",
        "sr-latn": "Veštine u turizmu i ugostiteljstvu",
        "ur": "سیاحت اور مہمان نوازی کی مہارتیں",
        "id": "Keterampilan pariwisata dan perhotelan",
    },
    "Plumbing course": {
        "de": "Kurs Sanitärinstallation",
        "fr": "Formation en plomberie",
        "ar": "دورة في السباكة",
        "sq": "Kurs për hidraulik",
        "sr-latn": "Kurs za vodoinstalatere",
        "ur": "پلمبنگ کورس",
        "id": "Kursus pipa air",
    },
    "Small business grants and coaching": {
        "de": "Zuschüsse und Coaching für Kleinunternehmen",
        "fr": "Subventions et accompagnement pour petites entreprises",
        "ar": "منح وتدريب للمشاريع الصغيرة",
        "sq": "Grante dhe mentorim për biznese të vogla",
        "sr-latn": "Bespovratna sredstva i mentorstvo za male biznise",
        "ur": "چھوٹے کاروبار کے لیے گرانٹس اور کوچنگ",
        "id": "Hibah dan pendampingan usaha kecil",
    },
    "Job readiness training": {
        "de": "Vorbereitung auf den Berufseinstieg",
        "fr": "Préparation à l'emploi",
        "ar": "تدريب على الجاهزية للعمل",
        "sq": "Trajnim për gatishmëri për punë",
        "sr-latn": "Obuka za pripremu za posao",
        "ur": "ملازمت کی تیاری کی تربیت",
        "id": "Pelatihan kesiapan kerja",
    },
    "Vocational training in construction": {
        "de": "Berufsausbildung im Bauwesen",
        "fr": "Formation professionnelle dans le bâtiment",
        "ar": "تدريب مهني في البناء",
        "sq": "Trajnim profesional në ndërtimtari",
        "sr-latn": "Stručna obuka u građevinarstvu",
        "ur": "تعمیرات میں پیشہ ورانہ تربیت",
        "id": "Pelatihan kejuruan konstruksi",
    },
    "Entrepreneurship training": {
        "de": "Gründungstraining",
        "fr": "Formation à l'entrepreneuriat",
        "ar": "تدريب على ريادة الأعمال",
        "sq": "Trajnim për sipërmarrje",
        "sr-latn": "Obuka za preduzetništvo",
        "ur": "کاروباری تربیت",
        "id": "Pelatihan kewirausahaan",
    },
    "Training in sewing and fashion design": {
        "de": "Ausbildung in Schneiderei und Modedesign",
        "fr": "Formation en couture et stylisme",
        "ar": "تدريب في الخياطة وتصميم الأزياء",
        "sq": "Trajnim në rrobaqepësi dhe stilim",
        "sr-latn": "Obuka za krojenje i modni dizajn",
        "ur": "سلائی اور فیشن ڈیزائن کی تربیت",
        "id": "Pelatihan menjahit dan desain busana",
    },
    "German language course A1": {
        "de": "Deutschkurs A1",
        "fr": "Cours de langue allemande A1",
        "ar": "دورة اللغة الألمانية A1",
        "sq": "Kurs i gjuhës gjermane A1",
        "sr-latn": "Kurs nemačkog jezika A1",
        "ur": "جرمن زبان کا کورس A1",
        "id": "Kursus bahasa Jerman A1",
    },
    "Electric welding training": {
        "de": "Ausbildung im Elektroschweißen",
        "fr": "Formation en soudure électrique",
        "ar": "تدريب على اللحام الكهربائي",
        "sq": "Trajnim për saldim elektrik",
        "sr-latn": "Obuka za elektrozavarivanje",
        "ur": "الیکٹرک ویلڈنگ کی تربیت",
        "id": "Pelatihan las listrik",
    },
    "Digital skills for beginners (online, free)": {
        "de": "Digitale Grundkenntnisse (online, kostenlos)",
        "fr": "Compétences numériques pour débutants (en ligne, gratuit)",
        "ar": "مهارات رقمية للمبتدئين (عبر الإنترنت، مجانًا)",
        "sq": "Aftësi dixhitale për fillestarë (online, falas)",
        "sr-latn": "Digitalne veštine za početnike (onlajn, besplatno)",
        "ur": "ابتدائی افراد کے لیے ڈیجیٹل مہارتیں (آن لائن، مفت)",
        "id": "Keterampilan digital untuk pemula (daring, gratis)",
    },
}

OPENING_HOURS = "Mon–Thu 08:30–16:30, Fri 08:30–13:00"
OPENING_HOURS_TRANSLATED: Texts = {
    "de": "Mo–Do 08:30–16:30, Fr 08:30–13:00",
    "fr": "Lun.–jeu. 08h30–16h30, ven. 08h30–13h00",
    "ar": "الاثنين إلى الخميس 08:30–16:30، الجمعة 08:30–13:00",
    "sq": "E hënë–e enjte 08:30–16:30, e premte 08:30–13:00",
    "sr-latn": "Pon–čet 08:30–16:30, pet 08:30–13:00",
    "ur": "پیر تا جمعرات 08:30–16:30، جمعہ 08:30–13:00",
    "id": "Senin–Kamis 08.30–16.30, Jumat 08.30–13.00",
}


def translations(**fields: Texts | dict[str, list[str]]) -> dict[str, dict[str, Any]]:
    """`{lang: {field: text}}` from `{field: {lang: text}}`, the shape `portal.i18n_content` keeps."""
    result: dict[str, dict[str, Any]] = {}
    for field, by_language in fields.items():
        for language, text in by_language.items():
            result.setdefault(language, {})[field] = text
    return result


def fair_translations(title: str) -> dict[str, dict[str, Any]]:
    """A demo fair's title, description and question in every other language."""
    return translations(
        title=FAIR_TITLES.get(title, {}),
        description=FAIR_DESCRIPTIONS,
        questions={language: [text] for language, text in FAIR_QUESTIONS.items()},
    )


def vacancy_translations(title: str, employer: str) -> dict[str, dict[str, Any]]:
    """A demo vacancy's title and description in every other language."""
    titles = VACANCY_TITLES.get(title, {})
    return translations(
        title=titles,
        description={
            language: text.format(title=titles.get(language, title), employer=employer)
            for language, text in VACANCY_DESCRIPTIONS.items()
        },
    )
