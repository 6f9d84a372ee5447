"""Reads for contributions and compensations shared by pages, the admin and the flag rules."""

from django.db.models import Exists, OuterRef

from feedback.models import Compensation, CompensationAllocation


def is_compensated(contribution_ref: str = "pk") -> Exists:
    """For a contribution queryset: some cash-equivalent allocation to the contribution is > 0.

    This is DESIGN.md's "compensated": free access, credits and gifts are counted
    separately and do not make a contribution paid.
    """
    return Exists(
        CompensationAllocation.objects.filter(
            contribution=OuterRef(contribution_ref),
            amount__gt=0,
            compensation__kind__in=Compensation.CASH_EQUIVALENT_KINDS,
        )
    )
