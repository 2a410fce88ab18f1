"""The seven kinds of import, each declared once: its columns as people write them and how
a validated row becomes a record.

Headers are the Chinese column names found in the spreadsheets the county receives (金民
工程 and market-regulation rosters, 中国裁判文书网 and 信用中国 extracts, 12337/12345
work orders); aliases are other names seen for the same column. They are data, not
interface text: a file has the same headers whatever language the user reads.

Rows already in the database (same natural key) are reported in the preview and skipped
when applied, never imported twice: the lists are pushed again and again (信息定期推送)
and a county should not have to delete last month's rows by hand. Duplicates inside one
file are errors, since one of them is a mistake.
"""

from __future__ import annotations

from ..spec import ImportSpec
from .blacklists import BlacklistImport
from .complaints import ComplaintImport
from .lawsuits import LawsuitImport
from .leads import LeadImport
from .prepayments import PrepaymentImport
from .roster import RosterImport
from .shared_lists import SharedListImport

# The registry of kinds: the declaration that imports each ImportKind.
SPECS: dict[str, ImportSpec] = {
    spec.kind: spec
    for spec in (
        RosterImport(),
        SharedListImport(),
        LawsuitImport(),
        BlacklistImport(),
        ComplaintImport(),
        LeadImport(),
        PrepaymentImport(),
    )
}
