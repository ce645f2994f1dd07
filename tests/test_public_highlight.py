"""claims.highlight: answer text cut into plain and claim segments by offset."""

from types import SimpleNamespace

from claims.highlight import paragraphs, segments, status_counts


def claim(text, quote, name=None):
    start = text.index(quote)
    return SimpleNamespace(start=start, end=start + len(quote), quote=quote, name=name or quote)


def shown(parts):
    return "".join(f"[{p.text}]" if p.claim else p.text for p in parts)


TEXT = "One. Two is here. Three."


def test_segments_cover_the_text_exactly_once_in_order():
    parts = segments(TEXT, [claim(TEXT, "Three."), claim(TEXT, "One.")])
    assert shown(parts) == "[One.] Two is here. [Three.]"
    assert "".join(p.text for p in parts) == TEXT


def test_an_overlapping_claim_keeps_only_its_part_after_the_earlier_one():
    parts = segments(TEXT, [claim(TEXT, "One. Two"), claim(TEXT, "Two is here.")])
    assert shown(parts) == "[One. Two][ is here.] Three."


def test_a_claim_whose_offsets_went_stale_is_found_by_its_quote_or_left_out():
    stale = SimpleNamespace(start=0, end=4, quote="Three.")
    gone = SimpleNamespace(start=5, end=8, quote="Four.")
    assert shown(segments(TEXT, [stale, gone])) == "One. Two is here. [Three.]"


def test_paragraphs_split_at_blank_lines_and_keep_single_line_breaks():
    text = "A. B.\n\n1. C.\n2. D.\n \n\nE."
    parts = paragraphs(text, [claim(text, "B."), claim(text, "C.\n2. D.")])
    assert [shown(p) for p in parts] == ["A. [B.]", "1. [C.\n2. D.]", "E."]


def test_status_counts_follow_the_status_order_and_skip_empty_ones():
    counts = status_counts(["contradicted", "unreviewed", "contradicted"])
    assert [(c.status.value, c.count, c.total) for c in counts] == [("unreviewed", 1, 3), ("contradicted", 2, 3)]
    assert len(status_counts([], include_empty=True)) == 10
