"""Fedris back office: the provider directory, programme settings and accounts.

Case data is not here: it is read through the portal's pages, which ask the access policy and
audit every read. The audit trail is listed read-only; case events are not shown at all, since
their reasons can be clinical.
"""

from allauth.account.admin import EmailAddressAdmin as BaseEmailAddressAdmin
from allauth.account.decorators import secure_admin_login
from allauth.account.models import EmailAddress
from allauth.mfa.admin import AuthenticatorAdmin as BaseAuthenticatorAdmin
from allauth.mfa.models import Authenticator
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from botp import invitations, nationalnumber, policy, programme_rules, registration
from botp.forms import DateInput, PortalForm, PortalModelForm
from botp.models import (
    ApiToken,
    AuditEntry,
    Document,
    Invitation,
    Language,
    Programme,
    ProgrammeVersion,
    Provider,
    Referrer,
    Role,
    Sector,
    SessionType,
    SpokenLanguage,
    SurveyWaveSchedule,
    User,
    WellbeingOfficer,
)

# The back office logs in through allauth, so two-factor authentication applies here too.
admin.site.login = secure_admin_login(admin.site.login)


class ReadOnly:
    """A back-office page that shows records and changes none."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SuperusersOnly:
    """Records only a superuser sees and keeps (who holds an API token, which organisation a
    wellbeing officer sees): Fedris' administrators group has no say over them."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    pass


# --- Accounts ---------------------------------------------------------------------------------
#
# Nobody sets or changes another person's password here, a superuser neither: accounts are
# made by an invitation to the person's own address (botp.invitations), and a forgotten
# password is reset by its owner by e-mail. An account's e-mail address and role stay what the
# invitation made them: a new address could receive the owner's password reset, and a new role
# would carry the account's history into another one's access.


# Names typed in the back office are shown to participants and providers: the same text rules
# as the portal's own forms (botp.text), through PortalForm and PortalModelForm.


