"""What a locked-out sign-in sees: the admin's login page, saying why and for how long."""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.template.response import TemplateResponse


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return (
        f"Too many failed sign-ins: this username and this address are locked for {minutes} minutes. "
        "Try again later, or ask an administrator to unlock them."
    )


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' lockout page (AXES_LOCKOUT_CALLABLE): the login form again, with the lockout explained, status 429."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AdminAuthenticationForm(request, initial={"username": username})
    context = {
        **admin.site.each_context(request),
        "title": "Log in",
        "subtitle": None,
        "app_path": request.get_full_path(),
        "form": form,
        "lockout_message": lockout_message(),
        REDIRECT_FIELD_NAME: request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, ""),
    }
    return TemplateResponse(request, "admin/login.html", context, status=429).render()
