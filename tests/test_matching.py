"""Claims across documents: exact and near matches found at import, and the labelled pairs that choose the threshold."""

import pytest
from django.db.models import F

from claims import matching
from claims.match_pairs import labelled_pairs
from claims.matching import Signature, classify, match_document
from claims.models import Claim, ClaimMatch, MatchKind
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


def _pairs(kind=None):
    rows = ClaimMatch.objects.all() if kind is None else ClaimMatch.objects.filter(kind=kind)
    return set(rows.values_list("claim_id", "other_id"))


def _brute_force() -> set[tuple[int, int, str]]:
    """Every pair of claims in different documents that classify() accepts: the ground truth."""
    signatures = matching._signatures(Claim.objects.all())
    found = set()
    for a in signatures.values():
        for b in signatures.values():
            if a.document_id != b.document_id and (result := classify(a, b)):
                found.add((a.id, b.id, result[0]))
    return found


@pytest.mark.django_db
def test_a_browser_copy_of_the_seed_links_every_claim_to_its_original_as_the_same_claim(seed_document, import_text):
    copy = import_text(browser_copy(), slug="copy-of-the-seed")
    seed_claims = Claim.objects.filter(question__document=seed_document).count()
    duplicates = ClaimMatch.objects.filter(claim__question__document=copy, kind=MatchKind.DUPLICATE)
    assert seed_claims > 100
    assert duplicates.count() == seed_claims
    assert all(
        match.claim.quote == match.other.quote for match in duplicates.select_related("claim", "other")
    )
    # Each pair shares one match group: the original's id.
    for match in duplicates.select_related("claim", "other")[:10]:
        assert match.claim.match_group == match.other.match_group == min(match.claim.pk, match.other.pk)


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
        match = ClaimMatch.objects.get(claim=claim, other=twin)
        assert match.kind == MatchKind.OTHER_JURISDICTION
        assert match.score == 100
    assert twins >= len(naming_nc) - 2
    # The changed sentences are not matched to what the seed said.
    for seed_text, _ in [
        ("State benefits data is shared with ICE in North Carolina on a regular basis.", None),
        ("The sharing of this data is aimed at identifying individuals who may be undocumented immigrants", None),
    ]:
        original = next(c for c in seed_claims if c.quote.startswith(seed_text))
        others = ClaimMatch.objects.filter(claim=original, other__question__document=idaho)
        assert not others.exists(), [m.other.quote for m in others]
        # ... but Illinois, which kept them, is matched.
        assert ClaimMatch.objects.filter(claim=original, other__question__document=illinois).exists()
    # No match is a duplicate: every document is about another state.
    assert not ClaimMatch.objects.filter(kind=MatchKind.DUPLICATE).exists()
    # The stored matches are exactly what comparing every pair finds (trigram index on PostgreSQL, scan on SQLite).
    assert set(ClaimMatch.objects.values_list("claim_id", "other_id", "kind")) == _brute_force()


@pytest.mark.django_db
def test_a_near_match_with_a_changed_word_is_found_and_scored_below_100(import_text):
    first = import_text("A FAQ about Idaho\n\n1. Is data shared?\n\nIndividuals in Idaho may feel their privacy invaded as their sensitive personal information is shared.\n", slug="a")
    second = import_text("A FAQ about Ohio\n\n1. Is data shared?\n\nIndividuals in Ohio may feel their privacy is invaded as their sensitive personal information is shared.\n", slug="b")
    match = ClaimMatch.objects.get(claim__question__document=first, other__question__document=second)
    assert match.kind == MatchKind.OTHER_JURISDICTION
    assert 90 <= match.score < 100


@pytest.mark.django_db
def test_matching_a_document_again_replaces_its_matches_and_keeps_the_groups(seed_document, import_text):
    import_text(seed_for("Idaho"), slug="idaho")
    before = set(ClaimMatch.objects.values_list("claim_id", "other_id", "kind", "score"))
    groups = dict(Claim.objects.values_list("pk", "match_group"))
    assert match_document(seed_document) == len(before) // 2
    assert set(ClaimMatch.objects.values_list("claim_id", "other_id", "kind", "score")) == before
    assert dict(Claim.objects.values_list("pk", "match_group")) == groups


