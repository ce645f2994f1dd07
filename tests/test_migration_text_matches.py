"""Migrations claims 0011 and faq 0011: stored pairs become rows between texts, documents get the jurisdiction matching reads."""

from migration_helpers import leaf_nodes, migrate

from claims.masking import mask, masked_fields, places
from faq.parsing import fingerprint

BEFORE = [("claims", "0010_claim_bands"), ("faq", "0010_document_check_validators")]


def test_near_pairs_become_text_matches_and_acronyms_count_in_the_masked_fingerprint(transactional_db):
    import hashlib

    latest = leaf_nodes()
    apps = migrate(BEFORE)
    try:
        Document = apps.get_model("faq", "Document")
        Question = apps.get_model("faq", "Question")
        Claim = apps.get_model("claims", "Claim")
        ClaimMatch = apps.get_model("claims", "ClaimMatch")
        quotes = {
            "ohio": "Records of applicants in Ohio are shared with ICE every year by the agency.",
            "texas": "Records of applicants in Texas are shared with ICE every single year by the agency.",
        }
        claims = {}
        for slug, quote in quotes.items():
            document = Document.objects.create(title=f"A FAQ about {slug.title()}", slug=slug, body="", content_sha256="")
            question = Question.objects.create(document=document, number=1, question="Q?", answer=quote)
            masked = mask(quote)
            claims[slug] = Claim.objects.create(
                question=question, position=1, quote=quote, start=0, end=len(quote), statement=quote,
                fingerprint=fingerprint(quote), masked_text=masked,
                masked_fingerprint=hashlib.sha256(masked.encode()).hexdigest(),  # before: the masked text alone
                masked_places=" ".join(sorted(places(quote))),
            )
        for a, b in (("ohio", "texas"), ("texas", "ohio")):
            ClaimMatch.objects.create(claim=claims[a], other=claims[b], kind="other_jurisdiction", score=93)

        apps = migrate(latest)
        Claim = apps.get_model("claims", "Claim")
        TextMatch = apps.get_model("claims", "TextMatch")
        texts = {slug: masked_fields(quote)[1] for slug, quote in quotes.items()}
        assert dict(Claim.objects.values_list("question__document__slug", "masked_fingerprint")) == texts
        assert set(TextMatch.objects.values_list("text", "other", "score")) == {
            (texts["ohio"], texts["texas"], 93), (texts["texas"], texts["ohio"], 93),
        }
        assert set(apps.get_model("faq", "Document").objects.values_list("matching_jurisdiction", flat=True)) == {"OH", "TX"}
        # The family that changed key keeps band keys (ClaimBand rows under its claim).
        assert apps.get_model("claims", "ClaimBand").objects.filter(claim_id=claims["texas"].pk).count() == 20
    finally:
        migrate(latest)
