from django.urls import path

from dengta.projects import gain_views, rules_views, views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("new/", views.project_create, name="project_create"),
    path("<int:pk>/", views.project_detail, name="project_detail"),
    path("<int:pk>/step/<slug:step>/", views.project_step, name="project_step"),
    path("<int:pk>/contract/", views.project_contract, name="project_contract"),
    path("<int:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path("milestones/<int:pk>/done/", views.milestone_done, name="milestone_done"),
    path("<int:pk>/documents/", views.document_add, name="document_add"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
    path("<int:pk>/invoices/", views.invoice_add, name="invoice_add"),
    path("<int:pk>/payments/", views.payment_add, name="payment_add"),
    path("<int:pk>/evaluation/assign/", views.evaluation_assign, name="evaluation_assign"),
    path("<int:pk>/evaluation/", views.evaluation_record, name="evaluation_record"),
    path("<int:pk>/rate/", views.project_rate, name="project_rate"),
    path("<int:pk>/pay/", views.project_pay, name="project_pay"),
    path("<int:pk>/dossier.zip", views.dossier_zip, name="dossier_zip"),
    path("<int:pk>/gain/contract/", gain_views.gain_contract, name="gain_contract"),
    path("<int:pk>/gain/statements/", gain_views.gain_statement, name="gain_statement"),
    path("gain/statements/<int:pk>/dispute/", gain_views.gain_dispute, name="gain_dispute"),
    path("gain/statements/<int:pk>/settle/", gain_views.gain_settle, name="gain_settle"),
    path("pilots/<int:pk>/ledger/", views.pilot_ledger, name="pilot_ledger"),
    path("pilots/<int:pk>/rules/", rules_views.pilot_rules, name="pilot_rules"),
    path("ledger-entries/<int:pk>/reverse/", views.ledger_entry_reverse, name="ledger_entry_reverse"),
    path("payments/", views.payment_queue, name="payment_queue"),
    path("payments/pay/", views.payment_batch_pay, name="payment_batch_pay"),
    path("payment-batches/<int:pk>.xlsx", views.payment_batch_xlsx, name="payment_batch_xlsx"),
]
