"""CSV import of an artist's contributions and compensations, under /me/import/."""

from django.urls import path

from feedback import views_import as views

urlpatterns = [
    path("", views.upload, name="import"),
    path("confirm/", views.confirm, name="import-confirm"),
    path("template/<slug:kind>.csv", views.template, name="import-template"),
]
