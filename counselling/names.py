"""Names across scripts: normalise, transliterate, and reduce to consonant skeletons.

Arabic and Urdu script usually leave short vowels unwritten, and Latin
transcriptions of one name vary mostly in their vowels (محمد, Mohamed,
Muhammad, Mohammed). Reducing every spelling to its consonant skeleton
("mhmd") lets them find each other. Transliteration is done by anyascii,
which covers every script the programme meets (Arabic, Urdu, Cyrillic,
Latin with diacritics); Serbian Cyrillic is first turned into Serbian Latin
so that Љубица and Ljubica meet.

Beyond the vowels, the usual romanisations differ in a few letters (issue
#18): ج is j, g or dj (Khadija, Khadiga, Khadidja); خ is kh, h or x; ق is q,
k or g; ث is th or s (Othman, Osman); ch is the Urdu چ, the French spelling
of ش (Aicha, Cherif) or the old Indonesian kh; the article al-/el- is
written apart, attached or left out (Al Zahrani, Alzahrani, Zahrani), and
assimilated before some letters (Ettounsi, Ash-Sharif). So a token has a
few keys, not one: its canonical skeleton first, then the skeletons of its
other likely readings. Two spellings of one name share at least one key.
"""

from __future__ import annotations

import itertools
import re
import unicodedata

from anyascii import anyascii

# Serbian Cyrillic to Serbian Latin (the official one-to-one mapping), so that both scripts give the same keys.
_SERBIAN_CYRILLIC = str.maketrans(
    {
        **dict(zip("абвгдђежзијклмнопрстћуфхцчш", "abvgdđežzijklmnoprstćufhcčš", strict=True)),
        **dict(zip("АБВГДЂЕЖЗИЈКЛМНОПРСТЋУФХЦЧШ", "ABVGDĐEŽZIJKLMNOPRSTĆUFHCČŠ", strict=True)),
        "љ": "lj", "њ": "nj", "џ": "dž", "Љ": "Lj", "Њ": "Nj", "Џ": "Dž",
    }
)  # fmt: skip
# Marks that are part of a word, not between words: ع and ء (anyascii writes ` and '), N'Diaye, ʿAbd.
_IN_WORD_MARKS = re.compile(r"['`’‘ʼʻʿʾ´]")
_NOT_LETTERS = re.compile(r"[^a-z]+")

# The Arabic article as Latin spellings write it on its own ("Al Zahrani", "El-Sayed", "Nasir-ul-Din") and, when
# assimilated to the next letter, as "Ash Sharif", "Ad Din", "Ar Rahman", "An Nasser".
_ARTICLES = frozenset({"al", "el", "ul", "il", "ol", "l"})  # "l": ال written apart in Arabic script
_SUN_LETTERS = "tdrzsnl"
_ABD_ARTICLE = re.compile(r"^abd[aeiou]l$")
# Attached: "Alzahrani", "Elsayed", "الزهراني" (anyascii: "lzhrny"), "Ettounsi", "Azzahrani", "Ashshareef".
_ATTACHED_ARTICLE = re.compile(r"^(?:[aeiuo]?l(?=[^aeiouywj])|[aeiu](?=([tdrzsn])\1)[tdrzsn]|[aeiu]sh(?=sh))")

