"""sources.citations: citations as reviewers type them → canonical sources.

Plain pytest, no database: run alone with
    .venv/bin/pytest tests/test_citations.py -q -p no:django
"""

from pathlib import Path

import pytest

from sources.citations import (
    BILL_NEEDS_SESSION_YEAR,
    ParsedCitation,
    citation_hint,
    find_citations,
    get_citator,
    parse_citation,
)

USC = "https://www.law.cornell.edu/uscode/text/"
ECFR = "https://www.ecfr.gov/current/"
NCGS = "https://www.ncleg.gov/EnactedLegislation/Statutes/HTML/BySection/"
NCSL = "https://www.ncleg.gov/EnactedLegislation/SessionLaws/HTML/"
BILL = "https://www.ncleg.gov/BillLookUp/"
PL = "https://uscode.house.gov/statutes/pl/"

# (typed, canonical, pinpoint, kind, jurisdiction, url)
CITATIONS = [
    # --- U.S. Code ---
    ("20 U.S.C. § 1232g", "20 U.S.C. § 1232g", "", "statute", "US", USC + "20/1232g"),
    ("20 USC 1232g", "20 U.S.C. § 1232g", "", "statute", "US", USC + "20/1232g"),
    ("20 U.S.C. 1232g", "20 U.S.C. § 1232g", "", "statute", "US", USC + "20/1232g"),
    ("20 u.s.c. § 1232G", "20 U.S.C. § 1232g", "", "statute", "US", USC + "20/1232g"),
    ("Title 20, U.S.C. § 1232g(b)", "20 U.S.C. § 1232g", "(b)", "statute", "US", USC + "20/1232g"),
    ("42 U.S.C. § 1396a(a)(7)", "42 U.S.C. § 1396a", "(a)(7)", "statute", "US", USC + "42/1396a"),
    ("8 U.S.C. 1373", "8 U.S.C. § 1373", "", "statute", "US", USC + "8/1373"),
    ("8 U.S.C. § 1373(a).", "8 U.S.C. § 1373", "(a)", "statute", "US", USC + "8/1373"),
    ("42 U.S.C. §1320b-7", "42 U.S.C. § 1320b-7", "", "statute", "US", USC + "42/1320b-7"),
    ("7 U.S.C. § 2020(e)(8)", "7 U.S.C. § 2020", "(e)(8)", "statute", "US", USC + "7/2020"),
    ("42 USC § 611a", "42 U.S.C. § 611a", "", "statute", "US", USC + "42/611a"),
    ("8 U.S.C.A. § 1357(g)", "8 U.S.C. § 1357", "(g)", "statute", "US", USC + "8/1357"),
    ("42 U.S.C. §§ 1601-1606", "42 U.S.C. § 1601", "", "statute", "US", USC + "42/1601"),
    ("42 U.S.C. §§ 1320b-7 to 1320b-8", "42 U.S.C. § 1320b-7", "", "statute", "US", USC + "42/1320b-7"),
    ("42 U.S.C. §§ 1320b-7", "42 U.S.C. § 1320b-7", "", "statute", "US", USC + "42/1320b-7"),
    # --- C.F.R. ---
    ("7 C.F.R. § 272.1(c)", "7 C.F.R. § 272.1", "(c)", "regulation", "US", ECFR + "title-7/section-272.1"),
    ("42 CFR 431.300", "42 C.F.R. § 431.300", "", "regulation", "US", ECFR + "title-42/section-431.300"),
    ("45 C.F.R. § 164.512(f)(1)", "45 C.F.R. § 164.512", "(f)(1)", "regulation", "US", ECFR + "title-45/section-164.512"),
    ("42 C.F.R. §§ 431.300-431.307", "42 C.F.R. § 431.300", "", "regulation", "US", ECFR + "title-42/section-431.300"),
    ("42 C.F.R. § 431.300-431.307", "42 C.F.R. § 431.300", "", "regulation", "US", ECFR + "title-42/section-431.300"),
    ("42 C.F.R. §§ 431.300-.307", "42 C.F.R. § 431.300", "", "regulation", "US", ECFR + "title-42/section-431.300"),
    ("42 CFR 431.300 through 431.307", "42 C.F.R. § 431.300", "", "regulation", "US", ECFR + "title-42/section-431.300"),
    ("7 C.F.R. Part 273", "7 C.F.R. Part 273", "", "regulation", "US", ECFR + "title-7/part-273"),
    # --- Public laws, Statutes at Large, Federal Register ---
    ("Pub. L. 104-193", "Pub. L. 104-193", "", "session_law", "US", PL + "104/193.pdf"),
    ("Pub. L. No. 104-193", "Pub. L. 104-193", "", "session_law", "US", PL + "104/193.pdf"),
    ("P.L. 104-193", "Pub. L. 104-193", "", "session_law", "US", PL + "104/193.pdf"),
    ("Public Law 104–193", "Pub. L. 104-193", "", "session_law", "US", PL + "104/193.pdf"),
    ("110 Stat. 2105", "110 Stat. 2105", "", "session_law", "US",
     "https://www.govinfo.gov/content/pkg/STATUTE-110/html/STATUTE-110-Pg2105.htm"),
    ("82 Fed. Reg. 8799", "82 Fed. Reg. 8799", "", "other", "US", "https://www.federalregister.gov/citation/82-FR-8799"),
    ("82 FR 8799, 8801", "82 Fed. Reg. 8799", "8801", "other", "US", "https://www.federalregister.gov/citation/82-FR-8799"),
    # --- North Carolina General Statutes ---
    ("N.C. Gen. Stat. § 108A-80", "N.C. Gen. Stat. § 108A-80", "", "statute", "NC", NCGS + "Chapter_108A/GS_108A-80.html"),
    ("G.S. 108A-80", "N.C. Gen. Stat. § 108A-80", "", "statute", "NC", NCGS + "Chapter_108A/GS_108A-80.html"),
    ("N.C.G.S. § 108A-80(a)", "N.C. Gen. Stat. § 108A-80", "(a)", "statute", "NC", NCGS + "Chapter_108A/GS_108A-80.html"),
    ("NCGS 153A-145.5", "N.C. Gen. Stat. § 153A-145.5", "", "statute", "NC", NCGS + "Chapter_153A/GS_153A-145.5.html"),
    ("N.C. Gen. Stat. §§ 108A-80 to -81", "N.C. Gen. Stat. § 108A-80", "", "statute", "NC", NCGS + "Chapter_108A/GS_108A-80.html"),
    ("G.S. 108A-80 through 108A-81", "N.C. Gen. Stat. § 108A-80", "", "statute", "NC", NCGS + "Chapter_108A/GS_108A-80.html"),
    ("G.S. 160A-205.2", "N.C. Gen. Stat. § 160A-205.2", "", "statute", "NC", NCGS + "Chapter_160A/GS_160A-205.2.html"),
    ("N.C. Gen. Stat. § 108A-26.1", "N.C. Gen. Stat. § 108A-26.1", "", "statute", "NC", NCGS + "Chapter_108A/GS_108A-26.1.html"),
    ("North Carolina General Statutes § 108A-80(a)(1)", "N.C. Gen. Stat. § 108A-80", "(a)(1)", "statute", "NC",
     NCGS + "Chapter_108A/GS_108A-80.html"),
    ("g.s. 108a-80.", "N.C. Gen. Stat. § 108A-80", "", "statute", "NC", NCGS + "Chapter_108A/GS_108A-80.html"),
    ("section 108A-80 of the General Statutes", "N.C. Gen. Stat. § 108A-80", "", "statute", "NC",
     NCGS + "Chapter_108A/GS_108A-80.html"),
    # --- North Carolina session laws ---
    ("S.L. 2015-294", "S.L. 2015-294", "", "session_law", "NC", NCSL + "2015-2016/SL2015-294.html"),
    ("Session Law 2024-55", "S.L. 2024-55", "", "session_law", "NC", NCSL + "2023-2024/SL2024-55.html"),
    ("N.C. Sess. Law 2015-294", "S.L. 2015-294", "", "session_law", "NC", NCSL + "2015-2016/SL2015-294.html"),
    ("S.L. 2019-1", "S.L. 2019-1", "", "session_law", "NC", NCSL + "2019-2020/SL2019-1.html"),
    ("S.L. 2020-3", "S.L. 2020-3", "", "session_law", "NC", NCSL + "2019-2020/SL2020-3.html"),
    # --- North Carolina bills (session year normalised to the odd year) ---
    ("S.B. 888 (2025)", "S.B. 888 (2025 session)", "", "bill", "NC", BILL + "2025/S888"),
    ("Senate Bill 888 (2025)", "S.B. 888 (2025 session)", "", "bill", "NC", BILL + "2025/S888"),
    ("SB 888 (2025)", "S.B. 888 (2025 session)", "", "bill", "NC", BILL + "2025/S888"),
    ("House Bill 10 (2024)", "H.B. 10 (2023 session)", "", "bill", "NC", BILL + "2023/H10"),
    ("H.B. 10 (2024)", "H.B. 10 (2023 session)", "", "bill", "NC", BILL + "2023/H10"),
    ("H.B. 10 (2023 session)", "H.B. 10 (2023 session)", "", "bill", "NC", BILL + "2023/H10"),
    ("HB 318 (2020)", "H.B. 318 (2019 session)", "", "bill", "NC", BILL + "2019/H318"),
    # --- popular names ---
    ("FERPA", "20 U.S.C. § 1232g", "", "statute", "US", USC + "20/1232g"),
    ("Family Educational Rights and Privacy Act", "20 U.S.C. § 1232g", "", "statute", "US", USC + "20/1232g"),
    ("HIPAA", "Pub. L. 104-191", "", "session_law", "US", PL + "104/191.pdf"),
    ("PRWORA", "Pub. L. 104-193", "", "session_law", "US", PL + "104/193.pdf"),
    ("Personal Responsibility and Work Opportunity Reconciliation Act", "Pub. L. 104-193", "", "session_law", "US",
     PL + "104/193.pdf"),
    ("SCAAP", "8 U.S.C. § 1231", "(i)", "statute", "US", USC + "8/1231"),
    ("INA § 287(g)", "8 U.S.C. § 1357", "(g)", "statute", "US", USC + "8/1357"),
    ("Immigration and Nationality Act § 287(g)", "8 U.S.C. § 1357", "(g)", "statute", "US", USC + "8/1357"),
    ("INA § 236", "8 U.S.C. § 1226", "", "statute", "US", USC + "8/1226"),
    ("section 287(g) of the INA", "8 U.S.C. § 1357", "(g)", "statute", "US", USC + "8/1357"),
]

