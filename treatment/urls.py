from django.urls import path

from treatment import views

app_name = "treatment"

urlpatterns = [
    path("cases/<str:reference>/", views.overview, name="overview"),
    path("cases/<str:reference>/sessions/", views.record_session, name="record_session"),
    path("cases/<str:reference>/sessions/<int:pk>/", views.change_session,
         name="change_session"),
    path("cases/<str:reference>/plan/", views.amend_plan, name="amend_plan"),
    path("cases/<str:reference>/meeting/", views.meeting, name="meeting"),
    path("cases/<str:reference>/transmissions/", views.transmission_reports,
         name="transmissions"),
    path("cases/<str:reference>/final-report/", views.final_report, name="final_report"),
    path("cases/<str:reference>/mine/", views.my_programme, name="mine"),
    path("cases/<str:reference>/mine/consents/", views.give_consent, name="give_consent"),
    path("cases/<str:reference>/mine/consents/<int:pk>/withdraw/", views.withdraw_consent,
         name="withdraw_consent"),
]
