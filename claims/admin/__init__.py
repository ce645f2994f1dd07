"""The editorial desk: claims, flags, relations and citations in the Django admin.

Every change that touches a claim's status, citations, flags or relations goes
through claims.workflow, which checks permissions and rules and writes history.
A refusal raised while saving a form rolls the whole save back and shows the
form again with the refusal as its error (RefusalsAsFormErrors), never a 500.

The package is split by page: claim.py (the claim page and changelist, with
its filters, inlines, found citations, matches and page-change notices in
their own modules) and evidence.py (flags, relations and citations on their
own pages; Citation's admin lives here rather than in sources/admin.py because
it writes through claims.workflow, and the sources app knows nothing of claims).
"""

# Importing the modules registers their ModelAdmins with the admin site.
from claims.admin import claim, evidence  # noqa: F401
