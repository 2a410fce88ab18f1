from django.urls import path

from .views import actions, penalties, records, settings, zeroing

app_name = "disposal"

urlpatterns = [
    path("", actions.BoardView.as_view(), name="board"),
    path("actions/", actions.ActionListView.as_view(), name="action_list"),
    path(
        "actions/export/",
        actions.ActionListView.as_view(export=True),
        name="action_list_export",
    ),
    path("actions/<int:pk>/", actions.ActionDetailView.as_view(), name="action_detail"),
    path("actions/<int:pk>/edit/", actions.ActionUpdateView.as_view(), name="action_update"),
    path("evidence/<int:pk>/", actions.EvidenceDownloadView.as_view(), name="evidence_download"),
    path("zeroing/", zeroing.ZeroingLedgerView.as_view(), name="zeroing_ledger"),
    path(
        "zeroing/export/",
        zeroing.ZeroingLedgerView.as_view(export=True),
        name="zeroing_ledger_export",
    ),
    path(
        "zeroing/<int:institution_pk>/", zeroing.ZeroingDetailView.as_view(), name="zeroing_detail"
    ),
    path(
        "zeroing/<int:institution_pk>/cross-off/",
        zeroing.ZeroingCrossOffView.as_view(),
        name="zeroing_cross_off",
    ),
    path(
        "institutions/<int:institution_pk>/refunds/",
        records.RefundListView.as_view(),
        name="refund_list",
    ),
    path(
        "institutions/<int:institution_pk>/refunds/export/",
        records.RefundListView.as_view(export=True),
        name="refund_list_export",
    ),
    # A refund is paid against one prepayment record of the elder (the one refund ledger).
    path(
        "prepayments/<int:pk>/refund/",
        records.RefundCreateView.as_view(),
        name="refund_record_create",
    ),
    path(
        "refunds/<int:pk>/reverse/",
        records.RefundReverseView.as_view(),
        name="refund_reverse",
    ),
    path(
        "institutions/<int:institution_pk>/resettlement/",
        records.ResettlementListView.as_view(),
        name="resettlement_list",
    ),
    path(
        "institutions/<int:institution_pk>/resettlement/export/",
        records.ResettlementListView.as_view(export=True),
        name="resettlement_list_export",
    ),
    path(
        "institutions/<int:institution_pk>/resettlement/new/",
        records.ResettlementCreateView.as_view(),
        name="resettlement_create",
    ),
    path(
        "institutions/<int:institution_pk>/assistance/",
        records.AssistanceListView.as_view(),
        name="assistance_list",
    ),
    path(
        "institutions/<int:institution_pk>/assistance/export/",
        records.AssistanceListView.as_view(export=True),
        name="assistance_list_export",
    ),
    path(
        "institutions/<int:institution_pk>/assistance/new/",
        records.AssistanceCreateView.as_view(),
        name="assistance_create",
    ),
    path(
        "institutions/<int:institution_pk>/transfers/",
        records.TransferListView.as_view(),
        name="transfer_list",
    ),
    path(
        "institutions/<int:institution_pk>/transfers/export/",
        records.TransferListView.as_view(export=True),
        name="transfer_list_export",
    ),
    path(
        "institutions/<int:institution_pk>/transfers/new/",
        records.TransferCreateView.as_view(),
        name="transfer_create",
    ),
    path(
        "institutions/<int:institution_pk>/plan/",
        records.InstitutionPlanView.as_view(),
        name="institution_plan",
    ),
    path(
        "institutions/<int:institution_pk>/actions/add/",
        actions.ActionAddView.as_view(),
        name="action_add",
    ),
    path(
        "institutions/<int:institution_pk>/key/",
        actions.CaseKeyView.as_view(),
        name="case_key",
    ),
    path("penalties/", penalties.PenaltyListView.as_view(), name="penalty_list"),
    path("penalties/export/", penalties.PenaltyExportView.as_view(), name="penalty_export"),
    path("penalties/<int:pk>/", penalties.PenaltyDetailView.as_view(), name="penalty_detail"),
    path(
        "penalties/<int:pk>/propose/",
        penalties.PenaltyProposeView.as_view(),
        name="penalty_propose",
    ),
    path(
        "penalties/<int:pk>/withdraw/",
        penalties.PenaltyWithdrawView.as_view(),
        name="penalty_withdraw",
    ),
    path(
        "institutions/<int:institution_pk>/penalties/new/",
        penalties.PenaltyCreateView.as_view(),
        name="penalty_create",
    ),
    path("settings/deadlines/", settings.DeadlineSettingsView.as_view(), name="deadline_settings"),
]