@pytest.mark.django_db
def test_match_claims_fills_the_matches_of_documents_imported_before_matching_existed(seed_document, import_text):
    from django.core.management import call_command

    import_text(seed_for("Idaho"), slug="idaho")
    expected = set(ClaimMatch.objects.values_list("claim_id", "other_id", "kind"))
    ClaimMatch.objects.all().delete()
    Claim.objects.update(masked_text="", masked_fingerprint="", match_group=None)
    call_command("match_claims", stdout=__import__("io").StringIO())
    assert set(ClaimMatch.objects.values_list("claim_id", "other_id", "kind")) == expected


@pytest.mark.django_db
def test_a_new_version_of_a_page_is_matched_again(import_text):
    import_text("A FAQ about Idaho\n\n1. Is data shared?\n\nRecords in Idaho are kept for seven years.\n", slug="a",
                source_url="https://example.org/idaho")
    ohio = "A FAQ about Ohio\n\n1. Is data shared?\n\nOhio publishes a yearly report.\n"
    second = import_text(ohio, slug="b", source_url="https://example.org/ohio")
    assert not ClaimMatch.objects.filter(claim__question__document=second).exists()
    # The page changes: a sentence the Idaho page also says (with Ohio's name) is added.
    import_text(ohio.replace("report.", "report. Records in Ohio are kept for seven years."), slug="b",
                source_url="https://example.org/ohio")
    match = ClaimMatch.objects.get(claim__question__document=second)
    assert (match.claim.quote, match.kind) == ("Records in Ohio are kept for seven years.", MatchKind.OTHER_JURISDICTION)


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
    Claim.objects.update(masked_text="")
    ClaimMatch.objects.all().delete()
    second = import_text("A FAQ about Ohio\n\n1. Kept?\n\nRecords of applicants in Ohio are kept for seven years by an agency.\n", slug="b")
    assert not ClaimMatch.objects.exists()  # the older claim had no keys: nothing to find it by
    call_command("match_claims", stdout=__import__("io").StringIO())
    assert ClaimBand.objects.filter(claim__question__document=first).count() == 20
    assert ClaimMatch.objects.get(claim__question__document=second).kind == MatchKind.OTHER_JURISDICTION


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
        assert ClaimMatch.objects.filter(claim=claim, other_id=claim.match_group).exists()


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
    assert not ClaimMatch.objects.filter(claim=long).exists()
    assert Claim.objects.get(pk=texas.pk).match_group == ohio.pk

    first, rest = workflow.split_claim(long, user=editor, at=long.quote.index(" nothing"))
    assert set(ClaimMatch.objects.filter(claim=first).values_list("other_id", flat=True)) == {ohio.pk, texas.pk}
    assert Claim.objects.get(pk=first.pk).match_group == ohio.pk  # joins the group it matches the founder of
    assert not ClaimMatch.objects.filter(claim=rest).exists()

    merged = workflow.merge_claims(Claim.objects.get(pk=first.pk), Claim.objects.get(pk=rest.pk), user=editor)
    assert not ClaimMatch.objects.filter(claim=merged).exists()
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
    assert ClaimMatch.objects.filter(claim=ohio, other=texas).exists()


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
    assert ClaimMatch.objects.filter(claim__question__document=texas, other=ohio).exists()


@pytest.mark.django_db
def test_deleting_a_document_deletes_its_claims_matches_both_ways_and_their_band_keys(import_text):
    # ClaimMatch and ClaimBand keep no foreign-key constraint in the database: Django's cascade deletes them.
    from claims.models import ClaimBand

    ohio = _one_claim_page(import_text, "Ohio", "Records in Ohio are kept for seven years by the agency.")
    texas = _one_claim_page(import_text, "Texas", "Records in Texas are kept for seven years by the agency.")
    (gone,) = Claim.objects.filter(question__document=ohio)
    (kept,) = Claim.objects.filter(question__document=texas)
    assert ClaimMatch.objects.filter(claim=kept, other=gone).exists()
    assert ClaimBand.objects.filter(claim=gone).exists()

    ohio.delete()
    assert not ClaimMatch.objects.filter(claim_id=gone.pk).exists()
    assert not ClaimMatch.objects.filter(other_id=gone.pk).exists()
    assert not ClaimBand.objects.filter(claim_id=gone.pk).exists()
    assert ClaimMatch.objects.count() == 0
