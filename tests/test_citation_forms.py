"""The forms reviewers write, each with the canonical citations and official URLs it must give.

Every string here was written for this test by a reviewer of the seed FAQ; a
string naming several citations must give one each, in order. The near-misses
at the end must give a hint saying what is missing, never a citation.

Plain pytest, no database: run alone with
    .venv/bin/pytest tests/test_citation_forms.py -q -p no:django
"""

import pytest

from sources.citations import citation_hint, find_citations, parse_citation, parse_citations

USC = "https://www.law.cornell.edu/uscode/text/"
ECFR = "https://www.ecfr.gov/current/"
NCGS = "https://www.ncleg.gov/EnactedLegislation/Statutes/HTML/BySection/"
NCSL = "https://www.ncleg.gov/EnactedLegislation/SessionLaws/HTML/"
BILL = "https://www.ncleg.gov/BillLookUp/"
PL = "https://uscode.house.gov/statutes/pl/"
EO = "https://www.federalregister.gov/executive-order/"
CONST = "https://constitution.congress.gov/browse/"
CL = "https://www.courtlistener.com/c/"


def usc(title, section, pin=""):
    return (f"{title} U.S.C. § {section}", pin, USC + f"{title}/{section}")


def cfr(title, section, pin=""):
    return (f"{title} C.F.R. § {section}", pin, ECFR + f"title-{title}/section-{section}")


def ncgs(chapter, section, pin=""):
    return (f"N.C. Gen. Stat. § {chapter}-{section}", pin, NCGS + f"Chapter_{chapter}/GS_{chapter}-{section}.html")


def sl(year, number, biennium):
    return (f"S.L. {year}-{number}", "", NCSL + f"{biennium}/SL{year}-{number}.html")


def bill(chamber, number, session):
    return (f"{chamber}.B. {number} ({session} session)", "", BILL + f"{session}/{chamber}{number}")


def eo(number):
    return (f"Exec. Order No. {number}", "", EO + number)


def amend(roman, number, pin=""):
    return (f"U.S. Const. amend. {roman}", pin, CONST + f"amendment-{number}/")


def art(roman, number, section="", pin=""):
    name = f"U.S. Const. art. {roman}" + (f", § {section}" if section else "")
    return (name, pin, CONST + f"article-{number}/" + (f"section-{section}/" if section else ""))


def pub(congress, law):
    return (f"Pub. L. {congress}-{law}", "", PL + f"{congress}/{law}.pdf")


def case(volume, reporter, page, pin="", slug=None):
    return (f"{volume} {reporter} {page}", pin, CL + f"{slug or reporter}/{volume}/{page}/")


