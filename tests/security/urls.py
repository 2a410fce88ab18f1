"""Every URL pattern of the project, and how to fill its arguments with a record of a place."""

from urllib.parse import urlencode

from django.urls import URLPattern, URLResolver, get_resolver, reverse


def url_patterns():
    """``{name: route}`` of every named pattern outside the Django admin (admin is its own row)."""
    found = {}

    def walk(resolver, prefix="", namespace=""):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                name = f"{namespace}{entry.name}" if entry.name else f"{namespace}<unnamed>"
                found.setdefault(name, prefix + str(entry.pattern))

    walk(get_resolver())
    return found


def pk(builder):
    return lambda world, place: {"pk": builder(world, place).pk}


def institution_pk(world, place):
    return {"institution_pk": world.institution(place).pk}


def record(factory_name):
    return pk(lambda world, place: world.record(factory_name, place))


def for_institution(world, place):
    return {QUERY: {"institution": world.institution(place).pk}}


QUERY = "?"
# How each pattern's arguments are made (QUERY: the query string a page needs); a pattern
# without arguments needs no entry.
ARGUMENTS = {
    "screening:visit_create": for_institution,
    "screening:prepayment_create": for_institution,
    "screening:person_role_create": for_institution,
    "screening:branch_create": for_institution,
    "screening:change_create": for_institution,
    "screening:related_company_create": for_institution,
    "screening:finance_create": for_institution,
    "screening:self_check_create": for_institution,
    "screening:determination_create": for_institution,
    "institutions:detail": pk(lambda w, p: w.institution(p)),
    "institutions:update": pk(lambda w, p: w.institution(p)),
    "institutions:archive": pk(lambda w, p: w.institution(p)),
    "institutions:restore": pk(lambda w, p: w.institution(p)),
    "screening:visit_detail": pk(lambda w, p: w.visit(p)),
    "screening:visit_update": pk(lambda w, p: w.visit(p)),
    "screening:visit_submit": pk(lambda w, p: w.visit(p)),
    "screening:visit_reopen": pk(lambda w, p: w.visit(p)),
    "screening:visit_withdraw": pk(lambda w, p: w.visit(p)),
    "screening:visit_attachment": pk(lambda w, p: w.visit_attachment(p)),
    "screening:person_proposal_decide": pk(lambda w, p: w.person_proposal(p)),
    "screening:prepayment_list": pk(lambda w, p: w.institution(p)),
    "screening:prepayment_export": pk(lambda w, p: w.institution(p)),
    "screening:prepayment_update": record("PrepaymentRecordFactory"),
    "screening:prepayment_delete": record("PrepaymentRecordFactory"),
    "screening:person_role_update": record("PersonRoleFactory"),
    "screening:person_role_delete": record("PersonRoleFactory"),
    "screening:branch_update": record("BranchFactory"),
    "screening:branch_delete": record("BranchFactory"),
    "screening:change_update": record("RegistrationChangeFactory"),
    "screening:change_delete": record("RegistrationChangeFactory"),
    "screening:related_company_update": record("RelatedCompanyFactory"),
    "screening:related_company_delete": record("RelatedCompanyFactory"),
    "screening:finance_update": record("FinancialSnapshotFactory"),
    "screening:finance_delete": record("FinancialSnapshotFactory"),
    "screening:self_check_detail": record("SelfCheckFactory"),
    "screening:self_check_update": record("SelfCheckFactory"),
    "screening:self_check_delete": record("SelfCheckFactory"),
    "screening:opinion_event_detail": record("OpinionEventFactory"),
    "screening:opinion_event_update": record("OpinionEventFactory"),
    "screening:import_preview": pk(lambda w, p: w.import_batch(p)),
    "screening:import_apply": pk(lambda w, p: w.import_batch(p)),
    "screening:import_template": lambda w, p: {"kind": "lawsuits"},
    "screening:match_confirm": lambda w, p: {"kind": "lawsuit", "pk": w.pending_lawsuit(p).pk},
    "screening:match_reject": lambda w, p: {"kind": "lawsuit", "pk": w.pending_lawsuit(p).pk},
    "screening:lead_detail": pk(lambda w, p: w.lead(p)),
    "screening:lead_update": pk(lambda w, p: w.lead(p)),
    "screening:lead_advance": pk(lambda w, p: w.lead(p)),
    "screening:lead_report": pk(lambda w, p: w.lead(p)),
    "screening:lead_key": pk(lambda w, p: w.lead(p)),
    "screening:lead_groundless": pk(lambda w, p: w.lead(p)),
    "screening:candidate_verify": pk(lambda w, p: w.shared_list_entry(p)),
    "screening:complaint_detail": pk(lambda w, p: w.complaint(p)),
    "screening:determination_detail": record("DeterminationFactory"),
    "screening:determination_update": record("DeterminationFactory"),
    "screening:complaint_verify": pk(lambda w, p: w.complaint(p)),
    "screening:finding_resolve": pk(lambda w, p: w.institution(p)),
    "screening:review_flag_align": pk(lambda w, p: w.institution(p)),
    "screening:official_count_edit": lambda w, p: {"township_pk": w.townships[p].pk},
    "screening:spot_check_detail": pk(lambda w, p: w.spot_check(p)),
    "risklists:submit": pk(lambda w, p: w.assessment(p)),
    "risklists:approve": pk(lambda w, p: w.assessment(p)),
    "risklists:return": pk(lambda w, p: w.assessment(p)),
    "risklists:raise": pk(lambda w, p: w.assessment(p)),
    "risklists:lower": pk(lambda w, p: w.assessment(p)),
    "disposal:action_detail": pk(lambda w, p: w.action(p)),
    "disposal:action_update": pk(lambda w, p: w.action(p)),
    "disposal:evidence_download": pk(lambda w, p: w.evidence(p)),
    "disposal:zeroing_detail": lambda w, p: {"institution_pk": w.venue(p).pk},
    "disposal:zeroing_cross_off": lambda w, p: {"institution_pk": w.venue(p).pk},
    "disposal:refund_list": institution_pk,
    "disposal:refund_list_export": institution_pk,
    "disposal:refund_record_create": record("PrepaymentRecordFactory"),
    "disposal:refund_reverse": pk(lambda w, p: w.refund(p)),
    "disposal:resettlement_list": institution_pk,
    "disposal:resettlement_list_export": institution_pk,
    "disposal:resettlement_create": institution_pk,
    "disposal:assistance_list": institution_pk,
    "disposal:assistance_list_export": institution_pk,
    "disposal:assistance_create": institution_pk,
    "disposal:transfer_list": institution_pk,
    "disposal:transfer_list_export": institution_pk,
    "disposal:transfer_create": institution_pk,
    "disposal:institution_plan": institution_pk,
    "disposal:action_add": institution_pk,
    "disposal:case_key": institution_pk,
    "disposal:penalty_create": institution_pk,
    "disposal:penalty_detail": pk(lambda w, p: w.penalty(p)),
    "disposal:penalty_propose": pk(lambda w, p: w.penalty(p)),
    "disposal:penalty_withdraw": pk(lambda w, p: w.penalty(p)),
    "reporting:publicity_detail": pk(lambda w, p: w.publicity(p)),
    "reporting:publicity_photo": pk(lambda w, p: w.publicity_photo(p)),
    "reporting:publicity_update": pk(lambda w, p: w.publicity(p)),
    "reporting:weekly_edit": lambda w, p: {"year": w.this_week.year, "week": w.this_week.week},
    "reporting:weekly_detail": pk(lambda w, p: w.weekly_report(p)),
    "reporting:weekly_withdraw": pk(lambda w, p: w.weekly_report(p)),
    "reporting:weekly_review": lambda w, p: {"pk": w.weekly_report(p).pk, "action": "accept"},
    "reporting:county_weekly": lambda w, p: {
        "unit": w.county_of(p).pk,
        "year": w.last_week.year,
        "week": w.last_week.week,
    },
    "reporting:county_weekly_docx": lambda w, p: {
        "unit": w.county_of(p).pk,
        "year": w.last_week.year,
        "week": w.last_week.week,
    },
    "reporting:county_monthly": lambda w, p: {
        "unit": w.county_of(p).pk,
        "year": w.last_month.year,
        "month": w.last_month.month,
    },
    "reporting:county_monthly_docx": lambda w, p: {
        "unit": w.county_of(p).pk,
        "year": w.last_month.year,
        "month": w.last_month.month,
    },
    "reporting:county_report_action": lambda w, p: {
        "pk": w.county_report(p).pk,
        "action": "accept",
    },
    "reporting:publication_detail": pk(lambda w, p: w.publication_list(p)),
    "reporting:publication_action": lambda w, p: {
        "pk": w.publication_list(p).pk,
        "action": "approve",
    },
    "reporting:publication_download": lambda w, p: {
        "pk": w.publication_list(p).pk,
        "fmt": "xlsx",
    },
    "reporting:publication_csv": lambda w, p: {
        "pk": w.publication_list(p).pk,
        "section": "institutions",
        "fmt": "csv",
    },
    "reporting:completeness_county": lambda w, p: {"unit": w.county_of(p).pk},
    "reporting:run_detail": pk(lambda w, p: w.report_run(p)),
    "reporting:run_status": pk(lambda w, p: w.report_run(p)),
    "reporting:run_retry": pk(lambda w, p: w.report_run(p)),
    "reporting:run_download": pk(lambda w, p: w.report_run(p)),
    "reporting:run_file": lambda w, p: {"pk": w.report_run(p).pk, "number": 1},
    "reporting:attachment": lambda w, p: {"number": 1},
    "api:unit-detail": pk(lambda w, p: w.townships[p]),
    "api:institution-detail": pk(lambda w, p: w.institution(p)),
    "api:visit-detail": pk(lambda w, p: w.visit(p)),
    "api:visit-attachments": pk(lambda w, p: w.visit(p)),
    "api:visit-attachment": lambda w, p: {
        "pk": w.visit(p).pk,
        "attachment": w.visit_attachment(p).pk,
    },
    "api:prepayment-detail": record("PrepaymentRecordFactory"),
    "api:refund-detail": pk(lambda w, p: w.refund(p)),
    "api:zeroing-detail": pk(lambda w, p: w.venue(p)),
    "api:rating-detail": pk(lambda w, p: w.assessment(p)),
    "api:action-detail": pk(lambda w, p: w.action(p)),
    "api:lead-detail": pk(lambda w, p: w.lead(p)),
    "api:weekly-report-detail": pk(lambda w, p: w.weekly_report(p)),
    "api:run-detail": pk(lambda w, p: w.report_run(p)),
    "api:run-download": pk(lambda w, p: w.report_run(p)),
    "api:run-file": lambda w, p: {"pk": w.report_run(p).pk, "number": 1},
    "api:key_revoke": lambda w, p: {"prefix": w.api_key(p).prefix},
    "reporting:notice": pk(lambda w, p: w.institution(p)),
    "reporting:commitment": pk(lambda w, p: w.institution(p)),
}


def url_for(name, world, place):
    build = ARGUMENTS.get(name)
    kwargs = dict(build(world, place)) if build else {}
    query = kwargs.pop(QUERY, None)
    url = reverse(name, kwargs=kwargs or None)
    return f"{url}?{urlencode(query)}" if query else url
