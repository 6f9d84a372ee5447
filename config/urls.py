from django.contrib import admin
from django.urls import include, path

from artists.views_signin import admin_login
from config.health import healthz

admin.site.site_header = "Early-Access Tracker administration"
admin.site.site_title = "Early-Access Tracker"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # The admin's login form, signing in through the site's login: it asks for the second factor.
    path("admin/login/", admin_login, name="admin-login"),
    path("admin/", admin.site.urls),
    path("accounts/", include("artists.urls_accounts")),
    path("accounts/", include("django.contrib.auth.urls")),
    # The artist's own pages: each app serves the pages of the records it owns.
    path("me/", include("artists.urls_ledger")),
    path("me/", include("artists.urls_privacy")),
    path("me/", include("programs.urls")),
    path("me/", include("feedback.urls")),
    path("me/import/", include("feedback.urls_import")),
    path("api/v1/", include("config.api_urls")),
    path("", include("tracker.urls")),
]
