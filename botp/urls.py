from django.contrib import admin
from django.urls import include, path

from botp import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("cases/<reference:reference>/", views.case_detail, name="case_detail"),
    path("cases/<reference:reference>/actions/<slug:action>/", views.case_transition,
         name="case_transition"),
    path("cases/<reference:reference>/audit/", views.case_audit, name="case_audit"),
    path("cases/<reference:reference>/leave/", views.case_leave, name="case_leave"),
    path("documents/<int:pk>/", views.document_download, name="document"),
    path("deliveries/", views.deliveries, name="deliveries"),
    path("deliveries/<int:pk>/retry/", views.delivery_retry, name="delivery_retry"),
    path("audit/accounts/", views.account_trail, name="account_audit"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("api/", include("botp.api.urls")),
    path("intake/", include("intake.urls")),
    path("diagnosis/", include("diagnosis.urls")),
    path("treatment/", include("treatment.urls")),
    path("evaluation/", include("evaluation.urls")),
    path("payments/", include("botp.payments.urls")),
    path("accounts/invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("backoffice/", admin.site.urls),
]

