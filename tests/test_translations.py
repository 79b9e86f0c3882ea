"""Every message is translated in all eight languages, and the catalogues match the code."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LOCALES = {
    "en": "en",
    "de": "de",
    "fr": "fr",
    "ar": "ar",
    "sq": "sq",
    "sr-latn": "sr_Latn",
    "ur": "ur",
    "id": "id",
}


def _catalogue(locale: str) -> polib.POFile:
    path = ROOT / "locale" / locale / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"{path} is missing"
    return polib.pofile(str(path))


def test_there_is_a_catalogue_for_every_interface_language() -> None:
    assert {code for code, _name in settings.LANGUAGES} == set(LOCALES)


@pytest.mark.parametrize("locale", sorted(LOCALES.values()))
def test_catalogue_is_complete_and_not_fuzzy(locale: str) -> None:
    po = _catalogue(locale)
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"{locale}: {len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert not fuzzy, f"{locale}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


@pytest.mark.parametrize("locale", sorted(LOCALES.values()))
def test_translations_keep_their_placeholders(locale: str) -> None:
    import re

    pattern = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w+\}")
    broken = []
    for entry in _catalogue(locale).translated_entries():
        translations = [entry.msgstr] if entry.msgstr else list(entry.msgstr_plural.values())
        for text in translations:
            if sorted(pattern.findall(entry.msgid)) != sorted(pattern.findall(text)) and not entry.msgid_plural:
                broken.append(entry.msgid)
    assert not broken, f"{locale}: placeholders differ in {broken[:5]}"


def test_catalogues_hold_every_message_of_the_code(tmp_path: Path) -> None:
    """Extract the messages again into a copy of the tree and compare with the committed catalogue."""
    if shutil.which("xgettext") is None:
        if os.environ.get("CI"):
            pytest.fail("GNU gettext (xgettext) is needed in CI to check the catalogues")
        pytest.skip("xgettext is not installed: cannot re-extract messages here")
    for name in ("portal", "counselling", "referrals", "jobfairs", "cms", "reports", "devtools", "manage.py"):
        source = ROOT / name
        target = tmp_path / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            shutil.copy(source, target)
    (tmp_path / "locale" / "en" / "LC_MESSAGES").mkdir(parents=True)
    env = {**os.environ, "PORTAL_DATA_DIR": str(tmp_path / ".data"), "PYTHONPATH": str(tmp_path)}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-location", "--no-obsolete"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
    )
    extracted = {e.msgid for e in polib.pofile(str(tmp_path / "locale/en/LC_MESSAGES/django.po"))}
    committed = {e.msgid for e in _catalogue("de")}
    missing = sorted(extracted - committed)
    assert not missing, f"run `make messages` and translate: {missing[:10]}"
