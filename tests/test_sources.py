"""Source.objects.from_citation: a typed citation gives one canonical source, whatever the spelling."""

import pytest

from sources.citations import BILL_NEEDS_SESSION_YEAR
from sources.models import NotACitation, Reliability, Source, SourceKind, SourceQuerySet

pytestmark = pytest.mark.django_db

NCGS_108A_80 = "https://www.ncleg.gov/EnactedLegislation/Statutes/HTML/BySection/Chapter_108A/GS_108A-80.html"


def test_a_typed_nc_statute_creates_its_source_with_every_field_filled_in():
    resolved = Source.objects.resolve_citation("G.S. 108A-80(a)")

    source = resolved.source
    assert (resolved.created, resolved.pinpoint) == (True, "(a)")
    assert source.citation == source.title == "N.C. Gen. Stat. § 108A-80"
    assert (source.kind, source.jurisdiction, source.reliability) == ("statute", "NC", "primary_law")
    assert source.url == NCGS_108A_80
    assert source.history.count() == 1


def test_typing_another_spelling_later_reuses_the_same_source():
    first = Source.objects.from_citation("G.S. 108A-80(a)")

    again = Source.objects.resolve_citation("NCGS 108A-80")

    assert (again.source, again.created, again.pinpoint) == (first, False, "")
    assert Source.objects.count() == 1


@pytest.mark.parametrize(
    "spellings, canonical, kind, reliability",
    [
        (["20 U.S.C. § 1232g", "20 USC 1232g(b)", "FERPA", "Family Educational Rights and Privacy Act"],
         "20 U.S.C. § 1232g", "statute", "primary_law"),
        (["8 U.S.C. § 1357", "INA § 287(g)", "section 287(g) of the Immigration and Nationality Act"],
         "8 U.S.C. § 1357", "statute", "primary_law"),
        (["42 C.F.R. § 431.300", "42 CFR 431.300(a)", "42 C.F.R. §§ 431.300-431.307"],
         "42 C.F.R. § 431.300", "regulation", "primary_law"),
        (["S.L. 2015-294", "Session Law 2015-294"], "S.L. 2015-294", "session_law", "primary_law"),
        (["HIPAA", "Pub. L. 104-191", "P.L. 104-191"], "Pub. L. 104-191", "session_law", "primary_law"),
        (["S.B. 888 (2025)", "Senate Bill 888 (2026)"], "S.B. 888 (2025 session)", "bill", "official"),
    ],
)
def test_every_spelling_of_one_section_makes_one_source(spellings, canonical, kind, reliability):
    sources = {Source.objects.from_citation(text) for text in spellings}

    assert len(sources) == 1
    (source,) = sources
    assert (source.citation, source.kind, source.reliability) == (canonical, kind, reliability)
    assert Source.objects.count() == 1


def test_a_popular_name_gives_its_codified_section_under_the_name_readers_know():
    source = Source.objects.from_citation("FERPA")

    assert source.citation == "20 U.S.C. § 1232g"
    assert str(source) == "FERPA (20 U.S.C. § 1232g)"
    assert source.url == "https://www.law.cornell.edu/uscode/text/20/1232g"


def test_a_bill_is_recorded_as_official_never_as_law():
    source = Source.objects.from_citation("House Bill 10 (2024)")

    assert (source.citation, source.kind) == ("H.B. 10 (2023 session)", SourceKind.BILL)
    assert source.reliability == Reliability.OFFICIAL
    assert source.url == "https://www.ncleg.gov/BillLookUp/2023/H10"


def test_a_federal_register_citation_stays_other_unless_the_caller_knows_better():
    assert Source.objects.from_citation("82 Fed. Reg. 8799").kind == SourceKind.OTHER
    Source.objects.all().delete()

    order = Source.objects.from_citation(
        "82 Fed. Reg. 8799", kind=SourceKind.EXECUTIVE_ORDER, title="Executive Order 13768"
    )

    assert (order.kind, order.reliability) == (SourceKind.EXECUTIVE_ORDER, Reliability.PRIMARY_LAW)
    assert order.title == "Executive Order 13768"
    assert order.url == "https://www.federalregister.gov/citation/82-FR-8799"


def test_an_existing_source_keeps_what_a_reviewer_edited():
    source = Source.objects.from_citation("8 U.S.C. § 1373")
    Source.objects.filter(pk=source.pk).update(title="Communication with immigration officials", url="")

    again = Source.objects.from_citation("8 USC 1373(a)", title="Something else", url="https://example.org/")

    assert again.pk == source.pk
    assert (again.title, again.url) == ("Communication with immigration officials", "")


def test_a_source_added_at_the_same_moment_elsewhere_is_returned_not_duplicated(monkeypatch):
    real_get = SourceQuerySet.get

    def get_losing_the_race(qs, *args, **kwargs):
        # Another request inserts the row between this one's lookup and its insert.
        monkeypatch.setattr(SourceQuerySet, "get", real_get)
        Source.objects.bulk_create([Source(citation="7 U.S.C. § 2020", title="SNAP")])
        raise Source.DoesNotExist

    monkeypatch.setattr(SourceQuerySet, "get", get_losing_the_race)
    source = Source.objects.from_citation("7 U.S.C. § 2020(e)(8)")

    assert (source.title, Source.objects.count()) == ("SNAP", 1)


def test_text_that_is_not_a_citation_is_refused_with_its_reason():
    with pytest.raises(NotACitation) as refused:
        Source.objects.from_citation("the state benefits law")

    assert "'the state benefits law' is not a citation" in str(refused.value)
    assert "G.S. 108A-80" in refused.value.reason
    assert isinstance(refused.value, ValueError)
    assert not Source.objects.exists()


def test_a_bill_without_its_session_year_is_refused_with_the_hint():
    with pytest.raises(NotACitation) as refused:
        Source.objects.from_citation("H.B. 318")

    assert refused.value.reason == BILL_NEEDS_SESSION_YEAR
    assert str(refused.value).startswith("'H.B. 318' is not a citation: A bill number alone is ambiguous")


@pytest.mark.parametrize(
    "text, reason",
    [
        ("", "it is empty."),
        ("   ", "it is empty."),
        ("see 20 U.S.C. § 1232g here", "it contains the citation '20 U.S.C. § 1232g' among other words"),
        ("G.S. 108A-80 and G.S. 108A-81", "it is 2 citations (N.C. Gen. Stat. § 108A-80, N.C. Gen. Stat. § 108A-81)"),
            ("see G.S. 108A-80 and G.S. 108A-81", "it contains 2 citations ('G.S. 108A-80', 'G.S. 108A-81') among"),
    ],
)
def test_empty_text_and_whole_sentences_are_refused_saying_what_to_type(text, reason):
    with pytest.raises(NotACitation) as refused:
        Source.objects.from_citation(text)

    assert refused.value.reason.startswith(reason)


def test_defaults_cannot_replace_the_canonical_citation():
    with pytest.raises(TypeError):
        Source.objects.from_citation("G.S. 108A-80", citation="G.S. 108A-80")

    assert not Source.objects.exists()



@pytest.mark.django_db
def test_only_bare_front_pages_need_a_deep_link():
    urls = {
        "https://news.example": True,
        "https://www.news.example/": True,
        "HTTP://news.example:8080/": True,
        "https://news.example/2025/03/story": False,
        "https://news.example/?p=12": False,
        "https://news.example/#section": False,
        "": False,
    }
    for url in urls:
        Source.objects.create(title=url or "no url", url=url)
    flagged = set(Source.objects.needs_deep_link().values_list("url", flat=True))
    assert flagged == {url for url, bare in urls.items() if bare}
