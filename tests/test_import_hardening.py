"""No input breaks the importer: every refusal names the input, the line and the problem, and writes nothing.

Each case here was found by fuzzing (tests/test_fuzz_import.py) or listed in the
issue; they stay as named tests so a regression shows by name.
"""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from workflow_helpers import editor  # noqa: F401 (fixture)

from claims.models import Claim
from faq.importing import ImportOptions, ImportRefused, import_faq_bytes, import_faq_text
from faq.models import Document, PageLink

pytestmark = pytest.mark.django_db

GOOD = "Fees FAQ\n\n1. What is the fee?\n\nThe fee is ten dollars.\n\n2. Who pays it?\n\nThe applicant pays it.\n"


def refused(call, *match):
    with pytest.raises(ImportRefused) as excinfo:
        call()
    for text in match:
        assert text in str(excinfo.value)
    assert not Document.objects.exists() and not Claim.objects.exists()
    return str(excinfo.value)


@pytest.mark.parametrize("control", ["\x1c", "\x1d", "\x1e", "\x1f", "\x00", "\x7f"])
def test_a_control_character_before_a_list_number_is_refused_by_line_in_pasted_text(control):
    text = GOOD.replace("The fee is ten dollars.", f"Two parts:\n{control}1. Ten dollars.\n2. A form.")
    refused(
        lambda: import_faq_text(text, name="pasted text"),
        "pasted text: line 6, column 1: U+00",
        "control character",
    )


def test_a_file_with_one_control_character_is_refused_by_line_like_pasted_text():
    data = GOOD.replace("Who pays", "Who\x1e pays").encode()
    refused(lambda: import_faq_bytes(data, name="faq.txt"), "faq.txt: line 7, column 7: U+001E")


def test_a_lone_surrogate_in_pasted_text_is_refused_by_line():
    refused(lambda: import_faq_text(GOOD.replace("ten", "t\ud800en"), name="pasted text"),
            "pasted text: line 5, column 13: U+D800 is a lone surrogate")


def test_a_numbered_line_of_5000_digits_is_plain_text_not_a_crash():
    text = GOOD.replace("The fee is ten dollars.", "The fee is ten dollars.\n" + "9" * 5000 + ". Why?")
    result = import_faq_text(text, name="digits.txt")
    assert result.question_count == 2
    assert "9" * 5000 in Document.objects.get().questions.get(number=1).answer


def test_a_page_whose_only_questions_have_5000_digit_numbers_is_refused():
    refused(lambda: import_faq_text("Title\n\n" + "1" * 5000 + ". Why?\n\nBecause.\n", name="x.txt"),
            "x.txt: no questions found")


def test_utf16_without_a_bom_is_named_utf16():
    refused(lambda: import_faq_bytes(GOOD.encode("utf-16-le"), name="faq.txt"),
            "faq.txt: looks like UTF-16 text without a byte-order mark")
    refused(lambda: import_faq_bytes(GOOD.encode("utf-16-be"), name="faq.txt"), "UTF-16")


def test_utf16_with_a_bom_is_read():
    assert import_faq_bytes(GOOD.encode("utf-16"), name="faq.txt").question_count == 2


def test_binary_is_refused_naming_the_line_of_the_first_nul():
    refused(lambda: import_faq_bytes(b"GIF89a\n\x01\x00\x02\x00\xff" * 50, name="a.gif"),
            "a.gif: line 2: looks like a binary file")


@pytest.mark.parametrize(
    ("text", "options", "message"),
    [
        ("T" * 301 + GOOD[8:], {}, "line 1: the title is 301 characters, over the 300-character limit"),
        (GOOD, {"title": "T" * 301}, "the title is 301 characters, over the 300-character limit"),
        ("Categories " + "C" * 201 + "\n\n" + GOOD, {}, "line 1: the category is 201 characters, over the 200-character"),
        (GOOD, {"category": "C" * 201}, ": the category is 201 characters"),
        (GOOD, {"jurisdiction": "J" * 51}, "the jurisdiction is 51 characters, over the 50-character limit"),
        (GOOD, {"slug": "s" * 201}, "the slug is 201 characters, over the 200-character limit"),
        (GOOD, {"source_url": "https://example.org/" + "u" * 1000}, "the source url is 1,020 characters"),
    ],
    ids=["title-line", "title-option", "category-line", "category-option", "jurisdiction", "slug", "source-url"],
)
@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "import"])
def test_a_value_longer_than_its_column_is_refused_in_the_dry_run_too(text, options, message, dry_run):
    refused(lambda: import_faq_text(text, name="long.txt", options=ImportOptions(**options), dry_run=dry_run),
            "long.txt: ", message)


