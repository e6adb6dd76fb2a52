"""Free text is composed (NFC) and holds no character that has no place in it: every form of
the portal and of the back office applies the one rule of botp/text.py."""

import importlib
import inspect

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import ValidationError

from botp import text
from botp.forms import CleanTextMixin, PortalForm

PORTAL_APPS = ["botp", "intake", "diagnosis", "treatment", "evaluation"]


@pytest.mark.parametrize("value", [
    "\x00", "a\x07b", "\x1b[31m", "\x7f", "\x85", "\ufffd", "\u202a", "\u202b", "\u202c",
    "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200b", "\u200e", "\ufeff",
    "\u00ad", "\u2028", "\u2029", "\ud800",
])
def test_control_replacement_and_format_characters_are_refused(value):
    with pytest.raises(ValidationError) as refused:
        text.TextValidator(multiline=True)(f"Name {value}")
    assert refused.value.messages == ["This text contains characters that are not allowed."]


@pytest.mark.parametrize("value", ["Zoë Müller-Öztürk", "Ĳsbrand d'Hondt", "Łukasz Żółw",
                                   "Δημήτρης", "Дмитрий", "محمد", "李小龙", "O'Brien & Co. 😊"])
def test_names_of_every_script_are_welcome(value):
    text.TextValidator()(value)


def test_line_breaks_and_tabs_only_in_text_of_several_lines():
    text.TextValidator(multiline=True)("First line\r\nsecond\tline")
    for value in ("First\nsecond", "a\tb", "a\rb"):
        with pytest.raises(ValidationError):
            text.TextValidator()(value)


def test_a_form_composes_its_free_text_and_refuses_what_the_rule_refuses():
    class Example(PortalForm):
        name = forms.CharField()
        notes = forms.CharField(widget=forms.Textarea, required=False)
        password = forms.CharField(widget=forms.PasswordInput, required=False)

    form = Example({"name": "Zoe\u0301", "notes": "a\nb", "password": "\x07x"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"name": "Zo\u00e9", "notes": "a\nb", "password": "\x07x"}
    form = Example({"name": "Zo\u202ee", "notes": "a\x1bb"})
    assert not form.is_valid()
    assert form.errors == {"name": [str(text.MESSAGE)], "notes": [str(text.MESSAGE)]}


# Sub-packages with forms of their own.
SUB_PACKAGE_FORMS = ["botp.payments.forms"]


def _portal_form_classes():
    found = set()
    modules = [*SUB_PACKAGE_FORMS]
    for label in PORTAL_APPS:
        for module_name in ("forms", "outcomes", "admin"):
            modules.append(f"{apps.get_app_config(label).name}.{module_name}")
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        found |= {cls for _name, cls in inspect.getmembers(module, inspect.isclass)
                  if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__}
    return found


def test_every_form_of_the_portal_applies_the_rule():
    classes = _portal_form_classes()
    assert len(classes) >= 20
    assert not {cls.__qualname__ for cls in classes if not issubclass(cls, CleanTextMixin)}


class Superuser:
    is_active = is_staff = is_superuser = is_authenticated = True
    role = "fedris_admin"

    def has_perm(self, *args):
        return True


def test_every_back_office_form_applies_the_rule(rf):
    request = rf.get("/backoffice/")
    request.user = Superuser()
    missing = []
    for model, model_admin in admin.site._registry.items():
        writable = (model_admin.has_add_permission(request)
                    or model_admin.has_change_permission(request))
        if model._meta.app_label not in PORTAL_APPS or not writable:
            continue
        for inline in [model_admin, *(i(model, admin.site) for i in model_admin.inlines)]:
            # The add form counts only where something can be added.
            adds = model_admin.has_add_permission(request)
            for form in {inline.form, getattr(inline, "add_form", None) if adds else None} - {None}:
                if not issubclass(form, CleanTextMixin):
                    missing.append(f"{type(inline).__name__}: {form.__name__}")
    assert not missing
