"""Failed sign-ins lock the username and the address (django-axes), say so, and an admin can unlock."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client

pytestmark = pytest.mark.django_db

PASSWORD = "the right passphrase 42"
LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def editor(db):
    return User.objects.create_user("edna", password=PASSWORD, is_staff=True)


def sign_in(client, username, password, address="127.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=address)


def fail(client, times, username="edna", address="127.0.0.1"):
    return [sign_in(client, username, "wrong", address).status_code for _ in range(times)]


def test_the_right_password_signs_in_below_the_limit(client, editor, settings):
    assert fail(client, settings.AXES_FAILURE_LIMIT - 1) == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    response = sign_in(client, "edna", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_at_the_limit_the_right_password_is_refused_and_the_page_says_why(client, editor, settings):
    # The Nth failure already answers with the lockout page.
    assert fail(client, settings.AXES_FAILURE_LIMIT)[-1] == 429
    response = sign_in(client, "edna", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed sign-ins: this username and this address are locked for 15 minutes." in page
    assert 'id="login-form"' in page  # still the login page, in the admin's layout
    assert "_auth_user_id" not in client.session


def test_the_username_is_locked_from_any_address(editor, settings):
    fail(Client(), settings.AXES_FAILURE_LIMIT, address="10.0.0.1")
    assert sign_in(Client(), "edna", PASSWORD, address="10.0.0.2").status_code == 429


def test_the_address_is_locked_for_any_username(editor, settings):
    User.objects.create_user("rita", password=PASSWORD, is_staff=True)
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(Client(), f"nobody{n}", "wrong", address="10.0.0.9")
    assert sign_in(Client(), "rita", PASSWORD, address="10.0.0.9").status_code == 429
    assert sign_in(Client(), "rita", PASSWORD, address="10.0.0.10").status_code == 302


def test_after_the_cool_off_the_right_password_works_again(client, editor, settings):
    fail(client, settings.AXES_FAILURE_LIMIT)
    assert sign_in(client, "edna", PASSWORD).status_code == 429
    # The clock moves on past the cool-off: the recorded attempts are that old now.
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get(username="edna").attempt_time - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
    assert sign_in(client, "edna", PASSWORD).status_code == 302


def test_an_admin_unlocks_by_deleting_the_attempts_in_the_admin(client, editor, settings):
    fail(client, settings.AXES_FAILURE_LIMIT)
    assert sign_in(client, "edna", PASSWORD).status_code == 429
    admin = Client()
    admin.force_login(User.objects.create_superuser("boss", password="irrelevant 12345"))
    changelist = admin.get("/admin/axes/accessattempt/")
    assert "edna" in changelist.content.decode()
    ids = [str(pk) for pk in AccessAttempt.objects.values_list("pk", flat=True)]
    response = admin.post(
        "/admin/axes/accessattempt/", {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert sign_in(client, "edna", PASSWORD).status_code == 302
