from django.urls import path

from intake import views

app_name = "intake"

urlpatterns = [
    path("requests/", views.request_list, name="list"),
    path("requests/new/", views.request_form, name="new"),
    path("requests/<int:pk>/edit/", views.request_form, name="edit"),
    path("requests/<int:pk>/", views.request_detail, name="detail"),
    path("requests/<int:pk>/signature/resend/", views.resend_signature,
         name="resend_signature"),
    path("review/", views.review_queue, name="queue"),
    path("review/<int:pk>/", views.review, name="review"),
    path("activate/<str:token>/", views.activate, name="activate"),
    path("sign/<str:token>/", views.sign_request, name="sign"),
]
