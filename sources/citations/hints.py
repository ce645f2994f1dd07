"""What to tell a reviewer whose text is nearly a citation.

Each hint names what is missing and shows the form that works, so a
near-miss ("NCGS 162A-?", "U.S.C. § 1232g", "Printz v. United States")
gets an answer a reviewer can act on rather than a wrong source or a bare
"not recognised". The patterns here only recognise near-misses; what is a
citation is decided by citeurl's templates and eyecite alone.
"""

from __future__ import annotations

import re

from sources.citations import cases, statutes
from sources.citations.statutes import BILL_NEEDS_SESSION_YEAR

_NC = (
    r"(N\.?\s?C\.?\s?G\.?\s?S\.?|G\.?\s?S\.?|N\.?\s?C\.?\s?Gen(eral|\.)?\s?Stat(utes?|s?\.?)"
    r"|North Carolina General Statutes)"
)
_USC = r"(U\.?\s?S\.?\s?C(ode|\.)?|USC|United States Code)"
_CFR = r"(C\.?\s?F\.?\s?R\.?|Code of Federal Regulations)"

# (pattern, message); the message may use the match's groups by name. First match wins.
_NEAR_MISSES = [
    (
        rf"^{_NC},?\s*§*\s*(?P<chapter>\d+[A-Za-z]?)\s*(?:[-‑–]\s*(?P<rest>[^\d\s][^\s]*|))?$",
        "it names chapter {chapter} of the N.C. General Statutes but no section number: cite a section as "
        "chapter-section, as in 'G.S. 108A-80' (chapter 108A, section 80).",
    ),
    (
        rf"^{_NC},?\s*§*\s*$",
        "it names the N.C. General Statutes but no section: cite a section as chapter-section, as in 'G.S. 108A-80'.",
    ),
    (
        rf"^§*\s*(?P<code>{_USC}|{_CFR})\s*§*\s*\d",
        "the title number comes before the code: '20 U.S.C. § 1232g', '42 C.F.R. § 431.300'.",
    ),
    (
        rf"^(?P<title>\d+)\s*(?P<code>{_USC}|{_CFR})\s*(§*|[Ss]ections?|[Ss]ec\.?)\s*(?P<rest>[^\d\s]\S*)?$",
        "it names title {title} but no section number: cite a section, as in '8 U.S.C. § 1373' or '7 C.F.R. § 272.1'.",
    ),
    (
        r"^§+\s*\d",
        "a section number alone does not say which code it is in: give the code too, as in '8 U.S.C. § 1373' or "
        "'G.S. 108A-80'.",
    ),
    (
        r"^(S\.?\s?L\.?|(N\.?\s?C\.?\s?)?Session Laws?)\s*(?P<number>\d{1,4})$",
        "a North Carolina session law is cited with its year: 'S.L. 2015-294' (year-number).",
    ),
    (
        r"^(Pub(\.|lic)?\s?L(\.|aw)?|P\.?\s?L\.?)\s*(No\.?\s*)?(?P<number>\d+)$",
        "a Public Law is cited as Congress-number: 'Pub. L. 104-193' (the 104th Congress's law 193).",
    ),
    (
        r"^(Exec(\.|utive)?\s?Order|E\.?\s?O\.?)(\s*No\.?)?\s*(?P<rest>\D*|\d{1,3}|\d{6,})$",
        "an executive order is cited by its number: 'Exec. Order No. 13768' (or 'E.O. 13768').",
    ),
    (
        r"^(?P<volume>\d+)\s*(Fed\.?\s?Reg\.?|F\.?\s?R\.?)\s*$",
        "a Federal Register citation needs its page after the volume: '82 Fed. Reg. 8799'.",
    ),
    (
        r"^(INA|Immigration and Nationality Act)\s*§*\s*(?P<section>\d+\w*)",
        "INA § {section} is not in the table of INA sections codified in Title 8; cite the U.S. Code section "
        "itself, as in '8 U.S.C. § 1357'.",
    ),
    (
        r"^((the\s+)?(U\.?\s?S\.?|United States)\s*Const(\.|itution)?|the\s+Constitution|Constitution)\b",
        "the U.S. Constitution is cited by article or amendment: 'U.S. Const. art. VI, cl. 2', "
        "'U.S. Const. amend. X', 'Tenth Amendment'.",
    ),
    (
        r"^((Senate|House)\s+Bill|[SH]\.?\s?B\.?)\s*\d+\b",
        "cite a North Carolina bill with its session year in one of these forms: 'S.B. 888 (2025)', "
        "'S.B. 888 of the 2025 session'.",
    ),
]
_COMPILED = [(re.compile(pattern, re.I), message) for pattern, message in _NEAR_MISSES]


def citation_hint(text: str) -> str:
    """Explain why ``text`` is not accepted as a citation, if we can; "" otherwise.

    Gives ``BILL_NEEDS_SESSION_YEAR`` for a bill without its session year
    ("H.B. 318"), the numbers that stop for "U.S. Const. amend. XXX", the
    full form for a case's short form ("Id. at 935") or a case name alone,
    and the missing part for near-misses such as "NCGS 162A-?", "U.S.C. §
    1232g", "S.L. 294", "E.O." or "82 Fed. Reg.". Returns "" for text that
    parses as a citation, and for text that is plainly not one.
    """
    if not text or not text.strip():
        return ""
    if statutes.is_bill_without_year(text):
        return BILL_NEEDS_SESSION_YEAR
    if statutes.parse(text) is not None or cases.parse(text) is not None:
        return ""
    cite = statutes.lone_cite(text)
    if cite is not None:
        why = statutes.out_of_range(cite)
        if why:
            return f"{why}."
    stripped = text.strip().rstrip(".,;:").strip()
    for pattern, message in _COMPILED:
        match = pattern.search(stripped)
        if match:
            return message.format(**{k: v or "" for k, v in match.groupdict().items()})
    return cases.hint(text)
