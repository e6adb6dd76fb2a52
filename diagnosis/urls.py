from django.urls import path

from diagnosis import views

app_name = "diagnosis"

urlpatterns = [
    path("cases/<reference:reference>/choose-btp/", views.choose_btp, name="choose_btp"),
    path("cases/<reference:reference>/", views.overview, name="overview"),
    path("cases/<reference:reference>/sessions/", views.record_session, name="record_session"),
    path("cases/<reference:reference>/close/", views.close_after_debrief, name="close"),
    path("cases/<reference:reference>/report/", views.report_form, name="report"),
    path("cases/<reference:reference>/report/v<int:version>/", views.report_detail,
         name="report_detail"),
    path("cases/<reference:reference>/assignment/", views.assignment, name="assignment"),
    path("review/", views.review_queue, name="queue"),
    path("review/<reference:reference>/", views.review, name="review"),
]