# kind → [(typed, [(canonical, pinpoint, url), ...])]
FORMS = {
    "U.S.C.": [
        ("8 U.S.C. §§ 1373, 1644", [usc(8, 1373), usc(8, 1644)]),
        ("8 U.S.C. §§ 1373 and 1644", [usc(8, 1373), usc(8, 1644)]),
        ("8 U.S.C. § 1231(a)(5)", [usc(8, 1231, "(a)(5)")]),
        ("8 USC 1357(g)(10)", [usc(8, 1357, "(g)(10)")]),
        ("42 U.S.C. §§ 1396a(a)(7) and 1320b-7", [usc(42, "1396a", "(a)(7)"), usc(42, "1320b-7")]),
        ("8 U.S.C. §§ 1373, 1644, and 1611", [usc(8, 1373), usc(8, 1644), usc(8, 1611)]),
        ("Title 8, U.S.C. § 1644", [usc(8, 1644)]),
        ("42 U.S.C. § 611a; 7 U.S.C. § 2020(e)(8)", [usc(42, "611a"), usc(7, 2020, "(e)(8)")]),
        ("8 U.S.C. sections 1373 and 1644", [usc(8, 1373), usc(8, 1644)]),
        ("8 U.S.C.A. § 1373(a)", [usc(8, 1373, "(a)")]),
        ("8 U.S.C. § 1373 & 8 U.S.C. § 1644", [usc(8, 1373), usc(8, 1644)]),
    ],
    "C.F.R.": [
        ("7 C.F.R. §§ 272.1(c) and 273.2", [cfr(7, "272.1", "(c)"), cfr(7, "273.2")]),
        ("42 CFR 431.300; 42 CFR 431.302", [cfr(42, "431.300"), cfr(42, "431.302")]),
        ("45 C.F.R. § 155.260(a)", [cfr(45, "155.260", "(a)")]),
        ("8 C.F.R. § 287.7", [cfr(8, "287.7")]),
        ("28 C.F.R. Part 50", [("28 C.F.R. Part 50", "", ECFR + "title-28/part-50")]),
        ("7 CFR 272.1(c)(1)(vii)", [cfr(7, "272.1", "(c)(1)(vii)")]),
    ],
    "N.C. statutes": [
        ("NC Gen Stat § 108A-80", [ncgs("108A", 80)]),
        ("N.C. Gen. Stat. §§ 108A-80 and 108A-26.1", [ncgs("108A", 80), ncgs("108A", "26.1")]),
        ("G.S. 153A-145.5; G.S. 160A-205.2", [ncgs("153A", "145.5"), ncgs("160A", "205.2")]),
        ("N.C.G.S. § 115C-402", [ncgs("115C", 402)]),
        ("NC Gen. Stat. § 108A-80(b)", [ncgs("108A", 80, "(b)")]),
        ("North Carolina General Statutes § 153A-145.5", [ncgs("153A", "145.5")]),
        ("G.S. 108A-80, 108A-26.1", [ncgs("108A", 80), ncgs("108A", "26.1")]),
        ("N.C. Gen. Stat. § 143B-139.6", [ncgs("143B", "139.6")]),
    ],
    "N.C. session laws": [
        ("S.L. 2015-294 and S.L. 2024-55", [sl(2015, 294, "2015-2016"), sl(2024, 55, "2023-2024")]),
        ("Session Law 2024-55", [sl(2024, 55, "2023-2024")]),
        ("N.C. Sess. Laws 2015-294", [sl(2015, 294, "2015-2016")]),
        ("S.L. 2019-177", [sl(2019, 177, "2019-2020")]),
    ],
    "bills": [
        ("S.B. 888 of the 2025 session", [bill("S", 888, 2025)]),
        ("Senate Bill 153 of the 2025 Session", [bill("S", 153, 2025)]),
        ("H.B. 10 (2024)", [bill("H", 10, 2023)]),
        ("S.B. 888 (2025); S.B. 153 (2025)", [bill("S", 888, 2025), bill("S", 153, 2025)]),
        ("House Bill 318 (2015)", [bill("H", 318, 2015)]),
    ],
    "executive orders": [
        ("Exec. Order No. 14159", [eo("14159")]),
        ("E.O. 13768", [eo("13768")]),
        ("Executive Order 13768", [eo("13768")]),
        ("Exec. Order 13,768", [eo("13768")]),
        ("EO 14159", [eo("14159")]),
        ("Executive Order No. 14287", [eo("14287")]),
        ("E.O. 13768 and E.O. 14159", [eo("13768"), eo("14159")]),
    ],
    "Constitution": [
        ("U.S. Const. amend. X", [amend("X", 10)]),
        ("U.S. Const. art. VI, cl. 2", [art("VI", 6, pin="cl. 2")]),
        ("US Const amend 10", [amend("X", 10)]),
        ("Tenth Amendment", [amend("X", 10)]),
        ("U.S. Const. amend. XIV, § 1", [amend("XIV", 14, "§ 1")]),
        ("U.S. Const. art. I, § 8, cl. 3", [art("I", 1, section="8", pin="cl. 3")]),
        ("Article VI, Clause 2 of the U.S. Constitution", [art("VI", 6, pin="cl. 2")]),
        ("the Supremacy Clause", [art("VI", 6, pin="cl. 2")]),
        ("Fourth Amendment to the United States Constitution", [amend("IV", 4)]),
    ],
    "Public Laws": [
        ("Pub. L. No. 104-193", [pub(104, 193)]),
        ("Pub. L. 104-208", [pub(104, 208)]),
        ("P.L. 104-193 and P.L. 104-208", [pub(104, 193), pub(104, 208)]),
        ("Public Law 99-603", [pub(99, 603)]),
    ],
    "cases": [
        ("Printz v. United States, 521 U.S. 898 (1997)", [case(521, "U.S.", 898)]),
        ("New York v. United States, 505 U.S. 144 (1992)", [case(505, "U.S.", 144)]),
        ("Murphy v. NCAA, 584 U.S. 453 (2018)", [case(584, "U.S.", 453)]),
        ("Printz v. United States, 521 U.S. 898, 933 (1997)", [case(521, "U.S.", 898, "933")]),
        ("Arizona v. United States, 567 U.S. 387 (2012)", [case(567, "U.S.", 387)]),
        ("United States v. California, 921 F.3d 865 (9th Cir. 2019)", [case(921, "F.3d", 865)]),
        ("City of Chicago v. Sessions, 888 F.3d 272 (7th Cir. 2018)", [case(888, "F.3d", 272)]),
        ("Printz v. U. S., 521 U. S. 898", [case(521, "U.S.", 898)]),
        ("Plyler v. Doe, 457 U.S. 202 (1982)", [case(457, "U.S.", 202)]),
        ("117 S.Ct. 2365", [case(117, "S. Ct.", 2365, slug="S.%20Ct.")]),
        (
            "Printz v. United States, 521 U.S. 898 (1997); New York v. United States, 505 U.S. 144 (1992)",
            [case(521, "U.S.", 898), case(505, "U.S.", 144)],
        ),
    ],
    "mixed lists": [
        ("8 U.S.C. § 1373; Printz v. United States, 521 U.S. 898 (1997)", [usc(8, 1373), case(521, "U.S.", 898)]),
        ("U.S. Const. amend. X; 8 U.S.C. §§ 1373 and 1644", [amend("X", 10), usc(8, 1373), usc(8, 1644)]),
        (
            "G.S. 108A-80; 42 U.S.C. § 1396a(a)(7); 42 C.F.R. § 431.300",
            [ncgs("108A", 80), usc(42, "1396a", "(a)(7)"), cfr(42, "431.300")],
        ),
    ],
}

