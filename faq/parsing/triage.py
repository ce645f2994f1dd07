"""Pre-triage: sentences recognisable as filler, advice, hedging or summary.

The importer marks a claim whose quote matches one of these rules as
*suggested not checkable*, naming the rule; an editor accepts or rejects the
suggestion (claims.workflow). The rules are deliberately narrow: a wrong
suggestion costs a reviewer's attention, a missed one only leaves the claim
to be triaged by hand. Measured against the seed review in
tests/test_triage.py (precision first).
"""

from __future__ import annotations

import re

# (rule, pattern matched at the start of the quote). Order matters: the first match names the rule.
RULES: tuple[tuple[str, re.Pattern], ...] = (
    (
        "summary",
        re.compile(
            r"(?:Overall|Ultimately|In conclusion|In summary|To summarize|To sum up|In short|All in all|"
            r"In essence|All things considered)\b,?\s",
        ),
    ),
    (
        "advice",
        re.compile(
            r"(?:(?:However|Additionally|Therefore|Thus|Furthermore|Moreover|Ultimately),\s+)?"
            r"(?:it is|it's|it remains)\s+(?:therefore\s+)?(?:important|essential|crucial|vital|critical|"
            r"advisable|recommended|imperative|necessary|wise|best)\s+(?:for|to)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "advice",
        re.compile(
            r"(?:Individuals|Applicants|Residents|Readers|People|You|Families|Immigrants)\s+(?:should|are encouraged to|"
            r"are advised to|may wish to|are urged to)\b",
        ),
    ),
    (
        "hedging",
        re.compile(
            r"(?:(?:Some|Many|Other) (?:individuals|people|critics|advocates|observers|experts|organizations|groups)"
            r"(?: and (?:organizations|groups|individuals))?|Critics|Supporters|Proponents|Opponents|They)\s+"
            r"(?:argue|believe|feel|contend|claim|suggest|worry)\b",
        ),
    ),
    (
        "hedging",
        re.compile(r"[^.!?]*\bis a (?:complex|controversial|divisive|contentious|sensitive|nuanced)\b[^.!?]*\bissue\b"),
    ),
    (
        # Consequences told as possibilities: "This can lead to …", "It could result in …".
        "hedging",
        re.compile(r"(?:This|It|That|These \w+) (?:can|could|may|might) (?:also )?(?:lead|result|have)\b"),
    ),
    (
        "filler",
        re.compile(
            r"(?:(?:However|Additionally|Furthermore|Moreover),\s+)?(?:concerns have been raised|"
            r"it is worth noting|it should be noted|it is important to note|note that)\b",
            re.IGNORECASE,
        ),
    ),
)


RULE_NAMES: tuple[str, ...] = tuple(dict.fromkeys(name for name, _ in RULES))


def triage_rule(quote: str) -> str:
    """The name of the first rule `quote` matches ("summary", "advice", "hedging", "filler"), or ""."""
    head = quote[:400]
    for name, pattern in RULES:
        if pattern.match(head):
            return name
    return ""
