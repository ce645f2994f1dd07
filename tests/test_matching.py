"""Claims across documents: exact and near matches found at import, and the labelled pairs that choose the threshold."""

import pytest
from django.db.models import F

from claims import matching
from claims.match_pairs import labelled_pairs
from claims.matching import Signature, classify, match_document
from claims.matching import MATCH_ORDER, matches_of
from claims.models import Claim, MatchKind, TextMatch
from faq.parsing import fingerprint
from series import browser_copy, seed_for
from workflow_helpers import editor  # noqa: F401 (fixture)


def _signature(n, text, jurisdiction=""):
    return Signature.of(n, n, text, fingerprint(text), jurisdiction)


def _confusion():
    tp = fp = fn = 0
    for first, second, same in labelled_pairs():
        matched = classify(_signature(1, first), _signature(2, second)) is not None
        tp, fp, fn = tp + (matched and same), fp + (matched and not same), fn + (same and not matched)
    return tp, fp, fn


def test_the_labelled_pairs_are_enough_to_choose_a_threshold():
    pairs = labelled_pairs()
    assert len(pairs) >= 80
    assert 30 <= sum(same for *_, same in pairs) <= 50


def test_at_the_threshold_precision_is_1_and_recall_at_least_0_95():
    tp, fp, fn = _confusion()
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert precision == 1.0
    assert recall >= 0.95, (tp, fn)


@pytest.mark.parametrize(
    "first, second",
    [
        ("North Carolina prohibits state agencies from sharing benefits data with ICE.",
         "Idaho requires state agencies to share benefits data with ICE."),
        ("State benefits data is shared with ICE in Idaho on a regular basis.",
         "State benefits data is not shared with ICE in Idaho on a regular basis."),
        ("Ohio began sharing benefits data with ICE in 2017.", "Texas began sharing benefits data with ICE in 2019."),
        ("State benefits data is shared with ICE in Ohio on a regular basis.",
         "State benefits data is shared with the IRS in Ohio on a regular basis."),
    ],
)
def test_a_sentence_that_differs_in_law_negation_number_or_agency_is_not_matched(first, second):
    assert classify(_signature(1, first), _signature(2, second)) is None


def test_the_same_sentence_about_another_state_is_a_lead_not_a_duplicate():
    nc = _signature(1, "In North Carolina, state benefits data is shared with ICE.", "NC")
    idaho = _signature(2, "In Idaho, state benefits data is shared with ICE.", "ID")
    assert classify(nc, idaho) == (MatchKind.OTHER_JURISDICTION, 100)


def test_an_identical_sentence_in_documents_about_two_states_is_a_lead_too():
    generic = "The frequency of this data sharing can vary depending on specific policies."
    assert classify(_signature(1, generic, "NC"), _signature(2, generic, "ID"))[0] == MatchKind.OTHER_JURISDICTION
    assert classify(_signature(1, generic, "NC"), _signature(2, generic, ""))[0] == MatchKind.DUPLICATE


def test_a_document_without_a_jurisdiction_takes_the_one_state_its_title_names():
    assert matching.document_jurisdiction("", "State Benefits Data Sharing With ICE in Idaho") == "ID"
    assert matching.document_jurisdiction("nc", "anything") == "NC"
    assert matching.document_jurisdiction("", "Idaho and Ohio compared") == ""


def _all_matches(claims=None) -> set[tuple[int, int, str, int]]:
    """(claim, other, kind, score) of every match read from the database (claims.matching.matches_of)."""
    found = set()
    for claim in (claims if claims is not None else Claim.objects.select_related("question__document")):
        found.update((claim.pk, m.pk, m.match_kind, m.match_score) for m in matches_of(claim))
    return found


def _matches(claim, **filters):
    """The matches of one claim as (other claim, kind, score), in the pages' order."""
    claim = Claim.objects.select_related("question__document").get(pk=claim.pk)
    return [(m, m.match_kind, m.match_score) for m in matches_of(claim).filter(**filters).order_by(*MATCH_ORDER)]


def _pairs(kind=None):
    return {(a, b) for a, b, k, _ in _all_matches() if kind is None or k == kind}


def _brute_force() -> set[tuple[int, int, str, int]]:
    """Every pair of claims in different documents that classify() accepts, with its kind and score: the ground truth."""
    signatures = matching.storing._signatures(Claim.objects.all())
    found = set()
    for a in signatures.values():
        for b in signatures.values():
            if a.document_id != b.document_id and (result := classify(a, b)):
                found.add((a.id, b.id, *result))
    return found