KINDS = {
    "U.S.C.": "statute", "C.F.R.": "regulation", "N.C. statutes": "statute", "N.C. session laws": "session_law",
    "bills": "bill", "executive orders": "executive_order", "Constitution": "constitution",
    "Public Laws": "session_law", "cases": "case",
}

CASES = [(kind, typed, expected) for kind, rows in FORMS.items() for typed, expected in rows]

# Near-misses: (typed, what the hint must say). None of them may give a citation.
NEAR_MISSES = [
    ("NCGS 162A-?", "names chapter 162A of the N.C. General Statutes but no section number"),
    ("G.S. 108A", "names chapter 108A of the N.C. General Statutes but no section number"),
    ("N.C. Gen. Stat. §", "names the N.C. General Statutes but no section"),
    ("U.S.C. § 1373", "the title number comes before the code"),
    ("CFR 272.1", "the title number comes before the code"),
    ("8 U.S.C.", "names title 8 but no section number"),
    ("§ 1373", "a section number alone does not say which code"),
    ("S.L. 294", "cited with its year"),
    ("Pub. L. 193", "Congress-number"),
    ("Executive Order", "cited by its number"),
    ("E.O.", "cited by its number"),
    ("U.S. Const. amend. XXVIII", "there is no amendment XXVIII (28): the last is 27"),
    ("U.S. Const. art. IX", "there is no article IX (9): the last is 7"),
    ("the Constitution", "cited by article or amendment"),
    ("Printz v. United States", "a case is cited by its reporter citation"),
    ("Id. at 935", "is a short form that points back to a full citation"),
    ("Printz, 521 U.S. at 935", "is a short form that points back to a full citation"),
    ("Printz, supra", "is a short form that points back to a full citation"),
    ("H.B. 318", "Cite a bill with its session year"),
    ("Senate Bill 888", "Cite a bill with its session year"),
    ("S.B. 888 of 2025", "cite a North Carolina bill with its session year"),
    ("82 Fed. Reg.", "needs its page after the volume"),
    ("INA § 999", "INA § 999 is not in the table"),
]


