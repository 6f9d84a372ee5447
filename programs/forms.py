"""Forms of the program pages under /me/: adding a program to the ledger, recording an
access change, proposing a missing program, attaching evidence for verification; and the
"one of your programs" field that the other apps' ledger forms share. They parse input;
programs.services decides what is allowed."""

from django import forms

from config.forms import UTC_HELP, DateInput, UTCDateTimeField, now_to_the_minute
from programs.evidence import ACCEPT
from programs.models import AccessEvent, Enrollment
from programs.selectors import enrollments_of, joinable_programs


def program_label(program) -> str:
    label = f"{program.name} ({program.organization.name})"
    if not program.is_listed:
        label += " — your proposal, waiting for staff"
    return label


class EnrollmentChoiceField(forms.ModelChoiceField):
    """One of the artist's programs; the value is the enrollment id."""

    def label_from_instance(self, enrollment: Enrollment) -> str:
        return program_label(enrollment.program)


def enrollment_field(artist, **kwargs) -> EnrollmentChoiceField:
    return EnrollmentChoiceField(
        queryset=enrollments_of(artist).order_by("program__name", "id"),
        label="Program",
        error_messages={"invalid_choice": "Choose one of the programs in your ledger."},
        **kwargs,
    )


def initial_enrollment(request, artist) -> dict:
    """Initial form data: `?enrollment=<id>` preselects one of the artist's programs."""
    pk = request.GET.get("enrollment", "")
    if pk.isdigit() and enrollments_of(artist).filter(pk=pk).exists():
        return {"enrollment": int(pk)}
    return {}


class JoinProgramForm(forms.Form):
    program = forms.ModelChoiceField(
        queryset=None,
        empty_label="Choose a program…",
        error_messages={"invalid_choice": "Choose one of the programs in the list."},
    )
    granted_on = forms.DateField(
        label="Access granted on",
        widget=DateInput(),
        help_text="The day you got tester access. If you only remember the month, give its first day.",
    )

    def __init__(self, *args, artist, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = joinable_programs(artist)
        self.fields["program"].label_from_instance = program_label


class AccessChangeForm(forms.Form):
    KINDS = [
        (AccessEvent.Kind.SUSPENDED, "Suspended — access paused"),
        (AccessEvent.Kind.REINSTATED, "Reinstated — access given back"),
        (AccessEvent.Kind.REVOKED, "Revoked — access taken away"),
    ]

    kind = forms.ChoiceField(label="What happened", choices=KINDS)
    occurred_at = UTCDateTimeField(
        label="When", help_text=f"The date and time the change took effect. {UTC_HELP}", initial=now_to_the_minute
    )
    reason = forms.CharField(
        label="Reason the program stated",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Leave blank if the program gave no reason: it is recorded as “no reason was given”, "
        "which the tracker counts.",
    )
    notice_days = forms.IntegerField(
        label="Notice given, in days",
        required=False,
        min_value=0,
        help_text="How many days before the change you were told; 0 for no notice. Leave blank if you do not know.",
    )


class ProposeProgramForm(forms.Form):
    name = forms.CharField(max_length=200, label="Program name", help_text="As the company calls it.")
    organization_name = forms.CharField(max_length=200, label="Company", help_text="The company that runs it.")
    opened_on = forms.DateField(
        label="Opened on",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The first day testers had access.",
    )
    closed_on = forms.DateField(
        required=False,
        label="Closed on",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave blank if it is still running.",
    )
    announcement_url = forms.URLField(
        required=False,
        max_length=200,
        assume_scheme="https",
        label="Where it was announced",
        help_text="A link to the announcement, a blog post or a press article.",
    )
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the program gives testers and asks of them. Shown publicly once staff list it.",
    )


class EvidenceForm(forms.Form):
    """The checks on the note and the file (type by content, size) are attach_evidence's."""

    note = forms.CharField(
        label="What this shows",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example “The invitation email of 12 March, sent to my address” or “My tester badge "
        "in the program's Discord”. Say where a reviewer can check it if there is no file.",
    )
    file = forms.FileField(
        required=False,
        label="File",
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
        help_text="A PDF, PNG or JPEG, a plain text file, or the email itself saved as .eml; at most 5 MB.",
    )
