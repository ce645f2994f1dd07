from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from claims.models import Claim
from faq.models import Document

pytestmark = pytest.mark.django_db(transaction=True)


def quickstart():
    out = StringIO()
    call_command("quickstart", "--no-serve", stdout=out)
    return out.getvalue()


def test_quickstart_loads_the_seed_groups_and_a_first_admin():
    output = quickstart()
    document = Document.objects.get()
    assert document.slug == "state-benefits-data-sharing-with-ice-in-north-carolina"
    assert document.source_url.startswith("https://www.uscisguide.com/")
    assert document.questions.count() == 20
    assert Claim.objects.filter(question__document=document).count() > 100
    assert set(Group.objects.values_list("name", flat=True)) >= {"Editors", "Reviewers"}
    assert User.objects.get(username="admin").is_superuser
    assert "Created superuser 'admin' with password:" in output


def test_running_quickstart_twice_is_harmless():
    quickstart()
    claims = list(Claim.objects.values_list("pk", "updated_at"))
    output = quickstart()
    assert "nothing changed" in output
    assert list(Claim.objects.values_list("pk", "updated_at")) == claims
    assert Document.objects.count() == 1
    assert User.objects.filter(is_superuser=True).count() == 1
