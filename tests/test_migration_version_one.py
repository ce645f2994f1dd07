"""Migration faq 0009: every document imported before versions existed gets its text as version 1."""

from migration_helpers import leaf_nodes, migrate


def test_every_document_gets_version_1_with_its_text_and_the_reverse_removes_it(transactional_db):
    latest = leaf_nodes()
    apps = migrate([("faq", "0008_versions")])
    try:
        Document = apps.get_model("faq", "Document")
        document = Document.objects.create(title="Old", slug="old", body="Old\n\n1. Q?\n\nA.", content_sha256="ab")
        apps = migrate([("faq", "0009_version_one")])
        version = apps.get_model("faq", "DocumentVersion").objects.get(document_id=document.pk)
        assert (version.number, version.body, version.content_sha256) == (1, document.body, "ab")
        apps = migrate([("faq", "0008_versions")])
        assert not apps.get_model("faq", "DocumentVersion").objects.exists()
    finally:
        migrate(latest)
