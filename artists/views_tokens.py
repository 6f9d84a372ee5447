"""API tokens for any signed-in user (artists and advocates alike): create, see once, revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_token(request):
    token = Token.objects.filter(user=request.user).first()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            # A new token replaces the old one, which stops working at once.
            Token.objects.filter(user=request.user).delete()
            token = Token.objects.create(user=request.user)
            return render(request, "accounts/api_token.html", {"token": token, "new_key": token.key})
        if action == "revoke" and token is not None:
            token.delete()
            messages.success(request, "Your API token is revoked: clients using it are refused from now on.")
            return redirect("api-token")
        messages.error(request, "Choose to create or revoke a token.")
        return redirect("api-token")
    return render(request, "accounts/api_token.html", {"token": token})
