"""Sessions, authentication and messages for the staff site only.

Only the admin (under STAFF_PREFIX) signs anyone in, keeps a session or shows a
message; the public pages are read-only and never touch any of
them (config/public.py). Each class here is Django's own, run for requests
under STAFF_PREFIX and passed over for every other request: they cost a
public request ~60-80 microseconds of CPU (of ~350 for /healthz, ~800 for a
page from the page cache), paid on every page view and every 304.
Subclasses, so Django's and the admin's checks still find them. CSRF stays
Django's own class for every request: the deployment check asks for exactly it.
"""

from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware

# The admin's address (config/urls.py mounts it here): the only part of the site with sign-in.
STAFF_PREFIX = "/admin/"


def is_staff_request(request) -> bool:
    return request.path_info.startswith(STAFF_PREFIX)


class _StaffOnly:
    def __call__(self, request):
        if not is_staff_request(request):
            return self.get_response(request)
        return super().__call__(request)


class StaffSessionMiddleware(_StaffOnly, SessionMiddleware):
    pass


class StaffAuthenticationMiddleware(_StaffOnly, AuthenticationMiddleware):
    pass


class StaffMessageMiddleware(_StaffOnly, MessageMiddleware):
    pass