@pytest.mark.django_db
def test_a_browser_copy_of_the_seed_links_every_claim_to_its_original_as_the_same_claim(seed_document, import_text):
    copy = import_text(browser_copy(), slug="copy-of-the-seed")
    seed_claims = Claim.objects.filter(question__document=seed_document).count()
    copies = Claim.objects.filter(question__document=copy).select_related("question__document")
    duplicates = [(a, b) for a, b, kind, _ in _all_matches(copies) if kind == MatchKind.DUPLICATE]
    assert seed_claims > 100
    assert len(duplicates) == seed_claims
    quotes = dict(Claim.objects.values_list("pk", "quote"))
    assert all(quotes[a] == quotes[b] for a, b in duplicates)
    # Each pair shares one match group: the original's id.
    groups = dict(Claim.objects.values_list("pk", "match_group"))
    for a, b in duplicates[:10]:
        assert groups[a] == groups[b] == min(a, b)


@pytest.mark.django_db
def test_a_generated_series_gives_the_expected_exact_and_near_matches(seed_document, import_text):
    idaho = import_text(seed_for("Idaho"), jurisdiction="ID", slug="idaho")
    illinois = import_text(seed_for("Illinois", changed=False), slug="illinois")  # jurisdiction from its title
    seed_claims = list(Claim.objects.filter(question__document=seed_document))
    naming_nc = [c for c in seed_claims if "North Carolina" in c.quote]
    by_quote = {c.quote: c for c in Claim.objects.filter(question__document=idaho)}

    # Every seed sentence naming North Carolina has its Idaho twin, as a lead about another jurisdiction.
    twins = 0
    for claim in naming_nc:
        twin = by_quote.get(claim.quote.replace("North Carolina", "Idaho"))
        if twin is None:
            continue  # one of the changed sentences
        twins += 1
        [(_, kind, value)] = _matches(claim, pk=twin.pk)
        assert kind == MatchKind.OTHER_JURISDICTION
        assert value == 100
    assert twins >= len(naming_nc) - 2
    # The changed sentences are not matched to what the seed said.
    for seed_text, _ in [
        ("State benefits data is shared with ICE in North Carolina on a regular basis.", None),
        ("The sharing of this data is aimed at identifying individuals who may be undocumented immigrants", None),
    ]:
        original = next(c for c in seed_claims if c.quote.startswith(seed_text))
        others = _matches(original, question__document=idaho)
        assert not others, [m.quote for m, _, _ in others]
        # ... but Illinois, which kept them, is matched.
        assert _matches(original, question__document=illinois)
    stored = _all_matches()
    # No match is a duplicate: every document is about another state.
    assert not [row for row in stored if row[2] == MatchKind.DUPLICATE]
    # The matches read are exactly what comparing every pair finds (kinds and scores too).
    assert stored == _brute_force()


@pytest.mark.django_db
def test_a_near_match_with_a_changed_word_is_found_and_scored_below_100(import_text):
    first = import_text("A FAQ about Idaho\n\n1. Is data shared?\n\nIndividuals in Idaho may feel their privacy invaded as their sensitive personal information is shared.\n", slug="a")
    second = import_text("A FAQ about Ohio\n\n1. Is data shared?\n\nIndividuals in Ohio may feel their privacy is invaded as their sensitive personal information is shared.\n", slug="b")
    [(other, kind, value)] = _matches(Claim.objects.get(question__document=first))
    assert other.question.document_id == second.pk
    assert kind == MatchKind.OTHER_JURISDICTION
    assert 90 <= value < 100
    # One row per pair of texts, both ways; none for the claims themselves.
    assert TextMatch.objects.count() == 2


@pytest.mark.django_db
def test_matching_a_document_again_replaces_its_matches_and_keeps_the_groups(seed_document, import_text):
    import_text(seed_for("Idaho"), slug="idaho")
    before = _all_matches()
    texts = set(TextMatch.objects.values_list("text", "other", "score"))
    groups = dict(Claim.objects.values_list("pk", "match_group"))
    matched = {a for a, *_ in before if Claim.objects.get(pk=a).question.document_id == seed_document.pk}
    assert match_document(seed_document) == len(matched)
    assert _all_matches() == before
    assert set(TextMatch.objects.values_list("text", "other", "score")) == texts
    assert dict(Claim.objects.values_list("pk", "match_group")) == groups