# INA sections commonly cited → 8 U.S.C. sections
INA_TABLE = {
    "101": "1101", "103": "1103", "212": "1182", "214": "1184", "235": "1225", "236": "1226",
    "237": "1227", "240": "1229a", "241": "1231", "264": "1304", "274": "1324", "287": "1357",
}

NOT_CITATIONS = [
    "",
    "   ",
    "not a citation",
    "hello",
    "section 5",
    "H.B. 318",
    "Senate Bill 888",
    "§ 108A-80",
    "U.S.C. § 1232g",
    "20 U.S.C. § 1232g and more",
    "the INA",
    "Medicaid",
]


def _seed_path() -> Path:
    here = Path(__file__).resolve().parents[1]
    name = "nc-benefits-data-sharing-ice-faq.txt"
    for candidate in (
        here / "fixtures" / name,
        here.parent / "shared" / "seed" / name,
        Path("/work/shared/seed") / name,
    ):
        if candidate.exists():
            return candidate
    pytest.skip("seed FAQ text not found")


def _answers(seed: str) -> dict[int, str]:
    """Split the seed FAQ into {question number: question + answer text}."""
    import re

    heads = list(re.finditer(r"^(\d+)\. [^\n]*\?$", seed, re.M))
    return {
        int(h.group(1)): seed[h.start(): heads[i + 1].start() if i + 1 < len(heads) else len(seed)]
        for i, h in enumerate(heads)
    }


