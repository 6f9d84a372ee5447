from django.urls import path

from artists import views_accounts

urlpatterns = [path("signup/", views_accounts.signup, name="signup")]
