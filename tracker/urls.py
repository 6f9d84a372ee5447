from django.urls import path

from tracker import views

urlpatterns = [
    path("", views.home, name="home"),
    path("flags/", views.flag_feed, name="flags"),
    path("programs/<slug:slug>/follow/", views.follow_program, name="follow-program"),
]
