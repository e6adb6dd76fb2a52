from django.urls import path

from evaluation import views
from evaluation.campaigns import urls as campaign_urls
from evaluation.monitor import urls as monitor_urls

app_name = "evaluation"

urlpatterns = [
    path("survey/<str:token>/", views.survey_page, name="survey"),
    path("cases/<reference:reference>/", views.case_waves, name="case_waves"),
    path("outcomes/", views.dashboard, name="outcomes"),
    path("outcomes/exports/", views.exports, name="export"),
    path("outcomes/exports/<int:pk>/download/", views.export_download, name="export_download"),
    *monitor_urls.urlpatterns,
    *campaign_urls.urlpatterns,
]
