"""Users in each role and claims in each state, built through the real workflow (tests of issue 3)."""

import pytest
from django.contrib.auth.models import AnonymousUser, User

from claims import roles, workflow
from claims.models import Claim
from sources.models import Source

# The citations each verdict needs, the fewest that satisfy it (claims.workflow.VERDICT_NEEDS).
MINIMAL_STANCES = {
    "supported": ["supports"],
    "partly_supported": ["supports", "context"],
    "misleading": ["context"],
    "contradicted": ["refutes"],
    "outdated": ["refutes"],
    "unverifiable": [],
}

# For each verdict, citations that are not enough, and the rule the refusal names.
INSUFFICIENT = {
    "supported": (["context", "refutes"], "a 'supported' verdict needs at least one citation with stance 'supports'"),
    "partly_supported": (
        ["supports"],
        "a 'partly_supported' verdict needs at least one citation with stance 'refutes' or 'context'",
    ),
    "misleading": ([], "a 'misleading' verdict needs at least one citation"),
    "contradicted": (
        ["supports", "context"],
        "a 'contradicted' verdict needs at least one citation with stance 'refutes'",
    ),
    "outdated": (["supports"], "an 'outdated' verdict needs at least one citation with stance 'refutes' or 'context'"),
}


def make_user(username, group=None, *, superuser=False, staff=True) -> User:
    """A user in `group` (roles.EDITORS / roles.REVIEWERS), fetched fresh so permissions are not cached.

    No password (hashing is slow): tests sign in with client.force_login.
    """
    if superuser:
        user = User.objects.create_superuser(username, password=None)
    else:
        user = User.objects.create_user(username, password=None, is_staff=staff)
    if group:
        roles.add_to_group(user, group)
    return User.objects.get(pk=user.pk)


def make_role(role: str):
    """'anonymous', 'editor', 'reviewer' or 'superuser'."""
    if role == "anonymous":
        return AnonymousUser()
    if role == "superuser":
        return make_user("root", superuser=True)
    return make_user(role, roles.EDITORS if role == "editor" else roles.REVIEWERS)


def claims_of(document) -> list[Claim]:
    return list(Claim.objects.filter(question__document=document).order_by("question__number", "position"))


_sources = 0


def new_source(**fields) -> Source:
    global _sources
    _sources += 1
    fields.setdefault("title", f"Source {_sources}")
    return Source.objects.create(**fields)


def cite(claim, stances, *, user) -> list:
    """Give `claim` one citation per stance, each of a new source."""
    return [workflow.add_citation(claim, user=user, source=new_source(), stance=s) for s in stances]


def publish(claim, status, *, user, rationale="Checked against the statute.", finding="The statute says so.") -> Claim:
    """Cite what `status` needs and publish it."""
    cite(claim, MINIMAL_STANCES[status], user=user)
    return workflow.set_verdict(claim, user=user, status=status, rationale=rationale, finding=finding)


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


@pytest.fixture
def editor(db):
    return make_user("edna", roles.EDITORS)


@pytest.fixture
def reviewer(db):
    return make_user("rita", roles.REVIEWERS)


@pytest.fixture
def superuser(db):
    return make_user("root", superuser=True)


@pytest.fixture
def claim(small_document):
    return claims_of(small_document)[0]


@pytest.fixture
def other_claim(small_document):
    return claims_of(small_document)[1]


# --- admin requests ----------------------------------------------------------


def change_url(claim) -> str:
    return f"/admin/claims/claim/{claim.pk}/change/"


def form_data(response) -> dict:
    """The POST data of an admin change page as rendered: the main form and every inline formset."""
    data = {}

    def add(form):
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = "on" if value is True else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        for field in inline.formset.management_form:
            data[field.html_name] = field.value()
        for form in inline.formset.forms:
            add(form)
    return data


def inline_row(data: dict, prefix: str, **fields) -> dict:
    """Append one new row to inline formset `prefix` in `data` (from form_data)."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = index + 1
    for name, value in fields.items():
        data[f"{prefix}-{index}-{name}"] = value
    return data


def post_change_form(client, claim, **changes):
    """Open the claim's change form, change some fields, and save it."""
    data = form_data(client.get(change_url(claim)))
    data.update(changes)
    return client.post(change_url(claim), data)


def error_text(response) -> str:
    """The errors shown on a re-rendered admin form, as one string."""
    form = response.context["adminform"].form
    return " ".join(str(e) for e in form.non_field_errors()) + " " + str(form.errors)
