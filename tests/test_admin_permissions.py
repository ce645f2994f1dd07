"""The permission matrix, through real requests to the admin: every role against every action.

Each cell is one test. Outcomes:
  login   - anonymous: sent to the login page, nothing happens
  403     - signed in but refused: 403, nothing happens
  ignored - the page saves, but the field is not on this user's form, so nothing happens
  done    - it happens
"""

import pytest
from workflow_helpers import MINIMAL_STANCES, change_url, cite, claims_of, form_data, make_role, make_user, publish

from claims import roles, workflow
from claims.models import Claim
from faq.models import Document
from sources.models import Source

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "editor", "reviewer", "superuser"]
IMPORT_URL = "/admin/faq/document/import/"

NEW_FAQ = """Another FAQ

1. Is this new?

Yes, it is new.
"""


def _action(name, **extra):
    def post(client, ctx):
        data = {"action": name, "_selected_action": [ctx["claim"].pk], **extra}
        return client.post("/admin/claims/claim/", data)

    return post


def _verdict(status):
    def post(client, ctx):
        claim = ctx["claim"]
        cite(claim, MINIMAL_STANCES[status], user=ctx["helper"])
        # Anonymous users have no form to open.
        data = form_data(client.get(change_url(claim))) if ctx["user"].is_authenticated else {}
        data.update(verdict=status, verdict_finding="Found so.", verdict_rationale="Read the statute.", confirm_publish="on")
        return client.post(change_url(claim), data)

    return post, lambda ctx: Claim.objects.get(pk=ctx["claim"].pk).status == status


def _reopen(client, ctx):
    publish(ctx["claim"], "supported", user=ctx["helper"])
    return client.post(f"/admin/claims/claim/{ctx['claim'].pk}/reopen/", {"reason": "The law changed."})


def _delete_claim(*, verdict):
    def post(client, ctx):
        if verdict:
            workflow.reopen(publish(ctx["claim"], "supported", user=ctx["helper"]), user=ctx["helper"], reason="x")
        return client.post(f"/admin/claims/claim/{ctx['claim'].pk}/delete/", {"post": "yes"})

    return post, lambda ctx: not Claim.objects.filter(pk=ctx["claim"].pk).exists()


def _delete_source(*, cited):
    def post(client, ctx):
        ctx["source"] = Source.objects.create(title="FERPA", citation="20 U.S.C. § 1232g")
        if cited:
            workflow.add_citation(ctx["claim"], user=ctx["helper"], source=ctx["source"], stance="context")
        return client.post(f"/admin/sources/source/{ctx['source'].pk}/delete/", {"post": "yes"})

    return post, lambda ctx: not Source.objects.filter(pk=ctx["source"].pk).exists()


def _add_citation(client, ctx):
    ctx["source"] = Source.objects.create(title="Confidentiality", citation="N.C. Gen. Stat. § 108A-80")
    data = {"claim": ctx["claim"].pk, "source": ctx["source"].pk, "stance": "context", "pinpoint": "(a)"}
    return client.post("/admin/sources/citation/add/", data)


def _add_source_by_citation(client, ctx):
    return client.post("/admin/sources/source/add/", {"typed_citation": "G.S. 108A-80(a)"})


def _cite_by_citation(client, ctx):
    data = {"claim": ctx["claim"].pk, "typed_citation": "G.S. 108A-80(a)", "stance": "context"}
    return client.post("/admin/sources/citation/add/", data)


def _attach_found_citation(client, ctx):
    ctx["claim"] = Claim.objects.get(quote="FERPA covers education records.")
    return client.post(f"/admin/claims/claim/{ctx['claim'].pk}/attach-context/", {"citation": "20 U.S.C. § 1232g"})


def _cites(canonical):
    return lambda ctx: ctx["claim"].citations.filter(source__citation=canonical).exists()


def _status_is(status):
    return lambda ctx: Claim.objects.get(pk=ctx["claim"].pk).status == status


