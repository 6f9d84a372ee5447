from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Early-Access Tracker administration"
admin.site.site_title = "Early-Access Tracker"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("tracker.urls")),
]
