"""The artist's program pages under /me/, and the evidence download (for reviewers too)."""

from django.urls import path

from programs import views

urlpatterns = [
    path("programs/join/", views.join_program, name="ledger-join"),
    path("programs/propose/", views.propose, name="propose-program"),
    path("programs/<int:pk>/access/", views.access_change, name="ledger-access"),
    path("programs/<int:pk>/delete/", views.enrollment_delete, name="ledger-enrollment-delete"),
    path("programs/<int:pk>/evidence/", views.evidence_new, name="ledger-evidence"),
    path("evidence/<int:pk>/file/", views.evidence_file, name="evidence-file"),
]
