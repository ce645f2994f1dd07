"""Public names in the admin: each staff member sets their own; superusers set anyone's (also on the user page)."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.shortcuts import redirect
from django.urls import reverse

from people.models import StaffProfile

User = get_user_model()


def _own(request, obj) -> bool:
    return request.user.is_superuser or (obj is not None and obj.user_id == request.user.pk)


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "public_name"]
    list_select_related = ["user"]
    search_fields = ["user__username", "public_name"]

    def get_fields(self, request, obj=None):
        return ["user", "public_name"] if request.user.is_superuser else ["public_name"]

    def get_readonly_fields(self, request, obj=None):
        return ["user"] if obj is not None else []

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_staff and (obj is None or _own(request, obj))

    def has_change_permission(self, request, obj=None):
        return request.user.is_staff and (obj is None or _own(request, obj))

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(user=request.user)

    def changelist_view(self, request, extra_context=None):
        # Everyone but a superuser has exactly one: their own, made on first visit.
        if not request.user.is_superuser:
            profile, _ = StaffProfile.objects.get_or_create(user=request.user)
            return redirect(reverse("admin:people_staffprofile_change", args=[profile.pk]))
        return super().changelist_view(request, extra_context)


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    fields = ["public_name"]


admin.site.unregister(User)


@admin.register(User)
class UserWithPublicNameAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, StaffProfileInline]
