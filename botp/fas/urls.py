from django.urls import path

from botp.fas import views

# Under /accounts/ with allauth's own, so the two-factor middleware lets them through.
urlpatterns = [
    path("fas/login/", views.login, name="fas_login"),
    path("fas/login/callback/", views.callback, name="fas_callback"),
]
