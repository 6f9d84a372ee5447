from django.urls import path

from tracker import views, views_charts, views_following, views_replies, views_snapshots

urlpatterns = [
    path("", views.home, name="home"),
    path("flags/", views.flag_feed, name="flags"),
    path("compare/", views.compare, name="compare"),
    path("programs/<slug:slug>/", views.program_dashboard, name="program"),
    path("organizations/<slug:slug>/", views.organization_dashboard, name="organization"),
    path("programs/<slug:slug>/follow/", views.follow_program, name="follow-program"),
    path("programs/<slug:slug>/replies/new/", views_replies.reply_new, name="reply-new"),
    path("programs/<slug:slug>/replies/<int:pk>/edit/", views_replies.reply_edit, name="reply-edit"),
    path(
        "programs/<slug:slug>/evidence-pack.zip",
        views_following.evidence_pack_download,
        name="evidence-pack",
    ),
    path(
        "programs/<slug:slug>/charts/<slug:name>.svg",
        views_charts.program_chart_file,
        {"extension": "svg"},
        name="chart-svg",
    ),
    path(
        "programs/<slug:slug>/charts/<slug:name>.png",
        views_charts.program_chart_file,
        {"extension": "png"},
        name="chart-png",
    ),
    path("programs/<slug:slug>/charts/<slug:name>/embed/", views_charts.program_chart_embed, name="chart-embed"),
    path("charts/owed.svg", views_charts.landing_chart_file, {"extension": "svg"}, name="landing-chart-svg"),
    path("charts/owed.png", views_charts.landing_chart_file, {"extension": "png"}, name="landing-chart-png"),
    path("programs/<slug:slug>/snapshots/", views_snapshots.snapshot_list, name="snapshots"),
    path("programs/<slug:slug>/snapshots/take/", views_snapshots.take, name="snapshot-take"),
    path("programs/<slug:slug>/snapshots/<slug:public_id>/", views_snapshots.detail, name="snapshot"),
    path("following/", views_following.following, name="following"),
    path("privacy/", views.doc_page, {"name": "privacy"}, name="privacy"),
    path("methodology/", views.doc_page, {"name": "methodology"}, name="methodology"),
]
