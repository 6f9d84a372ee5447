from django.urls import path

from artists import views_accounts, views_security, views_signin, views_tokens

urlpatterns = [
    path("signup/", views_accounts.signup, name="signup"),
    path("api-token/", views_tokens.api_token, name="api-token"),
    # Before django.contrib.auth.urls: the login that asks for a second factor where one is on.
    path("login/", views_signin.SignInView.as_view(), name="login"),
    path("login/code/", views_signin.second_step, name="login-code"),
    path("recover/", views_signin.recovery_sign_in, name="recovery-sign-in"),
    path("recover/password/", views_signin.recovered_password, name="recovered-password"),
    path("security/", views_security.security, name="security"),
    path("security/email/", views_security.change_email, name="security-email"),
    path("security/recovery-codes/", views_security.make_recovery_codes, name="security-recovery-codes"),
    path("security/two-factor/", views_security.turn_on, name="two-factor-on"),
    path("security/two-factor/off/", views_security.turn_off, name="two-factor-off"),
]
