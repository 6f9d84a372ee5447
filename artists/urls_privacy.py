"""An artist's own account pages: profile, reminders, export, deletion."""

from django.urls import path

from artists import views_privacy, views_reminders

urlpatterns = [
    path("profile/", views_privacy.profile, name="profile"),
    path("reminders/", views_reminders.choose, name="reminders"),
    path("reminders/stop/<str:token>/", views_reminders.stop, name="reminders-stop"),
    path("export/", views_privacy.export, name="export"),
    path("export/zip/", views_privacy.export_zip, name="export-zip"),
    path("export/json/", views_privacy.export_json, name="export-json"),
    path("delete/", views_privacy.delete_account, name="delete-account"),
]
