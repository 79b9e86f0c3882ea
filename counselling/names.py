"""Names across scripts: normalise, transliterate, and reduce to consonant skeletons.

Arabic and Urdu script usually leave short vowels unwritten, and Latin
transcriptions of one name vary mostly in their vowels (محمد, Mohamed,
Muhammad, Mohammed). Reducing every spelling to its consonant skeleton
("mhmd") lets them find each other. Transliteration is done by anyascii,
which covers every script the programme meets (Arabic, Urdu, Cyrillic,
Latin with diacritics).
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

_DIGRAPHS = (
    ("dj", "d"),  # Serbian Đ written Dj
    ("kh", "k"),
    ("gh", "g"),
    ("sh", "s"),
    ("ch", "c"),
    ("th", "t"),
    ("dh", "d"),
    ("ph", "f"),
    ("ou", "u"),
)
_EQUIVALENT = str.maketrans({"q": "k", "c": "k", "x": "k", "z": "s"})
_VOWELS = re.compile(r"[aeiouyw]")
_REPEATS = re.compile(r"(.)\1+")
_NOT_LETTERS = re.compile(r"[^a-z]+")


def to_ascii(text: str) -> str:
    """Lower-case ASCII transliteration of any script, with diacritics removed."""
    return anyascii(unicodedata.normalize("NFKC", text or "")).lower()


def tokens(text: str) -> list[str]:
    return [token for token in _NOT_LETTERS.split(to_ascii(text)) if token]


def skeleton(token: str) -> str:
    """The consonant skeleton of one name token: "Muhammad" -> "mhmd", "محمد" -> "mhmd"."""
    word = _NOT_LETTERS.sub("", to_ascii(token))
    if len(word) > 3 and word.endswith("h"):  # ة / ہ at the end of a name; "Fatimah" = "Fatima"
        word = word[:-1]
    for digraph, single in _DIGRAPHS:
        word = word.replace(digraph, single)
    word = word.translate(_EQUIVALENT)
    word = _VOWELS.sub("", word)
    return _REPEATS.sub(r"\1", word)


def skeletons(*names: str) -> list[str]:
    """Distinct, non-empty skeletons of every token of the given names, in order."""
    result: list[str] = []
    for name in names:
        for token in tokens(name):
            key = skeleton(token)
            if key and key not in result:
                result.append(key)
    return result


def name_keys(*names: str) -> list[str]:
    """Skeletons of every token, plus of each many-word name written as one ("Ben Ali" = "Benali")."""
    keys = skeletons(*names)
    for name in names:
        parts = tokens(name)
        if len(parts) > 1:
            joined = skeleton("".join(parts))
            if joined and joined not in keys:
                keys.append(joined)
    return keys


def search_text(*names: str) -> str:
    """One normalised string of all spellings, for trigram search."""
    return " ".join(" ".join(tokens(name)) for name in names if name).strip()