@pytest.mark.django_db
def test_match_claims_fills_the_matches_of_documents_imported_before_matching_existed(seed_document, import_text):
    from django.core.management import call_command

    import_text(seed_for("Idaho"), slug="idaho")
    expected = _all_matches()
    groups = dict(Claim.objects.values_list("pk", "match_group"))
    TextMatch.objects.all().delete()
    Claim.objects.update(masked_text="", masked_fingerprint="", masked_places="", match_group=None)
    call_command("match_claims", stdout=__import__("io").StringIO())
    assert _all_matches() == expected
    assert dict(Claim.objects.values_list("pk", "match_group")) == groups


@pytest.mark.django_db
def test_a_new_version_of_a_page_is_matched_again(import_text):
    import_text("A FAQ about Idaho\n\n1. Is data shared?\n\nRecords in Idaho are kept for seven years.\n", slug="a",
                source_url="https://example.org/idaho")
    ohio = "A FAQ about Ohio\n\n1. Is data shared?\n\nOhio publishes a yearly report.\n"
    second = import_text(ohio, slug="b", source_url="https://example.org/ohio")
    assert not _all_matches(Claim.objects.filter(question__document=second).select_related("question__document"))
    # The page changes: a sentence the Idaho page also says (with Ohio's name) is added.
    import_text(ohio.replace("report.", "report. Records in Ohio are kept for seven years."), slug="b",
                source_url="https://example.org/ohio")
    [(claim_id, _, kind, _)] = _all_matches(
        Claim.objects.filter(question__document=second).select_related("question__document")
    )
    assert (Claim.objects.get(pk=claim_id).quote, kind) == ("Records in Ohio are kept for seven years.", MatchKind.OTHER_JURISDICTION)


# --- candidates by band keys (claims.bands) ---


def test_every_labelled_pair_that_matches_shares_a_band_key_so_the_lookup_finds_it():
    from claims.bands import band_keys
    from claims.masking import mask

    matched = [(a, b) for a, b, _ in labelled_pairs() if classify(_signature(1, a), _signature(2, b))]
    assert len(matched) >= 30
    for a, b in matched:
        assert set(band_keys(mask(a))) & set(band_keys(mask(b))), (a, b)


def test_different_sentences_of_one_topic_rarely_share_a_band_key():
    import re

    from claims.bands import BANDS, band_keys
    from claims.masking import mask
    from conftest import SEED_PATH

    sentences = sorted({mask(s) for s in re.split(r"(?<=[.?!])\s+", SEED_PATH.read_text(encoding="utf-8")) if len(s.split()) > 5})
    keys = [set(band_keys(s)) for s in sentences]
    assert len(sentences) > 100 and all(len(k) == BANDS for k in keys)
    pairs = [(i, j) for i in range(len(keys)) for j in range(i + 1, len(keys))]
    sharing = sum(1 for i, j in pairs if keys[i] & keys[j])
    # The seed's sentences all speak of benefits data and ICE; a lookup still returns few of them.
    assert sharing / len(pairs) < 0.05, sharing


@pytest.mark.django_db
def test_match_claims_rebuilds_the_band_keys_of_older_claims(import_text):
    from django.core.management import call_command

    from claims.models import ClaimBand

    first = import_text("A FAQ about Idaho\n\n1. Kept?\n\nRecords of applicants in Idaho are kept for seven years by the agency.\n", slug="a")
    ClaimBand.objects.all().delete()
    Claim.objects.update(masked_text="", masked_fingerprint="")
    TextMatch.objects.all().delete()
    second = import_text("A FAQ about Ohio\n\n1. Kept?\n\nRecords of applicants in Ohio are kept for seven years by an agency.\n", slug="b")
    assert not _all_matches()  # the older claim had no keys: nothing to find it by
    call_command("match_claims", stdout=__import__("io").StringIO())
    assert ClaimBand.objects.filter(claim__question__document=first).count() == 20
    [(_, kind, _)] = _matches(Claim.objects.get(question__document=second))
    assert kind == MatchKind.OTHER_JURISDICTION


# --- match groups are "the same claim": they do not chain ---

CHAIN = [
    ("Idaho", "Records of benefits applicants in Idaho are kept by the state agency for auditing."),
    ("Ohio", "Records of benefits applicants in Ohio are kept by the state agency for internal auditing."),
    ("Texas", "Records of benefits applicants in Texas are kept by the state agency office for internal auditing purposes."),
]


