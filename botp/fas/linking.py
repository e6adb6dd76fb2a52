"""Who a login through FAS is: found by the keyed hash of the national register number FAS
gave, never by a name or an e-mail address, and never made.

A participant's number is on their participant record (the screening request), a
professional's on their account, recorded by their invitation (botp.invitations). One account
found: that person is signed in. None, or more than one: nobody is, and the page says how to
get access (``Outcome.reason``).
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from botp import audit
from botp.models import Invitation, Language, Participant, User


@dataclass
class Outcome:
    user: User | None = None
    # Why nobody is signed in: unknown, invitation_pending, activation_pending, several.
    reason: str = ""


def find(niss_hash):
    accounts = set(User.objects.filter(niss_hash=niss_hash, is_active=True))
    participants = list(Participant.objects.filter(niss_hash=niss_hash)
                        .select_related("user"))
    accounts |= {p.user for p in participants if p.user is not None and p.user.is_active}
    if len(accounts) == 1:
        return Outcome(user=accounts.pop())
    if len(accounts) > 1:
        # A physician who is also a participant, say: which account is for the person to
        # choose with their e-mail address and password, not for the portal to guess.
        return Outcome(reason="several")
    if Invitation.objects.filter(niss_hash=niss_hash, accepted_at__isnull=True,
                                 revoked_at__isnull=True,
                                 expires_at__gt=timezone.now()).exists():
        return Outcome(reason="invitation_pending")
    if any(p.user is None for p in participants):
        return Outcome(reason="activation_pending")
    return Outcome(reason="unknown")


def follow_language(request, user, preferred):
    """The account's language becomes FAS' ``prefLanguage``, unless the person chose the
    portal's language themselves (the language switcher's cookie)."""
    if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME):
        return
    language = (preferred or "").strip().lower()[:2] if isinstance(preferred, str) else ""
    if language in Language.values and language != user.language:
        user.language = language
        with audit.acting_as(user):
            user.save(update_fields=["language"])


def record_login(user, acr):
    with audit.acting_as(user):
        audit.record_change(f"user:{user.pk}", f"login through FAS ({_level_name(acr)})", {})


def record_refusal(reason, user=None):
    what = f"login through FAS refused: {reason}"
    if user is not None:
        audit.record_change(f"user:{user.pk}", what, {})
    else:
        audit.record_change("login:fas", what, {})


def _level_name(acr):
    # The level only ("Level450"): the whole URN says nothing more.
    return (acr or "").rpartition(":")[2][:40] or "no level"
