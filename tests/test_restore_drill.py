"""`manage.py restore_drill`: pg_dump/pg_restore or SQLite's online backup, restored and compared page by page."""

import io

import pytest
from django.core.management import call_command
from workflow_helpers import claims_of

from claims import roles, workflow
from sources.models import Source

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump sees only committed data


def test_a_backup_restores_every_public_page_byte_for_byte(small_document, tmp_path):
    from django.contrib.auth.models import User

    reviewer = User.objects.create_user("rita", is_staff=True)
    roles.add_to_group(reviewer, roles.REVIEWERS)
    reviewer = User.objects.get(pk=reviewer.pk)
    claim = claims_of(small_document)[0]
    workflow.add_citation(claim, user=reviewer, source=Source.objects.create(title="FERPA"), stance="supports")
    workflow.set_verdict(claim, user=reviewer, status="supported", finding="It holds.", rationale="Yes.")

    out = io.StringIO()
    call_command("restore_drill", backup_file=str(tmp_path / "backup"), stdout=out)
    assert "public pages are byte for byte the same" in out.getvalue()
    assert (tmp_path / "backup").stat().st_size > 10_000