class UserChangeForm(PortalModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "language", "is_active", "is_staff", "is_superuser",
                  "groups"]

    def clean(self):
        data = super().clean()
        if data.get("is_staff") and self.instance.role != Role.FEDRIS_ADMIN:
            self.add_error("is_staff", _("Only a Fedris administrator's account is staff."))
        return data


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "role", "is_active", "is_staff"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "role"]}),
        (_("Person"), {"fields": ["first_name", "last_name", "language"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        fixed = ["email", "role", "last_login", "date_joined"]
        # Only a superuser changes who is staff or superuser: otherwise an administrator
        # could give themselves the rights to invite psychologists.
        if request.user.is_superuser:
            return fixed
        return fixed + ["is_staff", "is_superuser", "groups"]

    def has_add_permission(self, request):
        return False  # accounts come from invitations

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        raise PermissionDenied


class NationalNumberField(forms.CharField):
    """The invited person's national register number, optional: with it, their account also
    opens through the Federal Authentication Service (itsme, eID). Only its keyed hash is
    kept."""

    def __init__(self, **kwargs):
        super().__init__(
            label=_("national register number (optional)"), required=False, max_length=20,
            help_text=_("With it, the person can also log in with itsme or their eID "
                        "through the Federal Authentication Service. Only a keyed hash of "
                        "the number is kept."),
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return ""
        number = nationalnumber.validate(value)
        if User.objects.filter(niss_hash=nationalnumber.keyed_hash(number)).exists():
            raise ValidationError(_("An account with this national register number exists."))
        return number


class InvitationForm(PortalModelForm):
    national_number = NationalNumberField()

    class Meta:
        model = Invitation
        fields = ["email", "first_name", "last_name", "language", "role"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("An account with this e-mail address exists."))
        return email


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations to an account. Care providers are invited from their provider record, so
    that the account is linked to it; everyone else from here."""

    form = InvitationForm
    list_display = ["email", "full_name", "role", "provider", "invited_by", "created_at",
                    "expires_at", "status_display"]
    list_filter = ["role"]
    search_fields = ["email", "last_name", "first_name"]
    actions = ["send_again", "revoke"]
    readonly_fields = ["email", "first_name", "last_name", "language", "role", "provider",
                       "invited_by", "created_at", "expires_at", "accepted_at", "revoked_at",
                       "user", "status_display"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["email", "first_name", "last_name", "language", "role", "national_number"]
        return self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    @admin.display(description=_("status"))
    def status_display(self, obj):
        return obj.get_status_display()

    @admin.display(description=_("name"))
    def full_name(self, obj):
        return obj.full_name

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        field = super().formfield_for_choice_field(db_field, request, **kwargs)
        if db_field.name == "role":
            allowed = policy.invitable_roles(request.user) - {Role.PROVIDER}
            field.choices = [(value, label) for value, label in field.choices
                             if value in allowed]
        return field

    def has_change_permission(self, request, obj=None):
        return False  # an invitation is sent, replaced or revoked, never edited

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # The form has checked the number; a number taken meanwhile is refused by invite().
        invitation = invitations.invite(request.user, **form.cleaned_data)
        # The admin goes on with the object it built: make it the one recorded.
        obj.__dict__.update({k: v for k, v in invitation.__dict__.items() if k != "_state"})
        obj._state.adding = False

    @admin.action(description=_("Send a new invitation (the earlier link stops working)"),
                  permissions=["add"])
    def send_again(self, request, queryset):
        _act(self, request, queryset, lambda invitation: invitations.resend(invitation,
                                                                            request.user),
             _("%(count)d invitation(s) sent again."))

    @admin.action(description=_("Revoke the invitation"), permissions=["add"])
    def revoke(self, request, queryset):
        _act(self, request, queryset, lambda invitation: invitations.revoke(invitation,
                                                                            request.user),
             _("%(count)d invitation(s) revoked."))


def _act(model_admin, request, invitations_, action, done):
    """Run ``action`` on each invitation not accepted yet, and say how it went."""
    count = 0
    for invitation in invitations_:
        if invitation.accepted_at is not None:
            continue
        try:
            acted = action(invitation)
        except PermissionDenied:
            model_admin.message_user(request, _("%(email)s: only a superuser may invite to "
                                                "this role.") % {"email": invitation.email},
                                     messages.ERROR)
        except ValidationError as error:
            model_admin.message_user(request, f"{invitation.email}: {' '.join(error.messages)}",
                                     messages.ERROR)
        else:
            count += acted is not False
    model_admin.message_user(request, done % {"count": count}, messages.SUCCESS)


admin.site.unregister(EmailAddress)
admin.site.unregister(Authenticator)


@admin.register(EmailAddress)
class EmailAddressAdmin(ReadOnly, BaseEmailAddressAdmin):
    """Read-only: an address added here could receive the owner's password reset."""

    actions = []


@admin.register(Authenticator)
class AuthenticatorAdmin(BaseAuthenticatorAdmin):
    """Two-factor devices can be removed (a lost phone: the owner sets up a new one at their
    next login), never added or changed for someone else."""

    exclude = ["data"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- The provider directory -------------------------------------------------------------------


class ProviderForm(PortalModelForm):
    languages = forms.MultipleChoiceField(
        label=_("languages spoken"), choices=SpokenLanguage.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    # Typed as written on the provider's papers (1-23456-78-901); kept as digits, checked by
    # the model (botp.registration).
    riziv_number = forms.CharField(
        label=_("INAMI/RIZIV number"), required=False, max_length=20,
        help_text=Provider._meta.get_field("riziv_number").help_text,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    commission_number = forms.CharField(
        label=_("Psychologists' Commission registration"), required=False, max_length=20,
        help_text=Provider._meta.get_field("commission_number").help_text,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))

    def clean_riziv_number(self):
        return registration.compact(self.cleaned_data["riziv_number"])

    def clean_commission_number(self):
        return registration.compact(self.cleaned_data["commission_number"])

    class Meta:
        model = Provider
        fields = ["is_btp", "is_isp", "profession", "programmes", "riziv_number",
                  "commission_number", "accredited_on", "accreditation_expires_on",
                  "accreditation_reference", "training_completed", "active", "languages",
                  "province", "postcode", "city", "address", "phone"]


class NewProviderForm(ProviderForm):
    """A new provider record and the invitation that will make its account."""

    email = forms.EmailField(
        label=_("the provider's own e-mail address"),
        help_text=_("The invitation goes to this address. The provider chooses their own "
                    "password; their account is linked to this record when they accept."),
    )
    first_name = forms.CharField(label=_("first name"), max_length=150)
    last_name = forms.CharField(label=_("last name"), max_length=150)
    language = forms.ChoiceField(label=_("language of the invitation and the portal"),
                                 choices=Language.choices)
    national_number = NationalNumberField()

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("An account with this e-mail address exists."))
        return email


PROVIDER_FIELDSETS = [
    (None, {"fields": ["is_btp", "is_isp", "profession", "programmes"]}),
    (_("Registration"), {"fields": ["riziv_number", "commission_number"]}),
    (_("Accreditation"), {"fields": ["accredited_on", "accreditation_expires_on",
                                     "accreditation_reference", "training_completed",
                                     "active"]}),
    (_("Practice"), {"fields": ["languages", "province", "postcode", "city", "address",
                                "phone"]}),
]


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    """The directory participants choose from: only accredited, trained, active providers of a
    programme appear in it (Provider.objects.btps / isps), once they have accepted their
    invitation. A record's account is made by that invitation and never changes."""

    form = ProviderForm
    list_display = ["__str__", "account", "is_btp", "is_isp", "profession", "registration",
                    "province", "postcode", "accredited_on", "accreditation_expires_on",
                    "training_completed", "active"]
    list_filter = ["is_btp", "is_isp", "profession", "province", "active", "training_completed",
                   "programmes"]
    search_fields = ["user__email", "user__last_name", "invitations__email",
                     "invitations__last_name", "postcode", "city", "riziv_number",
                     "commission_number", "accreditation_reference"]
    list_select_related = ["user"]
    filter_horizontal = ["programmes"]
    actions = ["send_invitation_again"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = NewProviderForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            invitation = ["email", "first_name", "last_name", "language", "national_number"]
            return [(_("Invitation"), {"fields": invitation})] + PROVIDER_FIELDSETS
        return [(_("Account"), {"fields": ["account"]})] + PROVIDER_FIELDSETS

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["account"]

    @admin.display(description=_("registration"))
    def registration(self, obj):
        return "; ".join(f"{label} {number}" for label, number in obj.registrations()) or "—"

    @admin.display(description=_("account"))
    def account(self, obj):
        if obj.user_id:
            return obj.user.email
        invitation = obj.invitations.first()
        if invitation is None:
            return _("no invitation")
        return format_html("{} — {}", invitation.email, invitation.get_status_display())

    def has_add_permission(self, request):
        return (super().has_add_permission(request)
                and policy.may_invite(request.user, Role.PROVIDER))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            data = form.cleaned_data
            invitations.invite(request.user, email=data["email"], role=Role.PROVIDER,
                               first_name=data["first_name"], last_name=data["last_name"],
                               language=data["language"], provider=obj,
                               national_number=data.get("national_number", ""))
            self.message_user(request, _(
                "An invitation is on its way to %(email)s: the provider chooses their own "
                "password, and the account is linked to this record then."
            ) % {"email": data["email"]}, messages.INFO)

    @admin.action(description=_("Send a new invitation to providers without an account"),
                  permissions=["add"])
    def send_invitation_again(self, request, queryset):
        pending = [invitation for provider in queryset.filter(user__isnull=True)
                   if (invitation := provider.invitations.first()) is not None]
        _act(self, request, pending,
             lambda invitation: invitations.resend(invitation, request.user),
             _("%(count)d invitation(s) sent again."))


@admin.register(Referrer)
class ReferrerAdmin(admin.ModelAdmin):
    """A referrer's details, added once the referrer has accepted their invitation."""

    form = PortalModelForm
    list_display = ["user", "kind", "organisation"]
    list_filter = ["kind"]

    def get_readonly_fields(self, request, obj=None):
        return ["user"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = User.objects.filter(role=Role.REFERRER, referrer__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(WellbeingOfficer)
class WellbeingOfficerAdmin(SuperusersOnly, admin.ModelAdmin):
    """A wellbeing officer's organisation, added once they have accepted their invitation: the
    re-integration monitor's aggregates they see are that organisation's."""

    form = PortalModelForm
    list_display = ["user", "organisation"]
    list_filter = ["organisation"]

    # Like inviting them: only a superuser decides which organisation an officer sees.
    def get_readonly_fields(self, request, obj=None):
        return ["user"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = User.objects.filter(role=Role.WELLBEING_OFFICER,
                                                     wellbeing_officer__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SessionTypeInline(admin.TabularInline):
    model = SessionType
    form = PortalModelForm
    extra = 0


class WaveInline(admin.TabularInline):
    model = SurveyWaveSchedule
    form = PortalModelForm
    extra = 0


class PublishVersionForm(PortalForm):
    valid_from = forms.DateField(
        label=_("Valid from"), widget=DateInput(),
        help_text=_("Requests sent from this day run under the new version; requests sent "
                    "before keep theirs."))
    change_note = forms.CharField(
        label=_("What changes and why"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the version and shown with its list of changes."))


def _changes_html(version):
    if version.number == 1:
        return _("The programme's first rules.")
    return format_html_join(
        "", "<div>{}: {} → {}</div>",
        ((change.label, _shown(change.before), _shown(change.after))
         for change in programme_rules.version_changes(version)))


def _shown(value):
    if value is None:
        return "—"
    if isinstance(value, dict):
        return ", ".join(f"{key}: {item}" for key, item in value.items())
    return str(value)


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    """A programme's rows are its draft: nothing a case uses changes until the changes are
    published as a new version from a date (botp.programme_rules)."""

    form = PortalModelForm
    list_display = ["code", "name_en", "max_total_sessions", "max_duration_months",
                    "version_in_force", "active"]
    inlines = [SessionTypeInline, WaveInline]
    change_form_template = "admin/botp/programme/change_form.html"

    @admin.display(description=_("Version in force"))
    def version_in_force(self, programme):
        version = programme_rules.in_force_version(programme)
        return version.number if version else "—"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:  # a new programme's rules, as entered, are its version 1 from today
            programme_rules.publish_first(form.instance, timezone.localdate())

    def get_urls(self):
        return [
            path("<int:pk>/publish/", self.admin_site.admin_view(self.publish_view),
                 name="botp_programme_publish"),
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        programme = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if programme is not None:
            extra["pending_changes"] = programme_rules.pending_changes(programme)
            # The published versions: what each changed, who published it, when and why.
            extra["versions"] = [(version, _changes_html(version)) for version in
                                 programme.versions.select_related("created_by")
                                 .order_by("-number")]
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def publish_view(self, request, pk):
        programme = self.get_object(request, str(pk))
        if programme is None:
            raise Http404
        if not self.has_change_permission(request, programme):
            raise PermissionDenied
        form = PublishVersionForm(request.POST or None,
                                  initial={"valid_from": timezone.localdate()})
        if request.method == "POST" and form.is_valid():
            try:
                version = programme_rules.publish(
                    programme, request.user, valid_from=form.cleaned_data["valid_from"],
                    change_note=form.cleaned_data["change_note"])
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.error_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, error)
            else:
                self.message_user(request, _("Version %(number)s of “%(programme)s” is "
                                             "published, in force from %(date)s.") % {
                    "number": version.number, "programme": programme.name,
                    "date": version.valid_from.strftime("%d/%m/%Y")}, messages.SUCCESS)
                return redirect("admin:botp_programme_change", programme.pk)
        in_force = programme_rules.in_force(programme)
        return TemplateResponse(request, "admin/botp/programme/publish.html", {
            **self.admin_site.each_context(request), "opts": self.opts,
            "programme": programme, "form": form,
            "changes": programme_rules.pending_changes(programme),
            "in_force": in_force.version if in_force else None,
            "notes": _notes(programme),
            "title": _("Publish a new version of “%(programme)s”") % {
                "programme": programme.name},
        })


def _notes(programme):
    """The programme's notes on what the public sources leave open, in the reader's
    language."""
    language = (get_language() or "nl")[:2]
    names = programme_rules.type_names(programme)
    return [(programme_rules.label(key, names),
             texts.get(language) or texts.get("en") or texts.get("nl", ""))
            for key, texts in (programme.notes or {}).items()]


@admin.register(ProgrammeVersion)
class ProgrammeVersionAdmin(ReadOnlyAdmin):
    list_display = ["programme", "number", "valid_from", "created_by", "created_at"]
    list_filter = ["programme"]
    fields = ["programme", "number", "valid_from", "created_by", "created_at", "change_note",
              "changes"]
    readonly_fields = fields

    @admin.display(description=_("Changes"))
    def changes(self, version):
        return _changes_html(version)


admin.site.register(Sector, form=PortalModelForm)


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    """Which documents are ready; why one is not, and trying it again, is on the portal's
    deliveries page. The files themselves are read through the portal, which asks the access
    policy."""

    list_display = ["case", "kind", "version", "language", "status", "created_at"]
    list_filter = ["status", "kind"]
    fields = ["case", "kind", "version", "language", "status", "sha256", "size", "created_at",
              "rendered_at"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "kind", "case", "subject", "what"]
    list_filter = ["kind"]


@admin.register(ApiToken)
class ApiTokenAdmin(SuperusersOnly, admin.ModelAdmin):
    """Tokens for integrations. A token acts as its user, so making one for a psychologist
    would be a way into their cases: only a superuser sees this page."""

    form = PortalModelForm
    list_display = ["name", "user", "prefix", "created_at", "expires_at", "last_used_at"]
    search_fields = ["name", "user__email", "prefix"]
    raw_id_fields = ["user"]

    def get_fields(self, request, obj=None):
        return (["user", "name", "expires_at"] if obj is None else
                ["user", "name", "prefix", "created_at", "expires_at", "last_used_at"])

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["user", "prefix", "created_at", "last_used_at"]

    def get_changeform_initial_data(self, request):
        return {"expires_at": ApiToken.default_expiry()}

    def save_model(self, request, obj, form, change):
        if not change:
            key = ApiToken.new_key()
            obj.set_key(key)
            request.issued_key = key
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        # The key is shown on this one page and kept nowhere: not in a message, not in a log.
        return TemplateResponse(request, "admin/botp/apitoken/issued.html", {
            **self.admin_site.each_context(request), "opts": self.opts, "token": obj,
            "key": request.issued_key, "title": _("API token issued"),
        })


admin.site.site_header = _("BOTP back office")
admin.site.site_title = _("BOTP back office")
