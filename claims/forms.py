"""Admin forms for the editorial desk. They collect input; claims.workflow decides and writes."""

import json

from django import forms
from django.utils.html import format_html, format_html_join

from claims.models import FINDING_MAX_LENGTH, Claim, ClaimStatus, FlagReason
from claims.workflow import VERDICT_NEEDS, verdict_rules
from sources.models import Citation, NotACitation, parse_typed_citations


class ClaimForm(forms.ModelForm):
    """The claim change form: statement, verdict and the version the editor opened.

    The verdict fields are form fields, not the model's `status`/`rationale`:
    the admin saves them through `workflow.set_verdict`, never onto the model
    directly. Users without `claims.publish_verdict` do not get them at all.
    """

    expected_version = forms.IntegerField(
        widget=forms.HiddenInput, help_text="The claim's version when this form was opened."
    )
    verdict = forms.ChoiceField(required=False)
    verdict_finding = forms.CharField(
        label="Finding",
        required=False,
        max_length=FINDING_MAX_LENGTH,
        widget=forms.TextInput(attrs={"size": 70}),
        help_text=f"The verdict in one plain sentence (at most {FINDING_MAX_LENGTH} characters), shown to readers "
        "right under the status: what is true instead, or what the evidence shows.",
    )
    verdict_rationale = forms.CharField(
        label="Rationale",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Public text explaining the verdict: the evidence, and as of when it holds.",
    )
    confirm_publish = forms.BooleanField(
        required=False,
        label="Publish it",
        help_text="Tick to confirm: on saving, the verdict, finding and rationale appear on the public site at once.",
    )

    class Meta:
        model = Claim
        fields = ["statement"]
        widgets = {"statement": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        claim = self.instance
        if "expected_version" in self.fields:
            self.fields["expected_version"].initial = claim.version
        if "verdict" in self.fields:
            verdicts = [(s.value, s.label) for s in ClaimStatus.verdicts()]
            if claim.pk and claim.has_verdict:
                # Back to a non-verdict status is a reopen, with a reason: the Reopen button.
                self.fields["verdict"].choices = verdicts
                self.fields["verdict"].initial = claim.status
            else:
                current = ClaimStatus(claim.status).label.lower() if claim.pk else "unreviewed"
                self.fields["verdict"].choices = [("", f"— no verdict (now {current}) —")] + verdicts
            self.fields["verdict_rationale"].initial = claim.rationale
            self.fields["verdict_finding"].initial = claim.finding
            self.fields["verdict"].help_text = verdict_rules_help()

    def clean(self):
        cleaned = super().clean()
        if "verdict" not in self.fields:
            return cleaned
        verdict_fields = {"verdict", "verdict_rationale", "verdict_finding"}
        if not cleaned.get("verdict") and verdict_fields & set(self.changed_data):
            self.add_error("verdict", "choose a verdict: a finding and rationale are published together with one")
        elif self.publishes() and not cleaned.get("confirm_publish"):
            status = ClaimStatus(cleaned["verdict"]).label
            self.add_error(
                "confirm_publish",
                f"tick 'Publish it' to confirm: '{status}' will appear on the public site as soon as you save",
            )
        return cleaned

    def publishes(self) -> bool:
        """Whether saving this form would publish or change the public verdict."""
        if "verdict" not in self.fields or not self.cleaned_data.get("verdict"):
            return False
        claim, data = self.instance, self.cleaned_data
        return (
            data["verdict"] != claim.status
            or (data.get("verdict_rationale") or "").strip() != claim.rationale
            or (data.get("verdict_finding") or "").strip() != claim.finding
        )


def verdict_rules_help():
    """What each verdict needs, listed beside the verdict field; the live checklist script reads the same rules."""
    needs = {status: [sorted(group) for group in groups] for status, groups in VERDICT_NEEDS.items()}
    rules = format_html_join("", "<li><strong>{}</strong>: {}</li>", ((s.label, text) for s, text in verdict_rules()))
    return format_html(
        '<div class="verdict-rules" id="verdict-rules" data-needs="{}"><p>What each verdict needs:</p><ul>{}</ul>'
        '<p class="verdict-missing" id="verdict-missing" aria-live="polite"></p></div>',
        json.dumps(needs),
        rules,
    )


class FlagActionForm(forms.Form):
    """The intermediate page of the "flag" admin action."""

    reason = forms.ChoiceField(choices=FlagReason.choices, initial=FlagReason.CITATION_NEEDED)
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Internal: what is missing or wrong. Never shown on the public site.",
    )


