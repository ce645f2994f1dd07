import json

import pytest
from django.core.management import CommandError, call_command

from claims.models import Claim
from faq.importing import ImportOptions, ImportRefused, import_faq_text
from faq.models import Document, Question

pytestmark = pytest.mark.django_db


def run_import(*args):
    from io import StringIO

    out = StringIO()
    call_command("import_faq", *args, stdout=out)
    return out.getvalue()


def test_it_imports_the_seed_with_its_questions_and_anchored_claims(seed_text, tmp_path):
    path = tmp_path / "seed.txt"
    path.write_text(seed_text, encoding="utf-8")
    output = run_import(str(path), "--jurisdiction", "NC")
    document = Document.objects.get()
    assert "Imported 'State Benefits Data Sharing With ICE in North Carolina'" in output
    assert document.category == "Federal Government"
    assert document.jurisdiction == "NC"
    assert document.questions.count() == 20
    claims = Claim.objects.select_related("question")
    assert claims.count() > 100
    assert all(c.question.answer[c.start : c.end] == c.quote == c.statement for c in claims)


def test_it_says_so_and_changes_nothing_when_the_same_text_is_imported_again(seed_text, tmp_path):
    path = tmp_path / "seed.txt"
    path.write_text(seed_text, encoding="utf-8")
    run_import(str(path))
    before = list(Claim.objects.values_list("pk", "quote", "updated_at"))
    output = run_import(str(path))
    assert "already imported with this exact text; nothing changed" in output
    assert list(Claim.objects.values_list("pk", "quote", "updated_at")) == before
    assert Document.objects.count() == 1


def test_crlf_copy_of_imported_text_counts_as_the_same_text(seed_text, tmp_path):
    (tmp_path / "a.txt").write_text(seed_text, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(seed_text.replace("\n", "\r\n").encode("utf-8"))
    run_import(str(tmp_path / "a.txt"))
    assert "nothing changed" in run_import(str(tmp_path / "b.txt"))
    assert Document.objects.count() == 1


def test_dry_run_json_prints_the_parsed_document_and_writes_nothing(seed_text, tmp_path):
    path = tmp_path / "seed.txt"
    path.write_text(seed_text, encoding="utf-8")
    data = json.loads(run_import(str(path), "--dry-run", "--json"))
    assert set(data) == {"title", "category", "warnings", "questions"}
    assert data["warnings"] == []
    assert data["title"] == "State Benefits Data Sharing With ICE in North Carolina"
    assert data["category"] == "Federal Government"
    assert [q["number"] for q in data["questions"]] == list(range(1, 21))
    first = data["questions"][0]
    assert set(first) == {"number", "question", "answer", "claims", "links"}
    assert set(first["claims"][0]) == {"quote", "start", "end", "triage_rule"}
    assert all(first["answer"][c["start"] : c["end"]] == c["quote"] for c in first["claims"])
    assert Document.objects.count() == 0 and Claim.objects.count() == 0


def test_options_override_slug_and_category(small_faq_text, tmp_path):
    path = tmp_path / "small.txt"
    path.write_text(small_faq_text, encoding="utf-8")
    run_import(str(path), "--slug", "small", "--category", "Testing", "--source-url", "https://example.org/x")
    document = Document.objects.get(slug="small")
    assert (document.category, document.source_url) == ("Testing", "https://example.org/x")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file is empty"),
        (b"  \n\n \t\n", "file is empty"),
        (b"Title\n\n1. Question?\n\nAnswer caf\xe9 here.\n", "is not UTF-8 text (byte 0xe9 at byte offset 31"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks like a binary file"),
        (b"A title\n\nJust some prose without any numbered questions.\n", "no questions found"),
        (b"x" * (2 * 1024 * 1024 + 1), "over the 2,097,152-byte limit"),
    ],
    ids=["empty", "blank", "latin-1", "binary", "no-questions", "too-large"],
)
def test_it_refuses_bad_input_naming_the_file_and_writes_nothing(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(CommandError) as excinfo:
        run_import(str(path))
    assert str(path) in str(excinfo.value)
    assert message in str(excinfo.value)
    assert Document.objects.count() == 0


def test_bad_input_exits_non_zero_from_the_command_line(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    done = subprocess.run(
        [sys.executable, "manage.py", "import_faq", str(path), "--dry-run"],
        capture_output=True,
        text=True,
        cwd=str(__import__("django.conf").conf.settings.BASE_DIR),
    )
    assert done.returncode != 0
    assert f"{path}: file is empty" in done.stderr


def test_a_missing_file_is_refused_by_name(tmp_path):
    with pytest.raises(CommandError, match="nope.txt: cannot be read"):
        run_import(str(tmp_path / "nope.txt"))


def test_a_slug_holding_different_text_gets_a_new_version_keeping_the_claim(import_text, small_faq_text):
    import_text(slug="faq")
    claim = Claim.objects.get(quote="The sky is blue.")
    import_text(small_faq_text.replace("The sky is blue.", "The sky is green."), slug="faq")
    claim.refresh_from_db()
    assert claim.quote == "The sky is green." and Claim.objects.count() == 4


def test_a_failure_half_way_leaves_nothing(monkeypatch, small_faq_text):
    import faq.importing

    def fail(claims, *, user):
        raise RuntimeError("disk full")

    monkeypatch.setattr(faq.importing, "_create_claims", fail)
    with pytest.raises(RuntimeError):
        import_faq_text(small_faq_text, name="t.txt", options=ImportOptions())
    assert (Document.objects.count(), Question.objects.count(), Claim.objects.count()) == (0, 0, 0)


def test_each_imported_claim_starts_its_history(small_document):
    claim = Claim.objects.filter(question__document=small_document).first()
    assert claim.history.count() == 1
    assert claim.history.first().history_change_reason == "imported"


def test_a_dry_run_of_already_imported_text_says_it_is_already_there(small_document, small_faq_text):
    result = import_faq_text(small_faq_text, name="t.txt", options=ImportOptions(), dry_run=True)
    assert result.message == f"'{small_document.slug}' is already imported with this exact text; nothing changed."