def test_it_has_a_table_of_at_least_45_citation_forms():
    assert len(CITATIONS) >= 45
    assert len(NOT_CITATIONS) >= 6


@pytest.mark.parametrize("typed, canonical, pinpoint, kind, jurisdiction, url", CITATIONS)
def test_it_parses_each_form_reviewers_type(typed, canonical, pinpoint, kind, jurisdiction, url):
    parsed = parse_citation(typed)
    assert parsed is not None, typed
    assert (parsed.canonical, parsed.pinpoint, parsed.kind, parsed.jurisdiction, parsed.url) == (
        canonical, pinpoint, kind, jurisdiction, url,
    )
    assert pinpoint == "" or pinpoint not in parsed.canonical
    assert "#" not in parsed.url
    start, end = parsed.span
    assert typed[start:end] == parsed.text


@pytest.mark.parametrize("text", NOT_CITATIONS)
def test_it_returns_none_for_text_that_is_not_a_citation(text):
    assert parse_citation(text) is None


@pytest.mark.parametrize("ina, usc", sorted(INA_TABLE.items()))
def test_it_maps_commonly_cited_ina_sections_to_the_us_code(ina, usc):
    parsed = parse_citation(f"INA § {ina}")
    assert parsed.canonical == f"8 U.S.C. § {usc}"
    assert parsed.url == USC + f"8/{usc}"
    assert parsed.popular_name == f"INA § {ina}"
    assert parse_citation(f"8 U.S.C. § {usc}").canonical == parsed.canonical


