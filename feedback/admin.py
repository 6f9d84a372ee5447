"""Admin for contributions, compensations and the allocations between them.

The database refuses allocations that add up to more than their compensation or that pay
for another enrollment's contribution, checking after every row it writes. The forms here
check the same rules first, and the admin writes allocations in an order in which every
step is allowed, so staff see form errors rather than database errors.
"""

from decimal import Decimal

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Sum, Value
from django.db.models.functions import Coalesce

from feedback.models import Compensation, CompensationAllocation, Contribution
from feedback.selectors import is_compensated
from programs.validation import not_before_opening, not_in_future

OTHER_ENROLLMENT = (
    "This contribution belongs to another enrollment; a compensation pays only for contributions of its own enrollment."
)


class ContributionForm(forms.ModelForm):
    class Meta:
        model = Contribution
        fields = ("enrollment", "kind", "title", "description", "hours_spent", "occurred_on", "requested_by_program")

    def clean(self):
        cleaned = super().clean()
        enrollment, occurred_on = cleaned.get("enrollment"), cleaned.get("occurred_on")
        if enrollment is None or occurred_on is None:
            return cleaned
        try:
            not_in_future(occurred_on, "occurred_on")
            not_before_opening(enrollment.program, occurred_on, "occurred_on")
        except ValidationError as error:
            self.add_error(None, error)
        moved = self.instance.pk is not None and enrollment.pk != self.instance.enrollment_id
        if moved and self.instance.allocations.exists():
            self.add_error(
                "enrollment",
                "Compensation is allocated to this contribution; remove those allocations before moving it.",
            )
        return cleaned


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin):
    form = ContributionForm
    list_display = (
        "title",
        "kind",
        "artist_handle",
        "program",
        "hours_spent",
        "occurred_on",
        "requested_by_program",
        "compensated",
    )
    list_filter = ("kind", "requested_by_program", "enrollment__program")
    list_select_related = ("enrollment__artist", "enrollment__program")
    search_fields = ("title", "enrollment__artist__handle")
    autocomplete_fields = ("enrollment",)
    date_hierarchy = "occurred_on"
    readonly_fields = ("created_at", "updated_at")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(is_compensated=is_compensated())

    @admin.display(description="Artist", ordering="enrollment__artist__handle")
    def artist_handle(self, obj):
        return obj.enrollment.artist.handle

    @admin.display(description="Program", ordering="enrollment__program__name")
    def program(self, obj):
        return obj.enrollment.program

    @admin.display(description="Compensated", boolean=True, ordering="is_compensated")
    def compensated(self, obj):
        return obj.is_compensated


class AllocationFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        compensation = self.instance
        kept = [form for form in self.forms if form.cleaned_data and not self._should_delete_form(form)]
        for form in kept:
            contribution = form.cleaned_data.get("contribution")
            if compensation.enrollment_id and contribution.enrollment_id != compensation.enrollment_id:
                form.add_error("contribution", OTHER_ENROLLMENT)
        total = sum((form.cleaned_data["amount"] for form in kept), Decimal(0))
        if compensation.amount is not None and total > compensation.amount:
            raise ValidationError(
                f"The allocations add up to {total}, more than the compensation's amount {compensation.amount}."
            )

    def write_reductions(self):
        """Lower or zero the allocations that shrink, before anything grows.

        The database checks the total after every row, so a valid end state reached by
        raising one allocation before lowering another would be refused on the way.
        """
        for form in self.initial_forms:
            if form.instance.pk is None:
                continue
            before = form.initial["amount"]
            after = Decimal(0) if self._should_delete_form(form) else form.cleaned_data["amount"]
            if after < before:
                CompensationAllocation.objects.filter(pk=form.instance.pk).update(amount=after)


class AllocationInline(admin.TabularInline):
    model = CompensationAllocation
    formset = AllocationFormSet
    fields = ("contribution", "amount")
    autocomplete_fields = ("contribution",)
    extra = 1


class CompensationForm(forms.ModelForm):
    class Meta:
        model = Compensation
        fields = ("enrollment", "kind", "amount", "paid_on", "note")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("paid_on") is not None:
            try:
                not_in_future(cleaned["paid_on"], "paid_on")
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


@admin.register(Compensation)
class CompensationAdmin(admin.ModelAdmin):
    form = CompensationForm
    list_display = ("enrollment", "kind", "amount", "currency", "paid_on", "allocated")
    list_filter = ("kind", "enrollment__program")
    list_select_related = ("enrollment__artist", "enrollment__program")
    search_fields = ("enrollment__artist__handle", "enrollment__program__name", "note")
    autocomplete_fields = ("enrollment",)
    readonly_fields = ("created_at",)
    fields = ("enrollment", "kind", "amount", "paid_on", "note", "created_at")
    inlines = (AllocationInline,)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(allocated_total=Coalesce(Sum("allocations__amount"), Value(Decimal(0))))
        )

    @admin.display(description="Currency", ordering="enrollment__program__currency")
    def currency(self, obj):
        return obj.enrollment.program.currency

    @admin.display(description="Allocated", ordering="allocated_total")
    def allocated(self, obj):
        return obj.allocated_total

    def save_model(self, request, obj, form, change):
        # A changed compensation is written in save_related, between its shrinking and its
        # growing allocations: the database checks the amount against them on every write.
        if not change:
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if change:
            for formset in formsets:
                if isinstance(formset, AllocationFormSet):
                    formset.write_reductions()
            super().save_model(request, form.instance, form, change)
        super().save_related(request, form, formsets, change)


class AllocationForm(forms.ModelForm):
    """One allocation on its own: checked against the compensation's other allocations."""

    class Meta:
        model = CompensationAllocation
        fields = ("compensation", "contribution", "amount")

    def clean(self):
        cleaned = super().clean()
        compensation, contribution, amount = (cleaned.get(f) for f in ("compensation", "contribution", "amount"))
        if compensation is None or contribution is None or amount is None:
            return cleaned
        if contribution.enrollment_id != compensation.enrollment_id:
            self.add_error("contribution", OTHER_ENROLLMENT)
        others = compensation.allocations.exclude(pk=self.instance.pk).aggregate(
            total=Coalesce(Sum("amount"), Value(Decimal(0)))
        )["total"]
        if others + amount > compensation.amount:
            self.add_error(
                "amount",
                f"With the other allocations ({others}) this adds up to {others + amount}, "
                f"more than the compensation's amount {compensation.amount}.",
            )
        return cleaned


@admin.register(CompensationAllocation)
class CompensationAllocationAdmin(admin.ModelAdmin):
    form = AllocationForm
    list_display = ("compensation", "contribution", "amount")
    list_select_related = ("compensation", "contribution")
    search_fields = ("contribution__title", "contribution__enrollment__artist__handle")
    autocomplete_fields = ("compensation", "contribution")
