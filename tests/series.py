"""A generated series: the seed FAQ rewritten for other states, as a machine-written site would publish it."""

from conftest import SEED_PATH

# Sentences the rewrite changes for a state, so its page is not the seed with a name swapped:
# (seed text, replacement). The first changes the claim (a frequency), the second negates one.
CHANGES = [
    ("State benefits data is shared with ICE in {state} on a regular basis.",
     "State benefits data is shared with ICE in {state} once a year, in a single annual file."),
    ("The sharing of this data is aimed at identifying individuals who may be undocumented immigrants",
     "The sharing of this data is not aimed at identifying individuals who may be undocumented immigrants"),
]


def seed_for(state: str, *, changed: bool = True) -> str:
    """The seed text about `state` instead of North Carolina, with CHANGES applied when `changed`."""
    text = SEED_PATH.read_text(encoding="utf-8")
    if changed:
        for before, after in CHANGES:
            before = before.format(state="North Carolina")
            assert before in text, before
            text = text.replace(before, after.format(state="North Carolina"))
    return text.replace("North Carolina", state)


def browser_copy() -> str:
    """The seed as a second site copied it: the same claims under a slightly different title."""
    text = SEED_PATH.read_text(encoding="utf-8")
    return text.replace("State Benefits Data Sharing With ICE in North Carolina", "Benefits Data Sharing With ICE in North Carolina", 1)
