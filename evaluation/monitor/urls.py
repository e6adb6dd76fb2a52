from django.urls import path

from evaluation.monitor import views

# Included in evaluation.urls (namespace "evaluation").
urlpatterns = [
    path("monitor/", views.start, name="monitor_start"),
    path("monitor/aggregates/", views.aggregates_page, name="monitor_aggregates"),
    path("monitor/<str:token>/", views.home, name="monitor_home"),
    path("monitor/<str:token>/answer/", views.answer, name="monitor_answer"),
    path("monitor/<str:token>/contact/", views.contact, name="monitor_contact"),
    path("monitor/<str:token>/<str:measurement>/", views.result, name="monitor_feedback"),
    path("monitor/<str:token>/<str:measurement>/pdf/", views.result_pdf, name="monitor_pdf"),
]
