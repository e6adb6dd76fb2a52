"""Free text as people type it: names, organisations, reasons, answers.

Text is kept composed (Unicode NFC), so that "é" typed on one keyboard and pasted from another
is the same name, and it may not hold characters that have no place in it: control characters
(a line break or a tab only in a text of several lines), the replacement character (what is left
of text decoded wrongly), and invisible format characters, among them the bidirectional
overrides and isolates that make a name read on screen otherwise than it is stored.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

MESSAGE = _("This text contains characters that are not allowed.")

LINE_CHARACTERS = frozenset("\t\n\r")
# Cc control, Cf format (bidi controls, zero-width characters, soft hyphen...), Cs surrogate,
# Zl and Zp the line and paragraph separators no keyboard types.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
REPLACEMENT_CHARACTER = "\ufffd"


def normalise(text):
    return unicodedata.normalize("NFC", text)


def refused_character(text, *, multiline=False):
    """The first character of ``text`` that has no place in it, or None."""
    for character in text:
        if multiline and character in LINE_CHARACTERS:
            continue
        if (character == REPLACEMENT_CHARACTER
                or unicodedata.category(character) in REFUSED_CATEGORIES):
            return character
    return None


def is_clean(text, *, multiline=False):
    return refused_character(text, multiline=multiline) is None


@deconstructible
class TextValidator:
    """Refuse text holding a character :func:`refused_character` names."""

    code = "characters"

    def __init__(self, multiline=False):
        self.multiline = multiline

    def __call__(self, value):
        if not is_clean(str(value), multiline=self.multiline):
            raise ValidationError(MESSAGE, code=self.code)

    def __eq__(self, other):
        return isinstance(other, TextValidator) and other.multiline == self.multiline
