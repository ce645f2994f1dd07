"""The status workflow: the one module that writes `Claim.status`.

Every transition of the status workflow is one function in this package. The
admin (forms, inlines, actions, views), management commands and scripts such
as a seed loader all call these functions; nothing else writes a claim's
status. Each function

- checks who may do it with `user.has_perm(...)` (never `is_staff`, so a
  non-staff system user in the Reviewers group works the same as a person;
  which group holds which permission is defined in claims/roles.py),
- checks what the transition needs, and refuses with a `WorkflowError` whose
  message names the broken rule,
- runs in one transaction, locking the claim row (`select_for_update`) so two
  requests cannot interleave, and refuses a stale edit when given the
  `expected_version` the editor's form was opened at (`StaleEdit`),
- bumps `Claim.version` and writes a history row with the acting user and a
  change reason, so the claim's timeline says who did what and why.

Decisions beyond the basic workflow (each one also shows in a refusal message):

- A claim with a published verdict cannot be flagged, marked not checkable,
  moved to review, split or merged: a reviewer reopens it first, so a verdict
  is never dropped silently.
- Publishing a verdict, or marking a claim not checkable, resolves the claim's
  open flags (the resolution says so): the decision answers them.
- Resolving the last open flag of a flagged claim returns it to the status it
  had before it was flagged (unreviewed, not checkable or in review).
- Reopening a verdict moves the claim to in review and clears the rationale,
  reviewer and review time; the previous verdict stays in the history.
- Splitting keeps the claim's id, citations, flags and relations on the first
  part; the second part is a new, unreviewed claim. Both statements become
  their quotes (an edited statement described the whole and stays in history).
- Merging keeps the earlier claim's id; citations, flags and relations of the
  later one move to it (a citation of the same source and pinpoint, or a
  relation that would repeat or point at itself, is dropped), and the later
  claim is deleted, so a later claim that ever had a verdict is not merged.
- Citing by a typed citation ("G.S. 108A-80(a)") finds its source or creates
  it; creating one takes sources.add_source, so whoever may not add sources
  by hand cannot add them by typing a citation either. Several citations
  typed together ("8 U.S.C. §§ 1373 and 1644") cite one source each, all or
  none (`add_typed_citations`).
- Claims found in other documents (claims/matching/): evidence is carried
  to chosen matches citation by citation through `add_citation`, all or
  nothing; a verdict is applied only to a duplicate (the same text in a page
  of the same jurisdiction), never to the same wording about another state,
  and never over a different verdict (`carry_evidence`,
  `apply_duplicate_verdict`).
"""

# The package splits the workflow by domain; callers import from here: `from claims import workflow`.
from claims.workflow.base import (
    NotAllowed,
    StaleEdit,
    WorkflowError,
    can_delete_claim,
    can_publish,
    check_version,
    require,
)
from claims.workflow.citations import (
    CITATION_FIELDS,
    add_citation,
    add_typed_citation,
    add_typed_citations,
    remove_citation,
    source_for_citation,
    update_citation,
)
from claims.workflow.matches import apply_duplicate_verdict, carry_evidence, stored_matches
from claims.workflow.relations import relate, unrelate
from claims.workflow.rules import VERDICT_NEEDS, verdict_missing, verdict_problem, verdict_rules
from claims.workflow.structure import merge_claims, split_claim
from claims.workflow.transitions import (
    accept_triage_suggestion,
    delete_claim,
    edit_statement,
    flag,
    mark_not_checkable,
    reject_triage_suggestion,
    reopen,
    resolve_flag,
    set_verdict,
    start_review,
)
from claims.workflow.versions import mark_removed_from_page, reanchor_claim

__all__ = [
    "WorkflowError",
    "NotAllowed",
    "StaleEdit",
    "can_publish",
    "can_delete_claim",
    "require",
    "check_version",
    "VERDICT_NEEDS",
    "verdict_rules",
    "verdict_missing",
    "verdict_problem",
    "flag",
    "resolve_flag",
    "mark_not_checkable",
    "accept_triage_suggestion",
    "reject_triage_suggestion",
    "start_review",
    "set_verdict",
    "reopen",
    "edit_statement",
    "delete_claim",
    "add_citation",
    "source_for_citation",
    "add_typed_citation",
    "add_typed_citations",
    "CITATION_FIELDS",
    "update_citation",
    "remove_citation",
    "relate",
    "unrelate",
    "split_claim",
    "merge_claims",
    "reanchor_claim",
    "mark_removed_from_page",
    "stored_matches",
    "carry_evidence",
    "apply_duplicate_verdict",
]
