from django import forms, template
from django.utils.html import format_html, strip_tags

from botp import policy

register = template.Library()


@register.simple_tag(takes_context=True)
def case_stage(context, case):
    """The stage badge, detailed or coarse depending on who is looking."""
    user = context["request"].user
    if policy.can(user, policy.Action.VIEW_PROGRESS, case):
        css = case.state
    else:
        css = f"ref-{case.referrer_stage}"
    return format_html('<span class="stage stage-{}">{}</span>', css,
                       policy.stage_label(user, case))


@register.simple_tag(takes_context=True)
def page_url(context, number):
    """This page's address with another page number, keeping its filters."""
    query = context["request"].GET.copy()
    query["page"] = number
    return "?" + query.urlencode()


@register.filter
def referral_label(code):
    from botp.models import Referral

    return dict(Referral.choices).get(code, code)


@register.filter
def yesno_label(value):
    """Yes, No or a dash for a question not answered (None)."""
    from django.utils.translation import gettext

    return {True: gettext("Yes"), False: gettext("No")}.get(value, "—")


# Widgets drawn as several inputs: their label points at no one input, so a link to the field
# goes to the first of them (Django numbers them from 0).
_GROUPED = (forms.RadioSelect, forms.CheckboxSelectMultiple)


def _anchor(bound):
    if isinstance(bound.field.widget, _GROUPED):
        return f"{bound.auto_id}_0" if bound.auto_id else ""
    return bound.id_for_label or ""


def _label(bound):
    # Labels of fields needed to send a report end in " *": the summary names the field only.
    label = strip_tags(str(bound.label or bound.name)).strip()
    return label[:-2] if label.endswith(" *") else label


@register.inclusion_tag("botp/_error_summary.html")
def error_summary(*forms_shown, heading=None):
    """Every error of ``forms_shown`` at the top of the page, each linked to its field
    (GOV.UK's error-summary pattern); the page's script moves the focus to it."""
    problems = []
    for form in forms_shown:
        if form is None or not getattr(form, "is_bound", False):
            continue
        problems += [{"text": error, "href": ""} for error in form.non_field_errors()]
        for bound in form:
            for error in bound.errors:
                anchor = _anchor(bound)
                label = _label(bound)
                # A label that is a question or a sentence keeps its own stop.
                text = f"{label} {error}" if label.endswith(("?", ".", "!", ":")) else (
                    f"{label}: {error}")
                problems.append({"text": text,
                                 "href": f"#{anchor}" if anchor else ""})
    return {"problems": problems, "heading": heading}
