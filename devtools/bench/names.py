"""Name pools for the scale data: each script's native spelling and the Latin spellings people use for it."""

from __future__ import annotations

# (native spelling or "", [Latin spellings]); Arabic and Urdu names vary in their vowels.
ARABIC_GIVEN = [
    ("محمد", ["Mohamed", "Muhammad", "Mohammed", "Mohamad"]),
    ("أحمد", ["Ahmed", "Ahmad"]),
    ("علي", ["Ali"]),
    ("حسن", ["Hassan", "Hasan"]),
    ("حسين", ["Hussein", "Hussain"]),
    ("عمر", ["Omar", "Umar"]),
    ("يوسف", ["Youssef", "Yusuf", "Yousef"]),
    ("خالد", ["Khaled", "Khalid"]),
    ("مصطفى", ["Mostafa", "Mustafa"]),
    ("إبراهيم", ["Ibrahim", "Ebrahim"]),
    ("فاطمة", ["Fatima", "Fatma", "Fatimah"]),
    ("عائشة", ["Aisha", "Aicha"]),
    ("مريم", ["Mariam", "Maryam", "Meriem"]),
    ("زينب", ["Zainab", "Zeinab"]),
    ("نور", ["Nour", "Noor"]),
    ("سارة", ["Sara", "Sarah"]),
    ("ياسين", ["Yassine", "Yasin"]),
    ("كريم", ["Karim", "Kareem"]),
    ("سعيد", ["Said", "Saeed"]),
    ("أمينة", ["Amina", "Aminah"]),
]
ARABIC_FAMILY = [
    ("منصور", ["Mansour", "Mansur"]),
    ("عبدالله", ["Abdallah", "Abdullah"]),
    ("حداد", ["Haddad"]),
    ("الخطيب", ["Al-Khatib", "El Khatib"]),
    ("الجبوري", ["Al-Jubouri", "Al Jaburi"]),
    ("العمري", ["Al-Omari", "Alomari"]),
    ("الشريف", ["Al-Sharif", "Cherif"]),
    ("بوزيد", ["Bouzid"]),
    ("صالح", ["Saleh", "Salih"]),
    ("ناصر", ["Nasser", "Naser"]),
    ("بن علي", ["Ben Ali", "Benali"]),
    ("السيد", ["El Sayed", "Elsayed"]),
    ("التونسي", ["Ettounsi"]),
    ("الكعبي", ["Al-Kaabi"]),
    ("عثمان", ["Othman", "Osman"]),
]
URDU_GIVEN = [
    ("محمد", ["Muhammad", "Mohammad"]),
    ("علی", ["Ali"]),
    ("عمران", ["Imran"]),
    ("عائشہ", ["Ayesha", "Aisha"]),
    ("فاطمہ", ["Fatima"]),
    ("بلال", ["Bilal"]),
    ("زینب", ["Zainab"]),
    ("عثمان", ["Usman", "Osman"]),
    ("صائمہ", ["Saima"]),
    ("نادیہ", ["Nadia"]),
    ("کامران", ["Kamran"]),
    ("حسن", ["Hassan"]),
]
URDU_FAMILY = [
    ("خان", ["Khan"]),
    ("قریشی", ["Qureshi", "Qureshy"]),
    ("چوہدری", ["Chaudhry", "Chaudhary"]),
    ("ملک", ["Malik"]),
    ("بٹ", ["Butt"]),
    ("شیخ", ["Sheikh", "Shaikh"]),
    ("اعوان", ["Awan"]),
    ("مرزا", ["Mirza"]),
]
WEST_AFRICAN_GIVEN = [
    ("", [n])
    for n in "Kwame Ama Kofi Abena Chinedu Ngozi Emeka Aminata Mamadou Fatou Ousmane Awa Lamin Isatou Modou Yaw".split()
]
WEST_AFRICAN_FAMILY = [
    ("", [n]) for n in "Mensah Owusu Boateng Okafor Adeyemi Diallo Ndiaye Sow Jallow Ceesay Touray Bah Asante".split()
]
ALBANIAN_GIVEN = [
    ("", [n]) for n in "Arbër Ermira Blerina Dritan Elona Gëzim Fatmir Mirela Besnik Jonida Ardit Valbona".split()
]
ALBANIAN_FAMILY = [("", [n]) for n in "Hoxha Krasniqi Gashi Berisha Shehu Dervishi Kelmendi Morina Leka Çela".split()]
SERBIAN_GIVEN = [
    ("", [n]) for n in "Đorđe Milica Nikola Jelena Stefan Ana Miloš Dragana Nemanja Ivana Dušan Marija".split()
]
SERBIAN_FAMILY = [
    ("", ["Jovanović", "Jovanovic"]),
    ("", ["Petrović", "Petrovic"]),
    ("", ["Nikolić", "Nikolic"]),
    ("", ["Đorđević", "Djordjevic"]),
    ("", ["Marković", "Markovic"]),
    ("", ["Stojanović", "Stojanovic"]),
    ("", ["Živković", "Zivkovic"]),
    ("", ["Todorović", "Todorovic"]),
]
INDONESIAN_GIVEN = [("", [n]) for n in "Budi Siti Agus Dewi Putri Rizky Wahyu Nur Ahmad Sri Dian Eko".split()]
INDONESIAN_FAMILY = [
    ("", [n]) for n in "Santoso Wijaya Saputra Hidayat Lestari Kurniawan Pratama Setiawan Nugroho".split()
]

POOLS = {
    "arabic": (ARABIC_GIVEN, ARABIC_FAMILY),
    "urdu": (URDU_GIVEN, URDU_FAMILY),
    "west_african": (WEST_AFRICAN_GIVEN, WEST_AFRICAN_FAMILY),
    "albanian": (ALBANIAN_GIVEN, ALBANIAN_FAMILY),
    "serbian": (SERBIAN_GIVEN, SERBIAN_FAMILY),
    "indonesian": (INDONESIAN_GIVEN, INDONESIAN_FAMILY),
}

# Which pools a country's clients are drawn from, with weights.
COUNTRY_POOLS: dict[str, list[tuple[str, int]]] = {
    "EG": [("arabic", 1)],
    "IQ": [("arabic", 1)],
    "JO": [("arabic", 1)],
    "MA": [("arabic", 1)],
    "TN": [("arabic", 1)],
    "PK": [("urdu", 1)],
    "GM": [("west_african", 1)],
    "GH": [("west_african", 1)],
    "NG": [("west_african", 1)],
    "SN": [("west_african", 1)],
    "AL": [("albanian", 1)],
    "XK": [("albanian", 4), ("serbian", 1)],
    "RS": [("serbian", 1)],
    "ID": [("indonesian", 1)],
}
