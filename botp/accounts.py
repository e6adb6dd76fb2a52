import json
import uuid

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.stages import AuthenticateStage
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.contrib.sites.shortcuts import get_current_site
from django.core.mail import EmailMultiAlternatives
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from botp import audit, keys, mail, outbox
from botp.middleware import preferred_language


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by Fedris or through a participant's activation link, not sign-up."""

    def is_open_for_signup(self, request):
        return False

    def add_message(self, request, *args, **kwargs):
        # Messages are written when added: "signed in as ..." is added in the request that
        # signs the user in, before their account's language applied to it.
        with translation.override(preferred_language(request) or translation.get_language()):
            super().add_message(request, *args, **kwargs)

    def send_mail(self, template_prefix, email, context):
        """allauth's e-mails (a password reset, an address to confirm) go through the outbox
        like every other: composed here, where allauth has what they say, and kept sealed
        until the worker sends them, since they carry a link that opens the account."""
        request = allauth_context.request
        composed = self.render_mail(template_prefix, email, {
            "request": request, "email": email, "current_site": get_current_site(request),
            **context,
        })
        outbox.enqueue("account_email", f"account_email:{uuid.uuid4()}",
                       payload={"sealed": seal(composed)})

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        sociallogin = (kwargs.get("signal_kwargs") or {}).get("sociallogin")
        if sociallogin is not None and sociallogin.account.provider == "fas":
            from botp.fas import linking

            # Recorded once the login is complete (every stage passed), not when it starts.
            linking.record_login(user, sociallogin.account.extra_data.get("acr"))
        elif sociallogin is None:
            record_login(request, user)
        return response

    def authentication_failed(self, request, **credentials):
        super().authentication_failed(request, **credentials)
        if request is not None and request.user.is_authenticated:
            # allauth's password confirmation before a sensitive change, not a login.
            with audit.acting_as(request.user):
                audit.record_change(f"user:{request.user.pk}", "password confirmation refused",
                                    {})
            return
        record_refused_password(credentials.get("email", ""))

    def get_login_stages(self):
        # After a login through FAS (two factors already), allauth's TOTP step is skipped.
        return ["botp.accounts.SkipAfterFas" if path == "allauth.mfa.stages.AuthenticateStage"
                else path for path in super().get_login_stages()]

    def _get_login_attempts_cache_key(self, request, **credentials):
        # allauth keys the per-account limit of failed logins by the request's host as well,
        # and a Host header with a port of the client's choosing ("portal:1", "portal:2", ...)
        # passes ALLOWED_HOSTS: each would give the account a fresh limit. One key per account.
        return credentials.get("email", credentials.get("username", "")).lower()


# --- Logins in the account trail (those through FAS: botp.fas.linking) -------------------------


def record_login(request, user):
    """A login completed with a password (and a second factor when one was asked), recorded
    once every stage has passed, like a login through FAS."""
    from allauth.account.internal.flows.login import get_authentication_records

    methods = {record.get("method") for record in get_authentication_records(request, user)}
    what = "login with password" if "password" in methods else "login"
    if "mfa" in methods:
        what += " and a second factor"
    with audit.acting_as(user):
        audit.record_change(f"user:{user.pk}", what, {})


def record_refused_password(email):
    """A wrong password, on the account it was tried on. An address with no account is not
    kept: the trail would become a list of what strangers typed."""
    from botp.models import User

    user = User.objects.filter(email__iexact=email.strip()).first() if email else None
    if user is not None:
        audit.record_change(f"user:{user.pk}", "login with password refused", {})
    else:
        audit.record_change("login:password", "login with password refused: no such account", {})


def seal(email):
    """``email`` as encrypted text for an outbox payload."""
    alternatives = [content for content, mimetype in getattr(email, "alternatives", [])
                    if mimetype == "text/html"]
    content = {"subject": email.subject, "body": email.body, "to": email.to,
               "from": email.from_email, "html": alternatives[0] if alternatives else ""}
    return keys.fernet("outbox-sealed-mail").encrypt(json.dumps(content).encode()).decode()


def _deliver_sealed(message, mailer):
    content = json.loads(keys.fernet("outbox-sealed-mail").decrypt(
        message.payload["sealed"].encode()))
    message.recipient = ", ".join(content["to"])
    email = EmailMultiAlternatives(content["subject"], content["body"], content["from"],
                                   content["to"], headers=mail.headers(message))
    if content["html"]:
        email.attach_alternative(content["html"], "text/html")
    mailer.send(email)


def _forget(message, result):
    # Sent: the link it carried need not be kept, even sealed.
    type(message).objects.filter(pk=message.pk).update(payload={})


outbox.register("account_email", label=_("Account e-mail (password reset, address check)"),
                deliver=_deliver_sealed, delivered=_forget)


# --- Logging in through the Federal Authentication Service (botp.fas) -------------------------


def logged_in_through_fas(request, user=None):
    """Whether this session's login (of ``user``, by default the request's) went through
    FAS. The FAS provider accepts only logins at the configured assurance level (itsme or the
    eID: something the person has and a PIN or biometric), so such a login is two factors."""
    from allauth.account.internal.flows.login import get_authentication_records

    return any(record.get("method") == "socialaccount" and record.get("provider") == "fas"
               for record in get_authentication_records(request, user or request.user))


class SkipAfterFas(AuthenticateStage):
    """allauth's TOTP step, not asked again after a login through FAS."""

    def _should_handle(self, request):
        if logged_in_through_fas(request, self.login.user):
            return False
        return super()._should_handle(request)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Only FAS, and only to accounts that exist: linked by the national number's keyed hash,
    never by e-mail, and no sign-up."""

    def is_open_for_signup(self, request, sociallogin):
        return False

    def is_auto_signup_allowed(self, request, sociallogin):
        return False

    def pre_social_login(self, request, sociallogin):
        from botp.fas import linking

        process = sociallogin.state.get("process")
        if sociallogin.account.provider != "fas" or process not in (None, "login"):
            # Connecting FAS to an account signed in otherwise would be the person choosing
            # which account their number opens: Fedris records it, through the invitation.
            linking.record_refusal("connect")
            raise ImmediateHttpResponse(_refused(request, "connect"))
        outcome = linking.find(sociallogin.account.uid)
        if outcome.user is None:
            linking.record_refusal(outcome.reason)
            raise ImmediateHttpResponse(render(
                request, "fas/no_account.html", {"reason": outcome.reason}, status=403))
        sociallogin.user = outcome.user
        claims = sociallogin.account.extra_data
        linking.follow_language(request, outcome.user, claims.get("prefLanguage"))

    def on_authentication_error(self, request, provider, error=None, exception=None,
                                extra_context=None):
        from botp.fas import linking
        from botp.fas.tokens import Refused

        reason = exception.reason if isinstance(exception, Refused) else (
            "cancelled" if error == "cancelled" else "failed")
        linking.record_refusal(reason)
        raise ImmediateHttpResponse(_refused(request, reason))


def _refused(request, reason):
    return render(request, "fas/refused.html", {"reason": reason}, status=403)
