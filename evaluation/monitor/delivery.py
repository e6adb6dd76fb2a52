"""The monitor's side effects, delivered by the outbox worker: the feedback PDF, the follow-up
invitations, and the offer to a participant whose FA-BOTP case completed.

The worker keeps no address in the outbox row (``recipient`` stays empty): a list of who
received a monitor e-mail would tell who uses the monitor."""

import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from botp import keys, mail, notifications, outbox
from botp.models import Case
from evaluation.monitor import feedback, services
from evaluation.monitor.models import Measurement, MonitorPerson, MonitorResponse

_files = FileSystemStorage(allow_overwrite=True)
PURPOSE = "monitor-feedback-pdf"


def private_url(person):
    return settings.PORTAL_BASE_URL + reverse("evaluation:monitor_home",
                                              args=[services.token_for(person)])


def pdf_html(response):
    language = response.person.language
    with translation.override(language):
        return render_to_string("evaluation/monitor/feedback_pdf.html", {
            "feedback": feedback.of(response, language), "response": response,
            "issued_on": timezone.localdate(response.completed_at),
            "instrument_name": response.instrument.name,
            "note": response.instrument.definition.get("translation_note", ""),
        })


def _deliver_pdf(message, mailer):
    from weasyprint import HTML

    response = (MonitorResponse.objects.select_related("person", "instrument")
                .get(pk=message.payload["response"]))
    if response.feedback_pdf:
        raise outbox.NotNeeded("rendered already")
    pdf = HTML(string=pdf_html(response), base_url=None).write_pdf()
    sealed = keys.fernet(PURPOSE).encrypt(pdf)
    # A random name: the folder's listing says nothing about whose file it is.
    return _files.save(f"monitor/{secrets.token_hex(16)}.pdf.enc", ContentFile(sealed))


def _pdf_rendered(message, name):
    MonitorResponse.objects.filter(pk=message.payload["response"]).update(feedback_pdf=name)


def read_pdf(response):
    with _files.open(response.feedback_pdf, "rb") as stored:
        return keys.fernet(PURPOSE).decrypt(stored.read())


def _deliver_follow_up(message, mailer):
    person = MonitorPerson.objects.get(pk=message.payload["person"])
    contact = getattr(person, "contact", None)
    if contact is None:
        raise outbox.NotNeeded("the address was deleted")
    measurement = message.payload["measurement"]
    if person.responses.filter(measurement=measurement, completed_at__isnull=False).exists():
        raise outbox.NotNeeded("answered already")
    mailer.send(mail.compose(message, to=contact.email, language=person.language,
                             template="evaluation/email/monitor_follow_up", context={
                                 "link": private_url(person),
                                 "measurement": Measurement(measurement).label,
                             }))


def _deliver_offer(message, mailer):
    case = Case.objects.select_related("participant").get(pk=message.payload["case"])
    to, language = notifications.address_of({"participant": case.participant_id})
    mailer.send(mail.compose(message, to=to, language=language,
                             template="evaluation/email/monitor_offer", context={
                                 "link": settings.PORTAL_BASE_URL
                                 + reverse("evaluation:monitor_start"),
                             }))


outbox.register("monitor_feedback_pdf", label=_("Re-integration monitor feedback (PDF)"),
                deliver=_deliver_pdf, delivered=_pdf_rendered, done_label=_("Ready"))
outbox.register("monitor_follow_up", label=_("Re-integration monitor follow-up invitation"),
                deliver=_deliver_follow_up)
outbox.register("monitor_offer", label=_("Re-integration monitor offered"),
                deliver=_deliver_offer)
