"""The artist's ledger under /me/: the overview, one program's ledger, works and decisions."""

from django.urls import path

from artists import views_ledger as views

urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("programs/<int:pk>/", views.enrollment_detail, name="ledger-enrollment"),
    path("works/", views.work_list, name="ledger-works"),
    path("works/new/", views.work_new, name="ledger-work-new"),
    path("works/<int:pk>/edit/", views.work_edit, name="ledger-work-edit"),
    path("works/<int:pk>/delete/", views.work_delete, name="ledger-work-delete"),
    path("works/<int:pk>/decisions/new/", views.decision_new, name="ledger-decision-new"),
]