def test_the_table_covers_at_least_60_distinct_strings_of_every_kind_the_issue_names():
    typed = [t for _, t, _ in CASES]
    assert len(set(typed)) == len(typed) >= 60
    assert all(len(FORMS[kind]) >= 4 for kind in KINDS)
    assert len(NEAR_MISSES) >= 20


@pytest.mark.parametrize("kind, typed, expected", CASES, ids=[t for _, t, _ in CASES])
def test_each_form_gives_its_canonical_citations_and_official_urls(kind, typed, expected):
    found = parse_citations(typed)
    assert [(p.canonical, p.pinpoint, p.url) for p in found] == expected
    for parsed in found:
        assert parsed.kind == KINDS.get(kind, parsed.kind)
        assert parsed.url.startswith("https://") and "#" not in parsed.url
        assert parsed.pinpoint == "" or parsed.pinpoint not in parsed.canonical.split()[-1]
        assert typed[parsed.span[0] : parsed.span[1]] == parsed.text
    # One citation is also what parse_citation gives; a list is never taken for one citation.
    one = parse_citation(typed)
    if len(expected) == 1:
        assert (one.canonical, one.pinpoint, one.url) == expected[0]
    else:
        assert one is None


@pytest.mark.parametrize("typed, hint", NEAR_MISSES, ids=[t for t, _ in NEAR_MISSES])
def test_a_near_miss_gives_a_hint_and_no_citation(typed, hint):
    assert parse_citation(typed) is None
    assert parse_citations(typed) == []
    assert hint in citation_hint(typed)


def test_a_case_is_titled_with_its_name_and_year_but_keyed_by_its_reporter_citation():
    printz = parse_citation("Printz v. United States, 521 U.S. 898, 933 (1997)")
    assert printz.title == "Printz v. United States, 521 U.S. 898 (1997)"
    assert (printz.canonical, printz.pinpoint, printz.jurisdiction) == ("521 U.S. 898", "933", "US")
    assert parse_citation("521 U.S. 898").canonical == parse_citation("Printz v. U.S., 521 U.S. 898").canonical
    seventh = parse_citation("City of Chicago v. Sessions, 888 F.3d 272 (7th Cir. 2018)")
    assert seventh.title == "City of Chicago v. Sessions, 888 F.3d 272 (7th Cir. 2018)"


def test_a_list_in_prose_gives_one_citation_per_section_with_the_bare_section_spanned():
    passage = "Federal law (8 U.S.C. §§ 1373 and 1644) overrides; see Printz v. United States, 521 U.S. 898 (1997)."
    found = find_citations(passage)
    assert [(c.text, c.canonical) for c in found] == [
        ("8 U.S.C. §§ 1373", "8 U.S.C. § 1373"),
        ("1644", "8 U.S.C. § 1644"),
        ("Printz v. United States, 521 U.S. 898 (1997)", "521 U.S. 898"),
    ]
    for c in found:
        assert passage[c.span[0] : c.span[1]] == c.text


def test_a_single_section_sign_in_prose_does_not_make_a_following_number_a_section():
    found = find_citations("Under 42 U.S.C. § 1396a and 20 other provisions, states must comply.")
    assert [c.canonical for c in found] == ["42 U.S.C. § 1396a"]


def test_the_same_citation_typed_twice_in_a_list_is_one_citation():
    assert [p.canonical for p in parse_citations("E.O. 13768; Executive Order 13768")] == ["Exec. Order No. 13768"]


def test_a_list_with_other_words_is_not_a_list():
    assert parse_citations("8 U.S.C. §§ 1373, 1644 and more") == []
    assert parse_citations("see 8 U.S.C. § 1373 and 8 U.S.C. § 1644") == []
    assert parse_citations("8 U.S.C. § 1373 8 U.S.C. § 1644") == []
