"""The Editors and Reviewers groups, their permissions, and the commands that make their users."""

import importlib
from io import StringIO
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.db import connection

from claims import roles

pytestmark = pytest.mark.django_db


def perms_of(group_name) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_the_data_migration_creates_both_groups_with_their_permissions():
    Group.objects.all().delete()
    migration = importlib.import_module("claims.migrations.0002_editorial_groups")
    migration.create_groups(apps, SimpleNamespace(connection=connection))
    assert perms_of(roles.EDITORS) == set(roles.EDITOR_PERMISSIONS)
    assert perms_of(roles.REVIEWERS) == set(roles.REVIEWER_PERMISSIONS)


def test_only_reviewers_hold_publish_verdict_and_nobody_deletes_claims():
    roles.ensure_groups()
    assert roles.groups_holding("claims.publish_verdict") == [roles.REVIEWERS]
    assert "claims.publish_verdict" not in perms_of(roles.EDITORS)
    assert "claims.delete_claim" not in perms_of(roles.EDITORS) | perms_of(roles.REVIEWERS)


def test_ensure_groups_restores_a_missing_permission_and_keeps_a_hand_granted_one():
    roles.ensure_groups()
    editors = Group.objects.get(name=roles.EDITORS)
    editors.permissions.remove(editors.permissions.get(codename="add_flag"))
    editors.permissions.add(*Group.objects.get(name=roles.REVIEWERS).permissions.filter(codename="add_source"))
    roles.ensure_groups()
    assert {"claims.add_flag", "sources.add_source"} <= perms_of(roles.EDITORS)


def test_createeditor_makes_a_staff_user_in_editors_with_the_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("EDNA_PASSWORD", "a long and unusual passphrase 42")
    out = StringIO()
    call_command("createeditor", "edna", "--password-from-env", "EDNA_PASSWORD", stdout=out)
    edna = User.objects.get(username="edna")
    assert edna.is_staff and not edna.is_superuser and edna.check_password("a long and unusual passphrase 42")
    assert list(edna.groups.values_list("name", flat=True)) == [roles.EDITORS]
    assert "Created staff user 'edna' in the Editors group" in out.getvalue()


def test_createreviewer_prompts_for_the_password_twice(monkeypatch):
    answers = iter(["another long passphrase 77", "another long passphrase 77"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    monkeypatch.setattr("sys.stdin", type("Tty", (), {"isatty": lambda self: True})())
    call_command("createreviewer", "rita", stdout=StringIO())
    rita = User.objects.get(username="rita")
    assert rita.has_perm("claims.publish_verdict") and rita.check_password("another long passphrase 77")


def test_different_passwords_at_the_prompt_create_nobody(monkeypatch):
    answers = iter(["another long passphrase 77", "a different passphrase 78"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    monkeypatch.setattr("sys.stdin", type("Tty", (), {"isatty": lambda self: True})())
    with pytest.raises(CommandError, match="the two passwords differ; nothing was created"):
        call_command("createreviewer", "rita")
    assert not User.objects.exists()


def test_a_missing_environment_variable_is_named(monkeypatch):
    monkeypatch.delenv("NO_SUCH_VAR", raising=False)
    with pytest.raises(CommandError, match="the environment variable NO_SUCH_VAR is not set or empty"):
        call_command("createeditor", "edna", "--password-from-env", "NO_SUCH_VAR")
    assert not User.objects.exists()


def test_a_weak_password_is_refused(monkeypatch):
    monkeypatch.setenv("WEAK", "password")
    with pytest.raises(CommandError, match="password refused: This password is too common"):
        call_command("createeditor", "edna", "--password-from-env", "WEAK")


def test_without_a_terminal_or_variable_the_command_says_how_to_give_a_password(monkeypatch):
    monkeypatch.setattr("sys.stdin", type("Pipe", (), {"isatty": lambda self: False})())
    with pytest.raises(CommandError, match="use --password-from-env VAR"):
        call_command("createeditor", "edna")


def test_an_existing_user_is_given_the_role_and_keeps_the_password():
    User.objects.create_user("sam", password="an old but long passphrase 1")
    call_command("createreviewer", "sam", stdout=StringIO())
    sam = User.objects.get(username="sam")
    assert sam.is_staff and sam.check_password("an old but long passphrase 1")
    assert sam.groups.filter(name=roles.REVIEWERS).exists()


def test_the_system_reviewer_may_publish_but_cannot_sign_in():
    system = roles.ensure_system_reviewer()
    assert system.has_perm("claims.publish_verdict")
    assert not system.is_staff and not system.has_usable_password()
    assert roles.ensure_system_reviewer().pk == system.pk
