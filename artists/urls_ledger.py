"""The artist's ledger under /me/."""

from django.urls import path

from artists import views_ledger as views

urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("programs/join/", views.join_program, name="ledger-join"),
    path("programs/<int:pk>/", views.enrollment_detail, name="ledger-enrollment"),
    path("programs/<int:pk>/access/", views.access_change, name="ledger-access"),
    path("programs/<int:pk>/delete/", views.enrollment_delete, name="ledger-enrollment-delete"),
    path("contributions/", views.contribution_list, name="ledger-contributions"),
    path("contributions/new/", views.contribution_new, name="ledger-contribution-new"),
    path("contributions/<int:pk>/edit/", views.contribution_edit, name="ledger-contribution-edit"),
    path("contributions/<int:pk>/delete/", views.contribution_delete, name="ledger-contribution-delete"),
    path("works/", views.work_list, name="ledger-works"),
    path("works/new/", views.work_new, name="ledger-work-new"),
    path("works/<int:pk>/edit/", views.work_edit, name="ledger-work-edit"),
    path("works/<int:pk>/delete/", views.work_delete, name="ledger-work-delete"),
    path("works/<int:pk>/decisions/new/", views.decision_new, name="ledger-decision-new"),
    path("compensations/", views.compensation_list, name="ledger-compensations"),
    path("compensations/new/", views.compensation_new, name="ledger-compensation-new"),
    path("compensations/<int:pk>/edit/", views.compensation_edit, name="ledger-compensation-edit"),
    path("compensations/<int:pk>/delete/", views.compensation_delete, name="ledger-compensation-delete"),
]
