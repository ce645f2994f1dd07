"""Citations found in a claim's own text, offered to the reviewer on the claim page."""

from dataclasses import dataclass

from sources.citations import find_citations
from sources.models import Source


def citations_in_claim_text(claim) -> list:
    """The citations in the claim's quote and (when edited) its statement, one per source, in order."""
    texts = [claim.quote] if claim.statement == claim.quote else [claim.quote, claim.statement]
    seen, found = set(), []
    for text in texts:
        for parsed in find_citations(text):
            if parsed.canonical not in seen:
                seen.add(parsed.canonical)
                found.append(parsed)
    return found


@dataclass(frozen=True)
class FoundCitation:
    """A citation found in a claim's text, for the change page's suggestions."""

    parsed: object  # sources.citations.ParsedCitation
    source: Source | None  # None: attaching it adds the source
    cited_as: tuple[str, ...]  # stances the claim already cites this source with
    can_attach: bool


def found_citations(claim, user) -> list[FoundCitation]:
    """`citations_in_claim_text` with their recorded sources and this claim's citations of them (two queries)."""
    found = citations_in_claim_text(claim)
    if not found:
        return []
    canonicals = [parsed.canonical for parsed in found]
    sources = {source.citation: source for source in Source.objects.filter(citation__in=canonicals)}
    cited: dict[str, list[str]] = {}
    for canonical, stance in claim.citations.filter(source__citation__in=canonicals).values_list(
        "source__citation", "stance"
    ):
        cited.setdefault(canonical, []).append(stance)
    may_cite, may_add = user.has_perm("sources.add_citation"), user.has_perm("sources.add_source")
    return [
        FoundCitation(
            parsed=parsed,
            source=sources.get(parsed.canonical),
            cited_as=tuple(sorted(set(cited.get(parsed.canonical, ())))),
            can_attach=may_cite and (may_add or parsed.canonical in sources),
        )
        for parsed in found
    ]