def test_a_title_of_exactly_300_characters_imports():
    result = import_faq_text("T" * 300 + GOOD[8:], name="ok.txt")
    assert len(Document.objects.get(pk=result.document.pk).title) == 300


def test_without_a_title_line_the_callers_title_is_used():
    body = GOOD.split("\n", 2)[2]
    result = import_faq_text(body, name="x.txt", options=ImportOptions(title="Fees in Testland"))
    assert (result.document.title, result.document.slug) == ("Fees in Testland", "fees-in-testland")
    assert result.warnings == ()


def test_without_a_title_line_or_a_given_title_the_first_line_is_the_title_with_a_warning():
    result = import_faq_text(GOOD.split("\n", 2)[2], name="x.txt", dry_run=True)
    assert result.title == "1. What is the fee?"
    assert "no title line" in str(result.warnings[0])


def test_links_of_an_answer_are_stored_as_leads():
    text = "# Fees\n\n## 1. Where is the schedule?\n\nIn [the county code](https://example.org/code), section 4.\n"
    document = import_faq_text(text, name="links.md").document
    link = PageLink.objects.get(question__document=document)
    assert (link.text, link.url, link.position) == ("the county code", "https://example.org/code", 1)
    assert Claim.objects.get().quote == "In the county code, section 4."


def test_the_command_prints_the_parsers_guesses_line_by_line(tmp_path):
    path = tmp_path / "guess.txt"
    path.write_text(GOOD.replace("What is the fee?", "What is the fee"), encoding="utf-8")
    out = StringIO()
    call_command("import_faq", str(path), "--dry-run", stdout=out)
    assert out.getvalue().splitlines()[1:] == [
        "The parser guessed in 1 places; check them before importing:",
        "  line 3: numbered line read as question 1 although it has no '?' (it is number 1 in the sequence): "
        "'What is the fee'",
    ]
    assert not Document.objects.exists()


def test_the_command_refuses_a_long_title_before_writing(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("T" * 400 + GOOD[8:], encoding="utf-8")
    with pytest.raises(CommandError, match="line 1: the title is 400 characters"):
        call_command("import_faq", str(path), "--dry-run", stdout=StringIO())


def test_the_admin_preview_shows_the_warnings_before_anything_is_written(client, editor):
    client.force_login(editor)
    text = GOOD.replace("What is the fee?", "What is the fee")
    response = client.post("/admin/faq/document/import/", {"text": text, "_preview": "1"})
    page = response.content.decode()
    assert "The parser guessed in 1 place: check before importing" in page
    assert "line 3: numbered line read as question 1 although it has no &#x27;?&#x27;" in page
    assert not Document.objects.exists()


def test_the_admin_preview_refuses_a_long_category_with_the_importers_message(client, editor):
    client.force_login(editor)
    response = client.post("/admin/faq/document/import/", {"text": "Categories " + "C" * 250 + "\n\n" + GOOD, "_preview": "1"})
    assert "pasted text: line 1: the category is 250 characters" in str(response.context["form"].non_field_errors())
    assert not Document.objects.exists()


def test_pasted_text_with_control_characters_is_refused_in_the_admin_like_a_file(client, editor):
    client.force_login(editor)
    response = client.post("/admin/faq/document/import/", {"text": GOOD.replace("ten", "t\x1fen"), "_preview": "1"})
    assert "pasted text: line 5, column 13: U+001F" in str(response.context["form"].non_field_errors())


def test_the_claim_page_shows_the_answers_links_as_leads_escaped_and_only_web_links_clickable(client, editor):
    text = (
        "# Fees\n\n## 1. Where is the schedule?\n\nIn [the <b>code</b>](https://example.org/code) "
        "and [a script](javascript:void).\n"
    )
    document = import_faq_text(text, name="links.md").document
    claim = Claim.objects.get(question__document=document)
    client.force_login(editor)
    page = client.get(f"/admin/claims/claim/{claim.pk}/change/").content.decode()
    assert '<a href="https://example.org/code" rel="noopener noreferrer" target="_blank">' in page
    assert "the &lt;b&gt;code&lt;/b&gt;" in page
    assert "a script — javascript:void" in page and 'href="javascript' not in page


def test_the_json_dry_run_carries_the_warnings_with_their_lines(tmp_path):
    import json

    path = tmp_path / "guess.txt"
    path.write_text(GOOD.replace("2. Who pays it?", "3. Who pays it?"), encoding="utf-8")
    out = StringIO()
    call_command("import_faq", str(path), "--dry-run", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["warnings"] == [
        {"line": 7, "message": "the numbering jumps from 1 to 3; read as question 2: 'Who pays it?'"}
    ]
    assert [q["number"] for q in data["questions"]] == [1, 2]
    assert not Document.objects.exists()