@pytest.mark.django_db
def test_a_chain_of_near_matches_does_not_put_two_different_claims_in_one_group(import_text):
    claims = []
    for state, sentence in CHAIN:
        document = import_text(f"A FAQ about {state}\n\n1. Kept?\n\n{sentence}\n", slug=state.lower())
        claims.append(Claim.objects.get(question__document=document))
    idaho, ohio, texas = (Claim.objects.get(pk=c.pk) for c in claims)
    # Idaho ~ Ohio and Ohio ~ Texas are matches (leads on both claim pages), Idaho and Texas are not.
    assert _pairs() == {(idaho.pk, ohio.pk), (ohio.pk, idaho.pk), (ohio.pk, texas.pk), (texas.pk, ohio.pk)}
    assert idaho.match_group == ohio.match_group == idaho.pk
    assert texas.match_group != idaho.pk
    # Every member of a group matches its founder.
    for claim in Claim.objects.exclude(match_group=None).exclude(pk=F("match_group")):
        assert _matches(claim, pk=claim.match_group)


def _one_claim_page(import_text, state, answer):
    return import_text(f"A FAQ about {state}\n\n1. Kept?\n\n{answer}\n", slug=state.lower(),
                       source_url=f"https://example.org/{state.lower()}")


@pytest.mark.django_db
def test_splitting_and_merging_a_claim_finds_its_matches_again(import_text, editor):
    from claims import workflow

    idaho = _one_claim_page(import_text, "Idaho", "Records in Idaho are kept for seven years by the agency; nothing else is shared.")
    ohio = Claim.objects.get(question__document=_one_claim_page(
        import_text, "Ohio", "Records in Ohio are kept for seven years by the agency."))
    texas = Claim.objects.get(question__document=_one_claim_page(
        import_text, "Texas", "Records in Texas are kept for seven years by the agency."))
    long = Claim.objects.get(question__document=idaho)
    assert not _matches(long)
    assert Claim.objects.get(pk=texas.pk).match_group == ohio.pk

    first, rest = workflow.split_claim(long, user=editor, at=long.quote.index(" nothing"))
    assert {m.pk for m, _, _ in _matches(first)} == {ohio.pk, texas.pk}
    assert Claim.objects.get(pk=first.pk).match_group == ohio.pk  # joins the group it matches the founder of
    assert not _matches(rest)

    merged = workflow.merge_claims(Claim.objects.get(pk=first.pk), Claim.objects.get(pk=rest.pk), user=editor)
    assert not _matches(merged)
    assert Claim.objects.get(pk=merged.pk).match_group is None
    assert set(Claim.objects.filter(pk__in=[ohio.pk, texas.pk]).values_list("match_group", flat=True)) == {ohio.pk}


@pytest.mark.django_db
def test_a_founder_merged_away_leaves_its_members_in_a_group_of_their_own(import_text, editor):
    from claims import workflow

    idaho = _one_claim_page(import_text, "Idaho", "Idaho publishes a yearly report. Records in Idaho are kept for seven years by the agency.")
    for state in ("Ohio", "Texas"):
        _one_claim_page(import_text, state, f"Records in {state} are kept for seven years by the agency.")
    report, founder = Claim.objects.filter(question__document=idaho).order_by("position")
    assert set(Claim.objects.exclude(pk=report.pk).values_list("match_group", flat=True)) == {founder.pk}

    workflow.merge_claims(report, founder, user=editor)
    ohio, texas = Claim.objects.exclude(question__document=idaho).order_by("pk")
    assert ohio.match_group == texas.match_group == ohio.pk
    assert _matches(ohio, pk=texas.pk)


@pytest.mark.django_db
def test_when_a_text_s_first_claim_changes_the_next_claim_with_that_text_holds_its_band_keys(import_text, editor):
    from claims import workflow
    from claims.models import ClaimBand

    idaho = _one_claim_page(import_text, "Idaho", "Idaho publishes a yearly report. Records in Idaho are kept for seven years by the agency.")
    ohio = Claim.objects.get(question__document=_one_claim_page(
        import_text, "Ohio", "Records in Ohio are kept for seven years by the agency."))
    report, first = Claim.objects.filter(question__document=idaho).order_by("position")
    assert ClaimBand.objects.filter(claim=first).count() == 20  # the text's keys, once, under its first claim
    assert not ClaimBand.objects.filter(claim=ohio).exists()

    workflow.merge_claims(report, first, user=editor)
    assert ClaimBand.objects.filter(claim=ohio).count() == 20
    # A near variant imported later still finds the text through its keys.
    texas = _one_claim_page(import_text, "Texas", "Records in Texas are kept for seven years by an agency.")
    assert _matches(Claim.objects.get(question__document=texas), pk=ohio.pk)


