"""Inviting a professional or a member of Fedris staff, and the invitation being accepted.

Nobody sets another person's password. An invitation e-mail goes to the person's own address
through the outbox; its link is single-use and expires, and a new invitation to the same
address (or for the same provider record) revokes the earlier one. Opening the link, the person
chooses their password; the account is made then, with the role, names and language of the
invitation, and, for a care provider, linked to its provider record: once, never re-pointed.
Outside demo mode the middleware then has them set up two-factor authentication before any
page.

Only a hash of the link's token and a random nonce are stored; the token is an HMAC of the
nonce under a key derived from PERSONAL_DATA_KEY, as for the participant's activation link.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from botp import audit, links, mail, nationalnumber, outbox, policy
from botp.links import LinkProblem  # codes here: invalid, expired, used, revoked, email_taken
from botp.models import Invitation, Provider, Role, User

VALID_FOR = timedelta(days=7)

# The group that gives a Fedris administrator the back office's directory and settings pages,
# when the deployment has one (the demo seed makes it).
ADMINISTRATORS_GROUP = "Fedris administrators"


def token_for(nonce):
    return links.token_for("invitation", nonce)


def link_for(invitation):
    return settings.PORTAL_BASE_URL + reverse("accept_invitation",
                                              args=[token_for(invitation.nonce)])


def _pending(queryset):
    now = timezone.now()
    return queryset.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)


def invite(invited_by: User, *, email: str, role: str, first_name: str, last_name: str,
           language: str, provider: Provider | None = None, national_number: str = "",
           niss_hash: str = "") -> Invitation:
    """Invite ``email`` to an account of ``role`` (for a provider: to ``provider``'s record);
    the e-mail goes once the caller's transaction commits. Earlier pending invitations to the
    same address or for the same record stop working. With the person's ``national_number``
    (or its ``niss_hash``, when sent again) the account will also open through the Federal
    Authentication Service; only the number's keyed hash is kept."""
    email = User.objects.normalize_email(email).strip().lower()
    if not policy.may_invite(invited_by, role):
        raise PermissionDenied
    if national_number:
        niss_hash = nationalnumber.keyed_hash(nationalnumber.validate(national_number))
    if niss_hash and User.objects.filter(niss_hash=niss_hash).exists():
        # One national number, one professional account: a login through FAS must not have
        # to guess between two.
        raise ValidationError({"national_number": _(
            "An account with this national register number exists.")})
    if (role == Role.PROVIDER) != (provider is not None):
        raise ValidationError(_("A care provider is invited from their provider record."))
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("An account with this e-mail address exists.")})
    with transaction.atomic():
        if provider is not None:
            provider = Provider.objects.select_for_update().get(pk=provider.pk)
            if provider.user_id is not None:
                raise ValidationError(_("This provider record has its account already."))
        now = timezone.now()
        earlier = _pending(Invitation.objects.filter(email__iexact=email))
        if provider is not None:
            earlier = earlier | _pending(Invitation.objects.filter(provider=provider))
        for old in earlier.select_for_update():
            old.revoked_at = now
            old.save(update_fields=["revoked_at"])
        nonce = links.new_nonce()
        invitation = Invitation.objects.create(
            email=email, role=role, first_name=first_name.strip(), last_name=last_name.strip(),
            language=language, provider=provider, invited_by=invited_by, created_at=now,
            niss_hash=niss_hash,
            expires_at=now + VALID_FOR, nonce=nonce, token_hash=links.hash_of(token_for(nonce)),
        )
        outbox.enqueue("invitation", f"invitation:{invitation.pk}",
                       payload={"invitation": invitation.pk})
    return invitation


def resend(invitation: Invitation, by: User) -> Invitation:
    """A new invitation with the same details; the earlier one stops working."""
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has been accepted."))
    return invite(by, email=invitation.email, role=invitation.role,
                  first_name=invitation.first_name, last_name=invitation.last_name,
                  language=invitation.language, provider=invitation.provider,
                  niss_hash=invitation.niss_hash)


def revoke(invitation: Invitation, by: User) -> bool:
    """Stop a pending invitation; False when it was not pending any more."""
    if not policy.may_invite(by, invitation.role):
        raise PermissionDenied
    with transaction.atomic():
        pending = _pending(Invitation.objects.select_for_update().filter(pk=invitation.pk))
        pending = pending.first()
        if pending is None:
            return False
        pending.revoked_at = timezone.now()
        pending.save(update_fields=["revoked_at"])
    return True


def find(token):
    invitation = Invitation.objects.select_related("provider").filter(
        token_hash=links.hash_of(token or "")).first()
    if invitation is None:
        raise LinkProblem("invalid")
    if invitation.accepted_at is not None:
        raise LinkProblem("used")
    if invitation.revoked_at is not None:
        raise LinkProblem("revoked")
    if invitation.expires_at <= timezone.now():
        raise LinkProblem("expired")
    return invitation


def accept(token: str, *, password: str) -> User:
    """Make the invited person's account with the password they chose; the invitation is then
    spent. Returns the account."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import Group

    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=find(token).pk)
        if invitation.accepted_at is not None:  # accepted meanwhile, in another request
            raise LinkProblem("used")
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise LinkProblem("email_taken")
        provider = None
        if invitation.provider_id is not None:
            provider = Provider.objects.select_for_update().get(pk=invitation.provider_id)
            if provider.user_id is not None:
                raise LinkProblem("used")
        user = User(email=invitation.email, role=invitation.role,
                    first_name=invitation.first_name, last_name=invitation.last_name,
                    language=invitation.language, niss_hash=invitation.niss_hash,
                    is_staff=invitation.role == Role.FEDRIS_ADMIN)
        user.set_password(password)
        # The person acts for themselves from here: the trail says so.
        with audit.acting_as(user):
            user.save()
            if invitation.role == Role.FEDRIS_ADMIN:
                group = Group.objects.filter(name=ADMINISTRATORS_GROUP).first()
                if group is not None:
                    user.groups.add(group)
            # Opening the link proved the address.
            EmailAddress.objects.create(user=user, email=user.email, verified=True,
                                        primary=True)
            if provider is not None:
                provider.user = user
                provider.save(update_fields=["user"])
            invitation.accepted_at = timezone.now()
            invitation.user = user
            invitation.save(update_fields=["accepted_at", "user"])
    return user


def _deliver(message, mailer):
    invitation = Invitation.objects.select_related("invited_by").filter(
        pk=message.payload["invitation"]).first()
    if invitation is None or not invitation.is_pending:
        raise outbox.NotNeeded("the invitation was accepted, replaced or has expired")
    message.recipient = invitation.email
    context = {
        "name": invitation.full_name,
        "role": Role(invitation.role).label,
        "link": link_for(invitation),
        "valid_days": VALID_FOR.days,
        "two_factor": not settings.DEMO_MODE,
    }
    mailer.send(mail.compose(message, to=invitation.email, language=invitation.language,
                             template="botp/email/invitation", context=context))


outbox.register("invitation", label=gettext_lazy("Invitation to an account"),
                deliver=_deliver)