class SplitForm(forms.Form):
    """Where to split a claim's quote: the text the second part starts with, or a character offset."""

    second_starts_with = forms.CharField(
        required=False,
        label="Second part starts with",
        help_text="Paste the first words of the second part, exactly as they appear in the quote.",
    )
    at = forms.IntegerField(
        required=False, min_value=1, label="or at character", help_text="0 is the quote's first character."
    )

    def __init__(self, *args, quote: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.quote = quote

    def clean(self):
        cleaned = super().clean()
        text, at = (cleaned.get("second_starts_with") or "").strip(), cleaned.get("at")
        if bool(text) == (at is not None):
            raise forms.ValidationError("give either the text the second part starts with, or a character position")
        if text:
            found = self.quote.find(text, 1)
            if found == -1:
                raise forms.ValidationError(f"{text!r} does not occur in the quote after its first character")
            if self.quote.find(text, found + 1) != -1:
                raise forms.ValidationError(f"{text!r} occurs more than once in the quote; paste more of it")
            cleaned["at"] = found
        return cleaned


class ReasonForm(forms.Form):
    """A required reason, recorded in the claim's history (reopening a verdict)."""

    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text="Recorded in the claim's history.")


class CitationForm(forms.ModelForm):
    """A citation of a claim: choose an existing source, or type its citation in any usual form.

    A typed citation ("G.S. 108A-80(a)") is only checked here; the admin saves
    it through `workflow.add_typed_citation`, which finds its source or creates
    it (for users who may add sources) and takes the typed pinpoint unless the
    pinpoint box says otherwise.
    """

    typed_citation = forms.CharField(
        required=False,
        max_length=200,
        label="or type a citation",
        help_text="'G.S. 108A-80(a)', '20 USC 1232g', 'E.O. 13768', 'U.S. Const. amend. X', 'FERPA', a case such "
        "as 'Printz v. United States, 521 U.S. 898 (1997)': finds the legal text, or adds it with its official link. "
        "Several at once ('8 U.S.C. §§ 1373 and 1644', or separated by ';') add one citation each.",
    )

    class Meta:
        model = Citation
        fields = ["claim", "source", "typed_citation", "stance", "pinpoint", "excerpt", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "source" in self.fields:
            self.fields["source"].required = False

    def clean(self):
        cleaned = super().clean()
        typed = (cleaned.get("typed_citation") or "").strip()
        source = cleaned.get("source")
        if typed:
            try:
                found = parse_typed_citations(typed)
            except NotACitation as error:
                self.add_error("typed_citation", str(error))
                return cleaned
            parsed = found[0]
            if len(found) > 1:
                listed = ", ".join(p.canonical for p in found)
                if self.instance.pk is not None:
                    self.add_error(
                        "typed_citation",
                        f"{typed!r} is {len(found)} citations ({listed}); a saved row is one citation: type one "
                        f"here, and the others in a new row",
                    )
                elif (cleaned.get("pinpoint") or "").strip():
                    self.add_error(
                        "pinpoint",
                        f"{typed!r} is {len(found)} citations ({listed}); type each pinpoint with its citation "
                        f"and leave this box empty",
                    )
            # On a saved row the source box holds the source cited so far, which a typed citation replaces.
            chose = self.instance.pk is None or "source" in self.changed_data
            if chose and source is not None and (len(found) > 1 or source.citation != parsed.canonical):
                self.add_error(
                    "typed_citation",
                    f"{typed!r} is {', '.join(p.canonical for p in found)}, but the source chosen is {source}; "
                    f"choose a source or type a citation, not both",
                )
            cleaned["typed_citation"] = typed
        elif source is None and "source" not in self.errors:
            self.add_error("source", "choose a source, or type its citation in the next box")
        return cleaned
