from django.urls import path

from treatment import views

app_name = "treatment"

urlpatterns = [
    path("cases/<reference:reference>/", views.overview, name="overview"),
    path("cases/<reference:reference>/sessions/", views.record_session, name="record_session"),
    path("cases/<reference:reference>/sessions/<int:pk>/", views.change_session,
         name="change_session"),
    path("cases/<reference:reference>/plan/", views.amend_plan, name="amend_plan"),
    path("cases/<reference:reference>/meeting/", views.meeting, name="meeting"),
    path("cases/<reference:reference>/transmissions/", views.transmission_reports,
         name="transmissions"),
    path("cases/<reference:reference>/final-report/", views.final_report, name="final_report"),
    path("cases/<reference:reference>/mine/", views.my_programme, name="mine"),
    path("cases/<reference:reference>/mine/consents/", views.give_consent, name="give_consent"),
    path("cases/<reference:reference>/mine/consents/<int:pk>/withdraw/", views.withdraw_consent,
         name="withdraw_consent"),
]
