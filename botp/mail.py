"""E-mails as the portal writes them: in the reader's language, from templates, with a
Message-ID made from the outbox key so that a repeated attempt is recognisably the same
message. They are composed when the outbox delivers them, never inside a request."""

import datetime
import hashlib
import os
import uuid
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _


def message_id(key):
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "botp.local"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{domain}>"


def compose(message, *, to, language, template, context, urgent=False):
    """The e-mail for outbox ``message``: ``template``_subject.txt and ``template``.txt
    rendered in ``language``. An ``urgent`` one says so in its subject and its headers, so
    that mail programs put it on top; why it is urgent is for the portal to say, not the mail.
    """
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        if urgent:
            subject = _("URGENT: %(subject)s") % {"subject": subject}
        body = render_to_string(f"{template}.txt", {**context, "urgent": urgent})
    return EmailMessage(subject, body, None, [to], headers=headers(message, urgent=urgent))


def headers(message, *, urgent=False):
    """The headers every e-mail of the portal carries, for outbox ``message``."""
    found = {
        "Message-ID": message_id(message.key),
        # Out-of-office replies and auto-forwarders leave automatic messages alone.
        "Auto-Submitted": "auto-generated",
    }
    if urgent:
        # Importance is what Outlook and most clients read; X-Priority the older ones.
        found.update({"Importance": "high", "X-Priority": "1"})
    return found


class FolderBackend(BaseEmailBackend):
    """The embedded default's mail: one file per message in EMAIL_FILE_PATH, so a demo user
    opens the message they are looking for (Django's file backend appends every message sent
    on one connection to one file)."""

    def __init__(self, *args, file_path=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.file_path = os.path.abspath(file_path or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages):
        os.makedirs(self.file_path, exist_ok=True)
        for email in email_messages:
            stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
            name = os.path.join(self.file_path, f"{stamp}-{uuid.uuid4().hex[:8]}.eml")
            with open(name, "wb") as stream:
                stream.write(email.message().as_bytes() + b"\n")
        return len(email_messages)
