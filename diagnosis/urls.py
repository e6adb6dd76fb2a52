from django.urls import path

from diagnosis import views

app_name = "diagnosis"

urlpatterns = [
    path("cases/<str:reference>/choose-btp/", views.choose_btp, name="choose_btp"),
    path("cases/<str:reference>/", views.overview, name="overview"),
    path("cases/<str:reference>/sessions/", views.record_session, name="record_session"),
    path("cases/<str:reference>/close/", views.close_after_debrief, name="close"),
    path("cases/<str:reference>/report/", views.report_form, name="report"),
    path("cases/<str:reference>/report/v<int:version>/", views.report_detail,
         name="report_detail"),
    path("cases/<str:reference>/assignment/", views.assignment, name="assignment"),
    path("review/", views.review_queue, name="queue"),
    path("review/<str:reference>/", views.review, name="review"),
]
