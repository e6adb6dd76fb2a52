from django import template
from django.utils.html import format_html

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