def test_it_keeps_the_popular_name_and_titles_it_with_the_codified_citation():
    ferpa = parse_citation("Family Educational Rights and Privacy Act (FERPA)")
    assert ferpa.popular_name == "FERPA"
    assert ferpa.title == "FERPA (20 U.S.C. § 1232g)"
    assert parse_citation("HIPAA").title == "HIPAA (Pub. L. 104-191)"
    assert parse_citation("SCAAP").title == "SCAAP (8 U.S.C. § 1231)"
    assert parse_citation("INA § 287(g)").title == "INA § 287 (8 U.S.C. § 1357)"
    plain = parse_citation("G.S. 108A-80(a)")
    assert (plain.title, plain.popular_name) == ("N.C. Gen. Stat. § 108A-80", "")


@pytest.mark.parametrize(
    "one, other",
    [
        ("20 U.S.C. § 1232g", "20 USC 1232g"),
        ("20 U.S.C. § 1232g(a)", "FERPA"),
        ("8 U.S.C. § 1357(g)", "INA § 287(g)"),
        ("N.C. Gen. Stat. § 108A-80", "G.S. 108A-80"),
        ("N.C.G.S. § 108A-80(a)", "N.C. Gen. Stat. §§ 108A-80 to -81"),
        ("42 CFR 431.300", "42 C.F.R. §§ 431.300-431.307"),
        ("Pub. L. 104-193", "PRWORA"),
        ("S.L. 2015-294", "N.C. Sess. Law 2015-294"),
        ("House Bill 10 (2024)", "H.B. 10 (2023)"),
        ("S.B. 888 (2025)", "Senate Bill 888 (2025 Regular Session)"),
    ],
)
def test_it_gives_two_spellings_of_the_same_source_the_same_canonical(one, other):
    first, second = parse_citation(one), parse_citation(other)
    assert first.canonical == second.canonical
    assert first.url == second.url


def test_it_explains_that_a_bill_needs_its_session_year():
    assert parse_citation("H.B. 318") is None
    assert citation_hint("H.B. 318") == BILL_NEEDS_SESSION_YEAR
    assert "session year" in BILL_NEEDS_SESSION_YEAR
    assert citation_hint("H.B. 318 (2025)") == ""
    assert citation_hint("hello") == ""


def test_it_ignores_surrounding_whitespace_and_reports_the_span_in_the_input():
    text = "  42 U.S.C. § 1396a(a)(7);  "
    parsed = parse_citation(text)
    assert parsed.canonical == "42 U.S.C. § 1396a"
    assert parsed.span == (2, 25)
    assert text[2:25] == parsed.text == "42 U.S.C. § 1396a(a)(7)"


def test_it_finds_three_citations_in_order_with_exact_spans():
    passage = "See G.S. 108A-80(a) and 42 U.S.C. § 1396a(a)(7); cf. 7 C.F.R. § 272.1(c)."
    found = find_citations(passage)
    assert [(c.text, c.span, c.canonical, c.pinpoint) for c in found] == [
        ("G.S. 108A-80(a)", (4, 19), "N.C. Gen. Stat. § 108A-80", "(a)"),
        ("42 U.S.C. § 1396a(a)(7)", (24, 47), "42 U.S.C. § 1396a", "(a)(7)"),
        ("7 C.F.R. § 272.1(c)", (53, 72), "7 C.F.R. § 272.1", "(c)"),
    ]
    for c in found:
        assert passage[c.span[0]:c.span[1]] == c.text


