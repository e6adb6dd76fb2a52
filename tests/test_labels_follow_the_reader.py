"""A form's labels are translated when the page is shown, not once when the code is loaded: a
label fixed at start-up shows the start-up language on every page (a Dutch label on the French
form)."""

from django.utils.functional import Promise

from tests.botp.test_text_hygiene import _portal_form_classes


def test_no_form_label_is_fixed_when_the_code_is_loaded():
    fixed = []
    for form_class in _portal_form_classes():
        for name, field in form_class.base_fields.items():
            for text in (field.label, field.help_text):
                if text and not isinstance(text, Promise):
                    fixed.append(f"{form_class.__qualname__}.{name}: {text!r}")
    assert not fixed, fixed
