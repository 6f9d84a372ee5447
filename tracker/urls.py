from django.urls import path

from tracker import views, views_following, views_snapshots

urlpatterns = [
    path("", views.home, name="home"),
    path("flags/", views.flag_feed, name="flags"),
    path("compare/", views.compare, name="compare"),
    path("programs/<slug:slug>/", views.program_dashboard, name="program"),
    path("organizations/<slug:slug>/", views.organization_dashboard, name="organization"),
    path("programs/<slug:slug>/follow/", views.follow_program, name="follow-program"),
    path(
        "programs/<slug:slug>/evidence-pack.zip",
        views_following.evidence_pack_download,
        name="evidence-pack",
    ),
    path("programs/<slug:slug>/snapshots/", views_snapshots.snapshot_list, name="snapshots"),
    path("programs/<slug:slug>/snapshots/take/", views_snapshots.take, name="snapshot-take"),
    path("programs/<slug:slug>/snapshots/<slug:public_id>/", views_snapshots.detail, name="snapshot"),
    path("following/", views_following.following, name="following"),
    path("privacy/", views.doc_page, {"name": "privacy"}, name="privacy"),
    path("methodology/", views.doc_page, {"name": "methodology"}, name="methodology"),
]