def test_it_finds_each_kind_of_citation_in_a_passage_without_overlaps():
    passage = (
        "Under N.C.G.S. § 108A-80 and S.L. 2015-294, as amended by H.B. 10 (2024), "
        "DHHS follows PRWORA (Pub. L. 104-193) and INA § 287(g); see also 82 Fed. Reg. 8799. "
        "H.B. 318 alone is not a citation."
    )
    found = find_citations(passage)
    assert [(c.text, c.canonical) for c in found] == [
        ("N.C.G.S. § 108A-80", "N.C. Gen. Stat. § 108A-80"),
        ("S.L. 2015-294", "S.L. 2015-294"),
        ("H.B. 10 (2024)", "H.B. 10 (2023 session)"),
        ("PRWORA", "Pub. L. 104-193"),
        ("Pub. L. 104-193", "Pub. L. 104-193"),
        ("INA § 287(g)", "8 U.S.C. § 1357"),
        ("82 Fed. Reg. 8799", "82 Fed. Reg. 8799"),
    ]
    ends = 0
    for c in found:
        assert passage[c.span[0]:c.span[1]] == c.text
        assert c.span[0] >= ends
        ends = c.span[1]


def test_it_does_not_let_a_range_swallow_the_next_citation():
    passage = "42 C.F.R. §§ 431.300-.307 and 42 U.S.C. §§ 1320b-7; G.S. §§ 108A-80 to -81 and 20 USC 1232g"
    assert [(c.text, c.canonical) for c in find_citations(passage)] == [
        ("42 C.F.R. §§ 431.300-.307", "42 C.F.R. § 431.300"),
        ("42 U.S.C. §§ 1320b-7", "42 U.S.C. § 1320b-7"),
        ("G.S. §§ 108A-80 to -81", "N.C. Gen. Stat. § 108A-80"),
        ("20 USC 1232g", "20 U.S.C. § 1232g"),
    ]


def test_it_returns_no_citations_for_plain_prose():
    assert find_citations("") == []
    assert find_citations("The sky is blue. Section 5 says nothing; the INA is long.") == []


def test_it_finds_ferpa_in_the_seed_answer_16_with_its_span():
    seed = _seed_path().read_text(encoding="utf-8")
    answer = _answers(seed)[16]
    sentence = next(s for s in answer.split(". ") if "Family Educational Rights and Privacy Act (FERPA)" in s)
    found = find_citations(sentence)
    assert len(found) == 1
    ferpa = found[0]
    assert ferpa.canonical == "20 U.S.C. § 1232g"
    assert ferpa.popular_name == "FERPA"
    assert ferpa.text == "Family Educational Rights and Privacy Act (FERPA)"
    assert sentence[ferpa.span[0]:ferpa.span[1]] == ferpa.text
    assert ferpa.span[0] == sentence.index("Family Educational")


def test_it_finds_exactly_what_a_reader_sees_in_the_whole_seed():
    seed = _seed_path().read_text(encoding="utf-8")
    found = find_citations(seed)
    assert [(c.text, c.canonical, c.pinpoint) for c in found] == [
        ("State Criminal Alien Assistance Program (SCAAP)", "8 U.S.C. § 1231", "(i)"),
        ("Family Educational Rights and Privacy Act (FERPA)", "20 U.S.C. § 1232g", ""),
    ]
    for c in found:
        assert seed[c.span[0]:c.span[1]] == c.text
    per_answer = {n: [c.text for c in find_citations(text)] for n, text in _answers(seed).items()}
    assert len(per_answer) == 20
    assert {n: texts for n, texts in per_answer.items() if texts} == {
        3: ["State Criminal Alien Assistance Program (SCAAP)"],
        16: ["Family Educational Rights and Privacy Act (FERPA)"],
    }


def test_it_builds_the_citator_once():
    assert get_citator() is get_citator()


def test_it_returns_frozen_results():
    parsed = parse_citation("FERPA")
    assert isinstance(parsed, ParsedCitation)
    with pytest.raises(AttributeError):
        parsed.canonical = "x"  # type: ignore[misc]
