"""Staff set their own public name in the admin; only a superuser sets someone else's."""

import pytest
from workflow_helpers import make_user

from claims import roles
from people.models import StaffProfile

pytestmark = pytest.mark.django_db


def test_a_reviewer_sets_their_own_public_name(client):
    rita = make_user("rita", roles.REVIEWERS)
    client.force_login(rita)
    response = client.get("/admin/people/staffprofile/")
    assert response.status_code == 302
    change = response["Location"]
    assert change == f"/admin/people/staffprofile/{rita.pk}/change/"
    assert client.post(change, {"public_name": "Rita R., legal desk"}).status_code == 302
    assert StaffProfile.objects.get(user=rita).public_name == "Rita R., legal desk"


def test_a_reviewer_cannot_see_or_change_someone_elses(client):
    other = make_user("edna", roles.EDITORS)
    StaffProfile.objects.create(user=other, public_name="Edna")
    client.force_login(make_user("rita", roles.REVIEWERS))
    assert client.get(f"/admin/people/staffprofile/{other.pk}/change/").status_code in (302, 403, 404)
    client.post(f"/admin/people/staffprofile/{other.pk}/change/", {"public_name": "Hacked"})
    assert StaffProfile.objects.get(user=other).public_name == "Edna"


def test_a_superuser_sets_a_public_name_on_the_user_page(client):
    rita = make_user("rita", roles.REVIEWERS)
    client.force_login(make_user("root", superuser=True))
    page = client.get(f"/admin/auth/user/{rita.pk}/change/").content.decode()
    assert 'name="staff_profile-0-public_name"' in page