ACTIONS = {
    "view": (lambda client, ctx: client.get("/admin/claims/claim/"), lambda ctx: ctx["response"].status_code == 200),
    "import": (
        lambda client, ctx: client.post(IMPORT_URL, {"text": NEW_FAQ, "slug": "new", "_import": "1"}),
        lambda ctx: Document.objects.filter(slug="new").exists(),
    ),
    "flag": (
        _action("flag_selected", apply="1", reason="citation_needed", note="which law?"),
        _status_is("flagged"),
    ),
    "mark not checkable": (_action("mark_not_checkable"), _status_is("not_checkable")),
    "start review": (_action("start_review"), _status_is("in_review")),
    "add citation": (_add_citation, lambda ctx: ctx["claim"].citations.filter(source=ctx["source"]).exists()),
    "add source by typing its citation": (
        _add_source_by_citation,
        lambda ctx: Source.objects.filter(citation="N.C. Gen. Stat. § 108A-80").exists(),
    ),
    "cite by typing a citation": (_cite_by_citation, _cites("N.C. Gen. Stat. § 108A-80")),
    "attach a citation found in the text": (_attach_found_citation, _cites("20 U.S.C. § 1232g")),
    **{f"set verdict {status}": _verdict(status) for status in MINIMAL_STANCES},
    "reopen": (_reopen, _status_is("in_review")),
    "delete claim that had a verdict": _delete_claim(verdict=True),
    "delete claim that never had a verdict": _delete_claim(verdict=False),
    "delete cited source": _delete_source(cited=True),
    "delete uncited source": _delete_source(cited=False),
}

EVERYONE, REVIEWERS, SUPERUSER, NOBODY = "everyone", "reviewers", "superuser", "nobody"

# Who may do each action (signed in); anonymous is always sent to the login page.
MAY = {
    "view": EVERYONE,
    "import": EVERYONE,
    "flag": EVERYONE,
    "mark not checkable": EVERYONE,
    "start review": EVERYONE,
    "add citation": REVIEWERS,
    "add source by typing its citation": REVIEWERS,
    "cite by typing a citation": REVIEWERS,
    "attach a citation found in the text": REVIEWERS,
    **{f"set verdict {status}": REVIEWERS for status in MINIMAL_STANCES},
    "reopen": REVIEWERS,
    "delete claim that had a verdict": NOBODY,
    "delete claim that never had a verdict": SUPERUSER,
    "delete cited source": NOBODY,
    "delete uncited source": REVIEWERS,
}

# How a refusal shows when it is not a 403: verdict fields are simply not on an editor's form.
REFUSAL = {f"set verdict {status}": "ignored" for status in MINIMAL_STANCES}


def expected(action, role):
    if role == "anonymous":
        return "login"
    allowed = {
        EVERYONE: {"editor", "reviewer", "superuser"},
        REVIEWERS: {"reviewer", "superuser"},
        SUPERUSER: {"superuser"},
        NOBODY: set(),
    }[MAY[action]]
    return "done" if role in allowed else REFUSAL.get(action, "403")


CELLS = [(action, role, expected(action, role)) for action in ACTIONS for role in ROLES]


@pytest.mark.parametrize("action, role, outcome", CELLS, ids=[f"{a}-{r}-{o}" for a, r, o in CELLS])
def test_permission_matrix(client, small_document, action, role, outcome):
    user = make_role(role)
    ctx = {"claim": claims_of(small_document)[0], "user": user, "helper": make_user("helper", roles.REVIEWERS)}
    if role != "anonymous":
        client.force_login(user)
    attempt, happened = ACTIONS[action]
    ctx["response"] = response = attempt(client, ctx)
    if outcome == "login":
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    elif outcome == "403":
        assert response.status_code == 403
    elif outcome == "ignored":
        assert response.status_code == 302
    assert happened(ctx) == (outcome == "done")


def test_the_matrix_covers_every_role_and_action():
    assert len(CELLS) == len(ROLES) * len(ACTIONS) == 4 * 20
    assert {outcome for _, _, outcome in CELLS} == {"login", "403", "ignored", "done"}
