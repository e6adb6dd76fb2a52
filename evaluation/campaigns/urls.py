from django.urls import path

from evaluation.campaigns import views

# Included in evaluation.urls (namespace "evaluation").
urlpatterns = [
    path("campaigns/", views.campaigns, name="campaigns"),
    path("campaigns/<int:pk>/", views.campaign, name="campaign"),
    path("campaigns/<int:pk>/remind/", views.campaign_remind, name="campaign_remind"),
    path("campaigns/<int:pk>/close/", views.campaign_close, name="campaign_close"),
    path("campaign/<str:token>/", views.answer, name="campaign_answer"),
]