# Letters and letter groups of the Latin spellings, longest first, with the sounds each can stand for: the first
# is the canonical one, "" is a vowel (dropped: Arabic and Urdu leave short vowels unwritten).
_UNITS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("tsch", ("k",)),  # German spellings of č/ć (Petrowitsch)
    ("dzh", ("j",)),  # Cyrillic џ as anyascii writes it
    ("sch", ("s",)),  # German spelling of š (Scharowitsch)
    ("tch", ("k",)),
    ("xh", ("j",)),  # Albanian (Hoxha)
    ("dj", ("j",)),  # ج (Khadidja); Serbian đ; old Indonesian (Djoko = Joko)
    ("dž", ("j",)),
    ("tj", ("k",)),  # old Indonesian (Tjahjono = Cahyono)
    ("kh", ("h", "kh")),  # خ: Khalid, Halid, Xalid
    ("gh", ("g",)),
    ("sh", ("s", "sh")),  # ش, or س then ه in Arabic script without vowels (سهيل, "shyl" = Suhail)
    ("sj", ("s",)),  # old Indonesian (Sjahrir = Syahrir)
    ("ch", ("k", "s", "h")),  # چ, Serbian č/ć; French ش (Aicha, Cherif); old Indonesian kh (Achmad = Ahmad)
    ("ck", ("k",)),
    ("th", ("t", "s")),  # ث: Othman, Osman
    ("dh", ("d", "hd", "s")),  # ذ/ظ (Nazir = Nadhir); Urdu ہد written dh (چوہدری = Chaudhry)
    ("zh", ("s", "sh")),  # ژ, or ز then ه (الزهراني, "lzhrny" = Zahrani)
    ("ph", ("f",)),
    ("ts", ("k",)),  # Cyrillic ц as anyascii writes it
    ("q", ("k", "g")),  # ق: Qasim, Kasim, Gasim
    ("k", ("k", "g")),
    ("c", ("k", "s")),
    ("g", ("g", "j", "k")),  # Egyptian ج (Gamal = Jamal), Gulf ق (Gasim)
    ("j", ("j", "g", "")),  # ج; Serbian, Bosnian and old Indonesian j is y (Jusuf, Soejono)
    ("x", ("h",)),
    ("z", ("s",)),
    ("w", ("", "v")),  # و as a vowel (Awan = اعوان) or v; the German w is v (Petrowitsch)
    *((vowel, ("",)) for vowel in "aeiouy"),
)
_UNIT_PATTERN = re.compile("|".join(re.escape(unit) for unit, _sounds in _UNITS) + "|.")
_SOUNDS = dict(_UNITS)
_REPEATS = re.compile(r"(.)\1+")
# A name's keys: a handful of readings per token is enough; more would only match unrelated names.
MAX_KEYS_PER_TOKEN = 8


def to_ascii(text: str) -> str:
    """Lower-case ASCII transliteration of any script, with diacritics and in-word marks (ع, ء, N'Diaye) removed."""
    text = unicodedata.normalize("NFKC", text or "").translate(_SERBIAN_CYRILLIC)
    text = text.replace("đ", "dj").replace("Đ", "Dj")  # Serbian đ is written dj without diacritics, not d
    text = text.replace("ض", "dh")  # d in Arabic, z in Urdu (Ramadan, Ramazan; ضیاء = Zia): read like ذ and ظ
    return _IN_WORD_MARKS.sub("", anyascii(_IN_WORD_MARKS.sub("", text))).lower()


def tokens(text: str) -> list[str]:
    return [token for token in _NOT_LETTERS.split(to_ascii(text)) if token]


def name_tokens(text: str) -> list[str]:
    """The tokens of a name without the articles written apart ("Khadija Al Zahrani" -> khadija, zahrani).

    An article is dropped only before another word; a name that is only an article keeps it.
    """
    words = tokens(text)
    kept = []
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        assimilated = word[0] in "aeiu" and (
            (len(word) == 2 and word[1] in _SUN_LETTERS) or word[1:] == "sh"
        )  # "Ash Sharif", "Ad Din", "Ar Rahman": the article before the same letter
        article = word in _ARTICLES or (assimilated and following.startswith(word[1:]))
        if article and following:
            continue
        kept.append(word)
    return kept


def _readings(word: str) -> list[str]:
    """Skeletons of one ASCII word, canonical first, then its other likely readings."""
    final_h = len(word) > 2 and word.endswith("h") and not word.endswith(("sh", "ch", "gh", "kh", "th", "dh", "zh"))
    if (
        final_h
    ):  # ة / ہ at the end of a name ("Fatimah" = "Fatima"), or ح / ه that Latin writes with a vowel (صالح = Saleh)
        word = word[:-1]
    options = [_SOUNDS.get(unit, (unit,)) for unit in _UNIT_PATTERN.findall(word)]
    if final_h:
        options.append(("", "h"))
    result: list[str] = []
    for choice in itertools.islice(itertools.product(*options), 64):
        key = _REPEATS.sub(r"\1", "".join(choice))
        if key not in result:
            result.append(key)
    # Make sure the canonical skeleton leads, then keep the readings closest to it (fewest changes).
    canonical = result[0]
    result.sort(key=lambda key: (key != canonical, len(key) < 2, abs(len(key) - len(canonical))))
    return result[:MAX_KEYS_PER_TOKEN]


