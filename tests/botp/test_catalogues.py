"""The translation catalogues: every string of the portal in Dutch, French and German, compiled.

English is the source language, so its catalogue holds no translations of its own.
"""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

from botp.models import Language

LOCALE = Path(settings.LOCALE_PATHS[0])
TRANSLATED = ["nl", "fr", "de"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|\{\w*\}")


def entries(language):
    """The catalogue's entries: (msgid, msgid_plural, [msgstr…], flags), header left out; a
    msgid with a context is given as the compiled catalogue keys it, context\x04msgid."""
    found, entry, field = [], None, None
    lines = (LOCALE / language / "LC_MESSAGES" / "django.po").read_text("utf-8").splitlines()
    for line in [*lines, ""]:
        if not line.strip():
            if entry and entry["msgid"]:
                found.append(entry)
            entry, field = None, None
            continue
        if entry is None:
            entry = {"msgid": "", "plural": "", "msgstr": {}, "flags": set(), "context": ""}
        if line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt "):
            field, value = ("context",), line[len("msgctxt "):]
            entry["context"] = ast.literal_eval(value)
        elif line.startswith("msgid_plural "):
            field, value = ("plural",), line[len("msgid_plural "):]
            entry["plural"] = ast.literal_eval(value)
        elif line.startswith("msgid "):
            field, value = ("msgid",), line[len("msgid "):]
            entry["msgid"] = ast.literal_eval(value)
        elif line.startswith("msgstr"):
            index = int(line[7]) if line.startswith("msgstr[") else 0
            field = ("msgstr", index)
            entry["msgstr"][index] = ast.literal_eval(line.split(" ", 1)[1])
        elif line.startswith('"'):
            if field[0] == "msgstr":
                entry["msgstr"][field[1]] += ast.literal_eval(line)
            else:
                entry[field[0]] += ast.literal_eval(line)
    return [(f"{e['context']}\x04{e['msgid']}" if e["context"] else e["msgid"], e["plural"],
             [e["msgstr"][i] for i in sorted(e["msgstr"])], e["flags"]) for e in found]


def test_the_portal_offers_the_three_national_languages_and_english():
    assert [code for code, _ in settings.LANGUAGES] == ["nl", "fr", "de", "en"]
    assert Language.values == ["nl", "fr", "de", "en"]


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_string_is_translated_and_none_is_fuzzy(language):
    missing = [msgid for msgid, _, msgstrs, _ in entries(language)
               if not all(text.strip() for text in msgstrs)]
    fuzzy = [msgid for msgid, _, _, flags in entries(language) if "fuzzy" in flags]
    assert (missing, fuzzy) == ([], [])


@pytest.mark.parametrize("language", ["fr", "de"])
def test_each_catalogue_holds_the_strings_the_dutch_one_holds(language):
    dutch = {(msgid, plural) for msgid, plural, _, _ in entries("nl")}
    theirs = {(msgid, plural) for msgid, plural, _, _ in entries(language)}
    assert (sorted(dutch - theirs), sorted(theirs - dutch)) == ([], [])


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_their_placeholders(language):
    wrong = [msgid for msgid, plural, msgstrs, _ in entries(language)
             for text in msgstrs
             if set(PLACEHOLDER.findall(text)) - set(PLACEHOLDER.findall(msgid + plural))]
    assert wrong == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalogue_is_up_to_date(language):
    with (LOCALE / language / "LC_MESSAGES" / "django.mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)._catalog
    for msgid, plural, msgstrs, flags in entries(language):
        if "fuzzy" in flags:
            continue
        if plural:
            assert [catalog.get((msgid, n)) for n in range(len(msgstrs))] == msgstrs, msgid
        else:
            assert catalog.get(msgid) == msgstrs[0], msgid
