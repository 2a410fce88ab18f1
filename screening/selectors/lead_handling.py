"""报送线索办理情况 (区县方案: 定期向区民政局和属地政法部门报送线索办理情况): for a period, per
township, the leads received, verified, handled and fed back, split by where they came from
(上级转办, 12337, 12345, other). One query whatever the number of leads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from accounts.selectors import visible_townships

from ..models import Lead, LeadChannel

NAMED = (LeadChannel.REFERRED, LeadChannel.PLATFORM_12337, LeadChannel.HOTLINE_12345)
# The sources the report splits by, in the plan's order; every other channel is "other".
SOURCES = (
    ("referred", _("Referred by a higher authority"), (LeadChannel.REFERRED,)),
    ("12337", _("12337 platform"), (LeadChannel.PLATFORM_12337,)),
    ("12345", _("12345 hotline"), (LeadChannel.HOTLINE_12345,)),
    (
        "other",
        _("Other"),
        tuple(
            c
            for c in LeadChannel
            if c
            not in (LeadChannel.REFERRED, LeadChannel.PLATFORM_12337, LeadChannel.HOTLINE_12345)
        ),
    ),
)
# Each stage is counted by the day it was reached, within the period.
STAGES = (
    ("received", _("Received"), "received_on"),
    ("verified", _("Verified"), "verified_on"),
    ("handled", _("Handled"), "handled_on"),
    ("fed_back", _("Fed back"), "fed_back_on"),
)
KEYS = tuple(f"{source}_{stage}" for source, _s, _c in SOURCES for stage, _l, _d in STAGES)


@dataclass
class HandlingRow:
    unit_id: int
    name: str
    counts: dict[str, int] = field(default_factory=dict)

    def __getitem__(self, key):
        # Strict: templates look names up as keys first (``row.cells``).
        return self.counts[key]

    @property
    def cells(self) -> list[int]:
        """The counts in the columns' order (source by source, stage by stage)."""
        return [self[key] for key in KEYS]

    @property
    def total_received(self) -> int:
        return sum(self[f"{source}_received"] for source, _l, _c in SOURCES)


@dataclass
class LeadHandling:
    first: date
    last: date
    rows: list[HandlingRow]

    @property
    def totals(self) -> HandlingRow:
        total = HandlingRow(0, str(_("Total")))
        for key in KEYS:
            total.counts[key] = sum(row[key] for row in self.rows)
        return total


def lead_handling(user, first: date, last: date) -> LeadHandling:
    """The user's townships (and any other unit of theirs that recorded leads), each with
    its counts for the period ``first``–``last`` (both included)."""
    aggregates = {}
    for source, _label, channels in SOURCES:
        for stage, _stage_label, day in STAGES:
            aggregates[f"{source}_{stage}"] = Count(
                "pk",
                filter=Q(channel__in=channels, **{f"{day}__gte": first, f"{day}__lte": last}),
            )
    in_period = Q()
    for _stage, _label, day in STAGES:
        in_period |= Q(**{f"{day}__gte": first, f"{day}__lte": last})
    counted = {
        row["unit_id"]: row
        for row in Lead.objects.visible_to(user)
        .filter(in_period)
        .values("unit_id", "unit__name")
        .annotate(**aggregates)
        .order_by()
    }
    rows = []
    for township in visible_townships(user):
        found = counted.pop(township.pk, {})
        rows.append(HandlingRow(township.pk, township.name, {k: found.get(k, 0) for k in KEYS}))
    for unit_id, found in sorted(counted.items(), key=lambda item: item[1]["unit__name"]):
        rows.append(HandlingRow(unit_id, found["unit__name"], {k: found[k] for k in KEYS}))
    return LeadHandling(first, last, rows)
