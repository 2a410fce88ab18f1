from django.urls import path

from .views import actions as views

app_name = "disposal"

urlpatterns = [
    path("", views.BoardView.as_view(), name="board"),
    path("actions/", views.ActionListView.as_view(), name="action_list"),
    path("actions/<int:pk>/", views.ActionDetailView.as_view(), name="action_detail"),
    path("actions/<int:pk>/edit/", views.ActionUpdateView.as_view(), name="action_update"),
    path("evidence/<int:pk>/", views.EvidenceDownloadView.as_view(), name="evidence_download"),
    path("zeroing/", views.ZeroingLedgerView.as_view(), name="zeroing_ledger"),
    path("zeroing/<int:institution_pk>/", views.ZeroingDetailView.as_view(), name="zeroing_detail"),
    path(
        "zeroing/<int:institution_pk>/cross-off/",
        views.ZeroingCrossOffView.as_view(),
        name="zeroing_cross_off",
    ),
    path(
        "institutions/<int:institution_pk>/refunds/",
        views.RefundListView.as_view(),
        name="refund_list",
    ),
    path(
        "institutions/<int:institution_pk>/refunds/new/",
        views.RefundPlanCreateView.as_view(),
        name="refund_create",
    ),
    path(
        "institutions/<int:institution_pk>/refunds/prefill/",
        views.RefundPrefillView.as_view(),
        name="refund_prefill",
    ),
    path(
        "refunds/<int:pk>/pay/", views.RefundRecordCreateView.as_view(), name="refund_record_create"
    ),
    path(
        "institutions/<int:institution_pk>/resettlement/",
        views.ResettlementListView.as_view(),
        name="resettlement_list",
    ),
    path(
        "institutions/<int:institution_pk>/resettlement/new/",
        views.ResettlementCreateView.as_view(),
        name="resettlement_create",
    ),
    path(
        "institutions/<int:institution_pk>/assistance/",
        views.AssistanceListView.as_view(),
        name="assistance_list",
    ),
    path(
        "institutions/<int:institution_pk>/assistance/new/",
        views.AssistanceCreateView.as_view(),
        name="assistance_create",
    ),
    path(
        "institutions/<int:institution_pk>/transfers/",
        views.TransferListView.as_view(),
        name="transfer_list",
    ),
    path(
        "institutions/<int:institution_pk>/transfers/new/",
        views.TransferCreateView.as_view(),
        name="transfer_create",
    ),
    path(
        "institutions/<int:institution_pk>/plan/",
        views.InstitutionPlanView.as_view(),
        name="institution_plan",
    ),
    path(
        "institutions/<int:institution_pk>/actions/add/",
        views.ActionAddView.as_view(),
        name="action_add",
    ),
    path(
        "institutions/<int:institution_pk>/key/",
        views.CaseKeyView.as_view(),
        name="case_key",
    ),
    path("penalties/", views.PenaltyListView.as_view(), name="penalty_list"),
    path("penalties/export/", views.PenaltyExportView.as_view(), name="penalty_export"),
    path("penalties/<int:pk>/", views.PenaltyDetailView.as_view(), name="penalty_detail"),
    path("penalties/<int:pk>/propose/", views.PenaltyProposeView.as_view(), name="penalty_propose"),
    path(
        "penalties/<int:pk>/withdraw/",
        views.PenaltyWithdrawView.as_view(),
        name="penalty_withdraw",
    ),
    path(
        "institutions/<int:institution_pk>/penalties/new/",
        views.PenaltyCreateView.as_view(),
        name="penalty_create",
    ),
    path("settings/deadlines/", views.DeadlineSettingsView.as_view(), name="deadline_settings"),
]
