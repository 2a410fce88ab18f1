"""What a county publishes under 政务公开 (区县方案 二(三)三), read once when the list is
prepared: the filed institutions, the inspections and the administrative penalties.

Nothing personal leaves: no legal representative, principal, contact person or phone, no ID
number, no findings typed at a visit, no risk colour (a rating is an internal assessment,
docs/policy-trace.md). Unregistered venues are left out: many are run by a private person,
whose name is the venue's. A penalty's typed text is published with the names the registry
knows for its institution, ID numbers and phone numbers blotted out. Three queries whatever
the number of rows.
"""

from __future__ import annotations

import re
from datetime import date

from disposal.models import Penalty, PenaltyKind
from institutions.models import Institution, RegistrationStatus
from screening.models import ScreeningVisit
from screening.models.visits import FundUse, VisitStatus

from ..choices import InspectionConclusion

SECTIONS = ("institutions", "inspections", "penalties")

BLOT = "×××"
# 18-character ID numbers (and 15-digit old ones), mobile and landline phone numbers.
_PERSONAL_NUMBERS = re.compile(
    r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15}|1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?![0-9A-Za-z])"
)
_NAME_SEPARATORS = re.compile(r"[,，、;；/\s]+")


def _names_of(institution: Institution) -> list[str]:
    """The people the registry names for an institution, longest first."""
    names = {institution.legal_representative, institution.principal, institution.contact_person}
    names.update(_NAME_SEPARATORS.split(institution.investors or ""))
    return sorted((n.strip() for n in names if n and len(n.strip()) >= 2), key=len, reverse=True)


def blot_personal_data(text: str, names: list[str]) -> str:
    """``text`` with the given names, ID numbers and phone numbers replaced by ×××."""
    text = _PERSONAL_NUMBERS.sub(BLOT, text or "")
    for name in names:
        text = text.replace(name, BLOT)
    return text.strip()


def _filed_institutions(county_path: str):
    return (
        Institution.objects.filter(scope_path__startswith=county_path)
        .active()
        .filter(registration_status=RegistrationStatus.REGISTERED_FILED)
    )


def institution_rows(county_path: str, as_of: date) -> list[dict]:
    """依法登记备案的养老机构名单: filed by ``as_of`` (or with no filing date recorded)."""
    rows = (
        _filed_institutions(county_path)
        .exclude(filed_on__gt=as_of)
        .select_related("township")
        .order_by("township__path", "name", "pk")
    )
    return [
        {
            "name": i.name,
            "credit_code": i.credit_code,
            "address": i.actual_address or i.registered_address,
            "township": i.township.name if i.township_id else "",
            "beds": i.beds,
            "filed_on": i.filed_on.isoformat() if i.filed_on else "",
        }
        for i in rows
    ]


def found_problems(visit: ScreeningVisit) -> bool:
    """Anything the visit recorded against the institution: a risk item of the plans, or a
    "三必须" item missing. Published only as "problems found", never which."""
    return (
        visit.false_advertising
        or visit.promised_returns
        or visit.suspected_crime
        or visit.collapsed
        or visit.public_opinion
        or visit.fund_use in (FundUse.IRREGULAR, FundUse.UNKNOWN)
        or not visit.three_musts_complete
    )


def inspection_conclusion(visit: ScreeningVisit) -> str:
    if found_problems(visit):
        return InspectionConclusion.FOLLOW_UP
    return InspectionConclusion.NO_PROBLEMS


def inspection_rows(county_path: str, since: date, as_of: date) -> list[dict]:
    """行政检查: the submitted screening visits and spot checks of filed institutions in the
    period — date, institution, kind and a neutral conclusion."""
    visits = (
        ScreeningVisit.objects.filter(
            scope_path__startswith=county_path,
            status=VisitStatus.SUBMITTED,
            visited_on__gte=since,
            visited_on__lte=as_of,
            institution__registration_status=RegistrationStatus.REGISTERED_FILED,
        )
        .select_related("institution")
        .order_by("visited_on", "institution__name", "pk")
    )
    return [
        {
            "institution": v.institution.name,
            "credit_code": v.institution.credit_code,
            "date": v.visited_on.isoformat(),
            # Codes: the tables print their labels in the language of whoever downloads.
            "kind": v.round,
            "conclusion": str(inspection_conclusion(v)),
        }
        for v in visits
    ]


def penalty_rows(county_path: str, since: date, as_of: date) -> list[dict]:
    """行政处罚: administrative penalties decided against a registered institution itself (a
    penalty of a named person is personal data) in the period, not withdrawn. The record does
    not say whether the decision is final: the county checks that before approving."""
    penalties = (
        Penalty.objects.current()
        .filter(
            scope_path__startswith=county_path,
            kind=PenaltyKind.ADMINISTRATIVE,
            person_name="",
            decided_on__gte=since,
            decided_on__lte=as_of,
        )
        .exclude(institution__registration_status=RegistrationStatus.UNREGISTERED)
        .select_related("institution")
        .order_by("decided_on", "institution__name", "pk")
    )
    rows = []
    for p in penalties:
        names = _names_of(p.institution)
        rows.append(
            {
                "institution": p.institution.name,
                "credit_code": p.institution.credit_code,
                "date": p.decided_on.isoformat(),
                "authority": blot_personal_data(p.authority, names),
                "document_number": p.document_number,
                "decision": blot_personal_data(p.summary, names),
            }
        )
    return rows


def publication_rows(county_path: str, since: date, as_of: date) -> dict[str, list[dict]]:
    return {
        "institutions": institution_rows(county_path, as_of),
        "inspections": inspection_rows(county_path, since, as_of),
        "penalties": penalty_rows(county_path, since, as_of),
    }
