"""The audit log as a spreadsheet, as its page shows it: the changes the filters select, all
pages, through the one writer (``core.xlsx``); changed values masked as on the page."""

from django.utils.translation import gettext_lazy as _

from core.exports import list_table, plain
from core.xlsx import Column


def _who(entry) -> str:
    if entry.user is None:
        return str(_("system"))
    unit = str(entry.user.unit or "")
    return f"{entry.user.display_name} {unit}".strip()


def _what(entry) -> str:
    lines = [" ".join(filter(None, (entry.action, entry.reason)))]
    for change in entry.changes:
        if change.old or change.new:
            lines.append(f"{change.label}：{change.old} → {change.new}")
        else:
            lines.append(change.label)
    return "\n".join(lines)


AUDIT_TABLE = list_table(
    _("Audit log"),
    (
        Column("when", (_("When"),), width=17, value=lambda e: plain(e.history_date)),
        Column("who", (_("Who"),), width=20, value=_who),
        Column("what", (_("What"),), width=50, value=_what),
        Column("record", (_("Record"),), width=28, value=lambda e: e.record_label),
        Column("institution", (_("Institution"),), width=24, value=lambda e: e.institution),
    ),
)
