"""Public pages of claims repeated across documents: read from what matching stored at import (claims.matching), never computed here.

- `elsewhere(claim)`: for the claim page, "the same claim appears in N other
  documents" with a bounded list (one query, however many matches).
- `repeated_claims`: /claims/repeated/, the most repeated claims of the
  published documents, one row per match group, with the number of documents
  and the statuses of its copies; filterable by document and status;
  paginated (a fixed number of queries per page).
- `groups_in_documents(n)`: the match groups found in at least n published
  documents, for the claims table's "repeated in >= N documents" filter.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, Min, Subquery, Value
from django.http import HttpResponse
from django.shortcuts import render

from claims.matching import MATCH_ORDER, as_matches, matches_of
from claims.models import Claim, ClaimStatus
from config.public import public_page
from faq.models import Document

# The claim page lists at most this many of the claim's matches; the count covers them all.
ELSEWHERE_LISTED = 10
GROUPS_PER_PAGE = 25


@dataclass(frozen=True)
class Elsewhere:
    documents: int  # other published documents holding a match
    matches: list  # claims.matching.Match, at most ELSEWHERE_LISTED, other claim and document loaded

    @property
    def more(self) -> bool:
        return len(self.matches) < self.documents


def elsewhere(claim: Claim) -> Elsewhere:
    """The claim's matches in other published documents: how many documents, and the first few. One query.

    Read from the claims (claims.matching.matches_of: the claim's family, its fingerprint and the near
    texts stored at import; the kinds derived in SQL), never compared here. `claim` comes with its document."""
    public = matches_of(claim).filter(question__document__is_published=True)
    # The count rides on each listed row (one query, however many matches there are).
    count = (
        public.order_by().annotate(all=Value(1)).values("all")
        .annotate(n=Count("question__document", distinct=True)).values("n")
    )
    listed = list(
        public.select_related("question__document").annotate(documents=Subquery(count))
        .order_by(*MATCH_ORDER)[:ELSEWHERE_LISTED]
    )
    return Elsewhere(listed[0].documents if listed else 0, as_matches(listed))


def groups_in_documents(n: int):
    """The match groups (a subquery of ids) whose claims stand in at least `n` published documents."""
    return (
        Claim.objects.visible()
        .exclude(match_group=None)
        .values("match_group")
        .annotate(documents=Count("question__document", distinct=True))
        .filter(documents__gte=n)
        .values("match_group")
    )


class RepeatedFilter(forms.Form):
    document = forms.ModelChoiceField(
        queryset=Document.objects.public().order_by("title"),
        to_field_name="slug",
        required=False,
        empty_label="Any document",
        label="Appears in",
    )
    status = forms.ChoiceField(
        choices=[("", "Any status"), *ClaimStatus.choices], required=False, label="Has a copy with status"
    )


@dataclass(frozen=True)
class Repeated:
    claim: Claim  # the group's earliest published claim
    documents: int
    copies: int
    statuses: list  # (ClaimStatus, count), most frequent first


@public_page
def repeated_claims(request):
    """The most repeated claims across published documents, with counts and statuses."""
    form = RepeatedFilter(request.GET or None)
    if form.is_bound and not form.is_valid():
        problems = "".join(f"{field}: {' '.join(errors)}\n" for field, errors in form.errors.items())
        return HttpResponse(problems, status=400, content_type="text/plain; charset=utf-8")
    chosen = form.cleaned_data if form.is_bound else {}
    claims = Claim.objects.visible().exclude(match_group=None)
    if chosen.get("document"):
        claims = claims.filter(
            match_group__in=Claim.objects.filter(question__document=chosen["document"]).values("match_group")
        )
    if chosen.get("status"):
        claims = claims.filter(
            match_group__in=Claim.objects.visible().filter(status=chosen["status"]).values("match_group")
        )
    groups = (
        claims.values("match_group")
        .annotate(documents=Count("question__document", distinct=True), copies=Count("pk"), first=Min("pk"))
        .filter(documents__gte=2)
        .order_by("-documents", "match_group")
    )
    page = Paginator(groups, GROUPS_PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    firsts = Claim.objects.select_related("question__document").in_bulk([row["first"] for row in rows])
    statuses: dict[int, list] = {}
    for group, status, count in (
        Claim.objects.visible()
        .filter(match_group__in=[row["match_group"] for row in rows])
        .values_list("match_group", "status")
        .annotate(n=Count("pk"))
        .order_by("match_group", "-n", "status")
    ):
        statuses.setdefault(group, []).append((ClaimStatus(status), count))
    repeated = [
        Repeated(firsts[row["first"]], row["documents"], row["copies"], statuses.get(row["match_group"], []))
        for row in rows
    ]
    return render(request, "claims/repeated.html", {"form": form, "page": page, "repeated": repeated})
