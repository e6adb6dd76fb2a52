"""One error summary on every form page (GOV.UK's pattern): every error of the page's forms at
the top, each linked to its field, the focus moved to it when the page opens."""

import re

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse

from botp.forms import PortalForm


class Sample(PortalForm):
    name = forms.CharField(label="Name")
    colour = forms.ChoiceField(label="Colour", choices=[("r", "Red"), ("b", "Blue")],
                               widget=forms.RadioSelect)
    days = forms.MultipleChoiceField(label="Days *", choices=[("mo", "Mo"), ("tu", "Tu")],
                                     widget=forms.CheckboxSelectMultiple)

    def clean(self):
        self.add_error(None, "Something about the whole form.")
        return super().clean()


def summary(*shown):
    return Template("{% load portal %}{% error_summary a b %}").render(
        Context({"a": shown[0], "b": shown[1] if len(shown) > 1 else None}))


def test_the_summary_links_each_error_to_its_field_and_says_the_forms_own_errors():
    html = summary(Sample({}))
    assert 'id="error-summary"' in html and 'tabindex="-1"' in html and 'role="alert"' in html
    assert '<a href="#id_name">Name: This field is required.</a>' in html
    # A group of radios or boxes has no one input for its label: the link goes to the first.
    assert 'href="#id_colour_0"' in html and 'href="#id_days_0"' in html
    # A "needed to send" star is not part of the field's name.
    assert "Days: This field is required." in html
    assert "<li>Something about the whole form.</li>" in html
    assert "js/error-summary.js" in html


def test_the_summary_gathers_several_forms_and_is_absent_without_errors():
    assert summary(Sample()).strip() == ""  # not posted
    assert summary(Sample({"name": "x", "colour": "r", "days": ["mo"]}),
                   Sample({})).count("<li>") == 1 + (1 + 3)
    assert summary(None).strip() == ""


def test_the_script_moves_the_focus_to_the_summary():
    from django.contrib.staticfiles import finders

    with open(finders.find("js/error-summary.js")) as script:
        text = script.read()
    assert 'getElementById("error-summary")' in text and ".focus()" in text


@pytest.mark.django_db
def test_the_psychologist_deciding_without_a_reason_sees_it_at_the_top(client, world,
                                                                       diagnosis_case,
                                                                       submitted):
    submitted()
    client.force_login(world.psychologist)
    diagnosis_case.refresh_from_db()
    response = client.post(reverse("diagnosis:review", args=[diagnosis_case.reference]),
                           {"version": diagnosis_case.version, "decision": "not_confirm"})
    assert response.status_code == 400
    page = response.content.decode()
    top = page[page.index('id="error-summary"'):page.index("<form", page.index(
        'id="error-summary"'))]
    assert '<a href="#id_comment">' in top and "Give your reasons or questions" in top


@pytest.mark.django_db
def test_an_out_of_range_score_no_longer_hides_an_exceeded_cap(client, world, diagnosis_case):
    client.force_login(world.btp.user)
    response = client.post(reverse("diagnosis:report", args=[diagnosis_case.reference]), {
        "version": diagnosis_case.version, "action": "draft",
        "bat_total": "5.5",                                   # out of range
        "planned_work_related": "6",                          # cap 4
        "planned_individual-cognitive_emotional": "5",
        "isp_individual-cognitive_emotional": str(world.isp.pk),
        "planned_individual-psycho_corporal": "4",            # 9 of the 7 shared
        "isp_individual-psycho_corporal": str(world.isp.pk),
    })
    assert response.status_code == 400
    page = response.content.decode()
    top = page[page.index('id="error-summary"'):page.index("</div>",
                                                            page.index('id="error-summary"'))]
    assert 'href="#id_bat_total"' in top and "less than or equal to 5" in top
    assert "at most 4 × “Work-related session”" in top
    assert re.search(r"at most 7 × “Individual session”; this makes 9", top)
    assert 'value="6"' in page


@pytest.mark.parametrize("template", [
    "treatment/amend_plan.html", "treatment/final_report.html", "treatment/meeting.html",
    "treatment/overview.html", "treatment/transmissions.html", "treatment/my_programme.html",
    "intake/request_form.html", "diagnosis/report_form.html", "diagnosis/review.html",
    "botp/invitation_accept.html",
])
def test_the_form_pages_use_the_one_summary(template):
    from django.template.loader import get_template

    source = get_template(template).template.source
    assert "{% error_summary" in source
    assert '<div class="error-summary"' not in source