@pytest.mark.django_db
def test_deleting_a_document_deletes_its_band_keys_and_its_claims_are_no_longer_counted(import_text, client):
    # TextMatch rows are between texts, without a foreign key: the readers join to the claims that hold a text.
    from claims.models import ClaimBand

    ohio = _one_claim_page(import_text, "Ohio", "Records in Ohio are kept for seven years by the agency.")
    texas = _one_claim_page(import_text, "Texas", "Records in Texas are kept for seven years by the agency.")
    near = _one_claim_page(import_text, "Utah", "Records in Utah are kept for seven years by an agency.")
    (gone,) = Claim.objects.filter(question__document=ohio)
    (kept,) = Claim.objects.filter(question__document=texas)
    assert {m.pk for m, _, _ in _matches(kept)} == {gone.pk, Claim.objects.get(question__document=near).pk}
    assert ClaimBand.objects.filter(claim=gone).exists()

    ohio.delete()
    near.delete()
    assert not _matches(kept)
    assert not ClaimBand.objects.filter(claim_id=gone.pk).exists()
    assert TextMatch.objects.count() == 2  # the texts' row stays; no claim of the near text is left to count
    # A new claim of the near text is found through it.
    again = _one_claim_page(import_text, "Iowa", "Records in Iowa are kept for seven years by an agency.")
    assert _matches(kept, question__document=again)


@pytest.mark.django_db
def test_a_series_page_writes_no_match_rows_and_joins_its_families_groups(seed_document, import_text):
    idaho = import_text(seed_for("Idaho"), jurisdiction="ID", slug="idaho")
    rows = TextMatch.objects.count()
    ohio = import_text(seed_for("Ohio"), jurisdiction="OH", slug="ohio")
    assert TextMatch.objects.count() == rows  # every text of the page was known
    groups = dict(Claim.objects.values_list("pk", "match_group"))
    by_quote = {c.quote: c for c in Claim.objects.filter(question__document=idaho)}
    joined = 0
    for claim in Claim.objects.filter(question__document=ohio):
        twin = by_quote.get(claim.quote.replace("Ohio", "Idaho"))
        if twin is not None and groups[twin.pk] is not None:
            assert groups[claim.pk] == groups[twin.pk]
            joined += 1
    assert joined > 100
    assert _all_matches() == _brute_force()


@pytest.mark.django_db
def test_the_same_masked_text_with_other_acronyms_is_another_family(import_text):
    first = _one_claim_page(import_text, "Idaho", "Records in Idaho are shared with ICE every year by the agency.")
    second = _one_claim_page(import_text, "Ohio", "Records in Ohio are shared with ice every year by the agency.")
    a, b = Claim.objects.get(question__document=first), Claim.objects.get(question__document=second)
    assert a.masked_text == b.masked_text and a.masked_fingerprint != b.masked_fingerprint
    assert not _matches(a) and a.match_group is None
    assert _all_matches() == _brute_force()


@pytest.mark.django_db
def test_kinds_read_in_sql_are_classify_s_for_copies_near_variants_and_other_states(import_text):
    nc = "Data Sharing in North Carolina\n\n1. Shared?\n\nIn North Carolina, state benefits data is shared with ICE on a regular basis.\n"
    import_text(nc, slug="nc")
    import_text(nc.replace("Data Sharing in", "Data Sharing With ICE in"), slug="nc-copy")  # a duplicate
    import_text(nc.replace("on a regular basis", "on a regular basis too"), slug="nc-near")  # similar
    import_text(nc.replace("North Carolina", "Idaho"), slug="idaho")  # other jurisdiction
    import_text(nc.replace("Data Sharing in North Carolina", "Data Sharing"), slug="no-place")  # title names none
    stored = _all_matches()
    assert stored == _brute_force()
    assert {kind for _, _, kind, _ in stored} == {MatchKind.DUPLICATE, MatchKind.SIMILAR, MatchKind.OTHER_JURISDICTION}
    assert TextMatch.objects.count() == 2  # the near variant's text and the others', both ways