def token_keys(word: str) -> list[str]:
    """The keys of one token of a name: its skeletons, with and without an attached article.

    A token whose skeleton is shorter than two letters (Awa, Aya, Ali) also gets its whole spelling as a
    key ("=awa"), so that it can be looked up exactly without matching every one-consonant name.
    """
    word = _NOT_LETTERS.sub("", to_ascii(word))
    if not word:
        return []
    keys = [key for key in _readings(word) if key]
    stripped = _ATTACHED_ARTICLE.sub("", word, count=1)
    if stripped != word and len(_readings(stripped)[0]) >= 2:
        keys += [key for key in _readings(stripped) if key and key not in keys]
    if _ABD_ARTICLE.match(word):  # "Abdul", "Abdel" = "Abd" (عبد) before a name written apart
        keys.append("bd")
    if not keys or len(keys[0]) < 2:
        keys.insert(0, "=" + _REPEATS.sub(r"\1", word))
    return keys


def skeleton(token: str) -> str:
    """The canonical consonant skeleton of one name token: "Muhammad" -> "mhmd", "محمد" -> "mhmd"."""
    word = _NOT_LETTERS.sub("", to_ascii(token))
    return _readings(word)[0] if word else ""


def skeletons(*names: str) -> list[str]:
    """Distinct, non-empty canonical skeletons of every token of the given names, in order."""
    result: list[str] = []
    for name in names:
        for token in name_tokens(name):
            key = skeleton(token)
            if key and key not in result:
                result.append(key)
    return result


def name_keys(*names: str) -> list[str]:
    """Every key of every token, plus of each many-word name written as one ("Ben Ali" = "Benali").

    What a client's names are stored as (`Client.given_keys`, `family_keys`, `search_keys`); a spelling of
    the same name shares at least one key with them.
    """
    keys: list[str] = []
    for name in names:
        parts = name_tokens(name)
        candidates = [key for part in parts for key in token_keys(part)]
        candidates += joined_keys(name)
        keys += [key for key in candidates if key not in keys]
    return keys


def query_groups(query: str) -> list[list[str]]:
    """The keys of each word of a typed name; a client matches a word when it has one of its keys.

    "Khadija Al Zahrani" -> [[hdj, ...], [srn, ...]]: the article is dropped. A name typed as one
    word ("Abdulrahman") or as many ("Abdul Rahman", "N Diaye") also meets its other writing through the
    joined keys of `name_keys`.
    """
    return [keys for keys in (token_keys(token) for token in name_tokens(query)) if keys]


def joined_keys(name: str) -> list[str]:
    """The key of a many-word name written as one ("Ben Ali" = "Benali", "N Diaye" = "Ndiaye"), if it has several.

    Made of the words' canonical skeletons, so that no letter group forms across the words ("Muhammad Hasan"
    has no "dh").
    """
    parts = name_tokens(name)
    if len(parts) < 2:
        return []
    keys = []
    # As written, and without attached articles ("عبد الرحمن" = "Abdulrahman" and "Abdurrahman").
    for words in (parts, [_ATTACHED_ARTICLE.sub("", part, count=1) or part for part in parts]):
        key = _REPEATS.sub(r"\1", "".join(_readings(word)[0] for word in words))
        if len(key) >= 2 and key not in keys:
            keys.append(key)
    return keys


def search_text(*names: str) -> str:
    """One normalised string of all spellings, for trigram search and ranking."""
    return " ".join(" ".join(tokens(name)) for name in names if name).strip()


def query_problem(query: str) -> str:
    """Why a typed search cannot be looked up ("" when it can): what the caseload says instead of an error.

    Returns a code: "empty" (only punctuation, or diacritics with no letter), "article" (only "al", "el"...).
    """
    words = tokens(query)
    if not words and not re.search(r"\d", query):
        return "empty"
    if words and all(word in _ARTICLES for word in words) and not re.search(r"\d", query):
        return "article"
    return ""
