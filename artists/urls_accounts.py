from django.urls import path

from artists import views_accounts, views_tokens

urlpatterns = [
    path("signup/", views_accounts.signup, name="signup"),
    path("api-token/", views_tokens.api_token, name="api-token"),
]
