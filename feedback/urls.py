"""The artist's contribution and payment pages under /me/."""

from django.urls import path

from feedback import views, views_quick, views_statement

urlpatterns = [
    path("log/", views_quick.quick_log, name="quick-log"),
    path("contributions/", views.contribution_list, name="ledger-contributions"),
    path("contributions/new/", views.contribution_new, name="ledger-contribution-new"),
    path("contributions/<int:pk>/edit/", views.contribution_edit, name="ledger-contribution-edit"),
    path("contributions/<int:pk>/delete/", views.contribution_delete, name="ledger-contribution-delete"),
    path("compensations/", views.compensation_list, name="ledger-compensations"),
    path("compensations/new/", views.compensation_new, name="ledger-compensation-new"),
    path("compensations/<int:pk>/edit/", views.compensation_edit, name="ledger-compensation-edit"),
    path("compensations/<int:pk>/delete/", views.compensation_delete, name="ledger-compensation-delete"),
    path("statement/<slug:slug>/", views_statement.statement_page, name="ledger-statement"),
    path("statement/<slug:slug>/pdf", views_statement.statement_download, name="ledger-statement-pdf"),
]
