from django.urls import path

from botp.payments import views

app_name = "payments"

urlpatterns = [
    path("statements/", views.statements, name="statements"),
    path("statements/<int:pk>/", views.statement, name="statement"),
    path("statements/<int:pk>/pdf/", views.statement_pdf, name="statement_pdf"),
    path("travel/", views.claims, name="claims"),
    path("travel/<int:pk>/", views.claim, name="claim"),
    path("bank-account/", views.bank_account, name="bank_account"),
    path("runs/", views.runs, name="runs"),
    path("runs/<int:pk>/", views.run, name="run"),
    path("runs/<int:pk>/sepa/", views.run_file, name="run_file"),
    path("runs/<int:pk>/pdf/", views.run_pdf, name="run_pdf"),
]
