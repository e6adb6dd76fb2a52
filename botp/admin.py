"""Fedris back office: the provider directory, programme settings and accounts.

Case data is not here: it is read through the portal's pages, which ask the access policy and
audit every read. The audit trail is listed read-only; case events are not shown at all, since
their reasons can be clinical.
"""

from allauth.account.decorators import secure_admin_login
from django import forms
from django.contrib import admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from botp.forms import CleanTextMixin, PortalModelForm
from botp.models import (
    ApiToken,
    AuditEntry,
    Document,
    Programme,
    Provider,
    Referrer,
    Role,
    Sector,
    SessionType,
    SpokenLanguage,
    SurveyWaveSchedule,
    User,
)

# Accounts that reach clinical content or decide on cases: only a superuser creates them.
ADMINISTRATOR_MAY_NOT_CREATE = {Role.FEDRIS_ADMIN, Role.FEDRIS_PSYCHOLOGIST, Role.RESEARCHER}

# The back office logs in through allauth, so two-factor authentication applies here too.
admin.site.login = secure_admin_login(admin.site.login)


# Names typed in the back office are shown to participants and providers: the same text rules
# as the portal's own forms (botp.text).


class UserChangeForm(CleanTextMixin, auth_forms.UserChangeForm):
    pass


class UserCreationForm(CleanTextMixin, auth_forms.UserCreationForm):
    pass


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "role", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["first_name", "last_name", "role", "language"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "role", "password1", "password2"]})]

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser changes who is staff or superuser, an existing account's role or
        # e-mail: otherwise an administrator could make themselves a psychologist, or take an
        # account over by changing its address.
        if request.user.is_superuser:
            return []
        return ["is_staff", "is_superuser", "groups"] + (["role", "email"] if obj else [])

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        field = super().formfield_for_choice_field(db_field, request, **kwargs)
        if db_field.name == "role" and not request.user.is_superuser:
            field.choices = [(value, label) for value, label in field.choices
                             if value not in ADMINISTRATOR_MAY_NOT_CREATE]
        return field

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        # A password is changed by its owner (reset by e-mail), or by a superuser.
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)


class ProviderForm(PortalModelForm):
    languages = forms.MultipleChoiceField(
        label=_("languages spoken"), choices=SpokenLanguage.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Provider
        fields = ["user", "is_btp", "is_isp", "profession", "programmes", "accredited_on",
                  "training_completed", "active", "languages", "province", "postcode", "city",
                  "address", "phone"]


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    """The directory participants choose from: only accredited, trained, active providers of a
    programme appear in it (Provider.objects.btps / isps)."""

    form = ProviderForm
    list_display = ["user", "is_btp", "is_isp", "profession", "province", "postcode",
                    "accredited_on", "training_completed", "active"]
    list_filter = ["is_btp", "is_isp", "profession", "province", "active", "training_completed",
                   "programmes"]
    search_fields = ["user__email", "user__last_name", "postcode", "city"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["programmes"]
    fieldsets = [
        (None, {"fields": ["user", "is_btp", "is_isp", "profession", "programmes"]}),
        (_("Accreditation"), {"fields": ["accredited_on", "training_completed", "active"]}),
        (_("Practice"), {"fields": ["languages", "province", "postcode", "city", "address",
                                    "phone"]}),
    ]


@admin.register(Referrer)
class ReferrerAdmin(admin.ModelAdmin):
    form = PortalModelForm
    list_display = ["user", "kind", "organisation"]
    list_filter = ["kind"]


class SessionTypeInline(admin.TabularInline):
    model = SessionType
    form = PortalModelForm
    extra = 0


class WaveInline(admin.TabularInline):
    model = SurveyWaveSchedule
    form = PortalModelForm
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    form = PortalModelForm
    list_display = ["code", "name_en", "max_total_sessions", "max_duration_months", "active"]
    inlines = [SessionTypeInline, WaveInline]


admin.site.register(Sector, form=PortalModelForm)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
    list_display = ["at", "actor", "kind", "case", "what"]
    list_filter = ["kind"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
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
