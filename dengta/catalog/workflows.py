"""The catalogue's workflows as tables (ARCHITECTURE.md convention 6; docs/catalogue.md).

Admission to a pool (服务商入库, DOMAIN.md 2.7): draft → submitted → under review → admitted, or returned for
information (the provider completes it and submits again) or refused, each decision with a reason; the
provider may withdraw before a decision. Where the pool asks for expert review, admission waits for at least
one expert's opinion. Guards that need the request (completeness, the pool being open) are checked by the
services before the transition runs; the table's guards see only the row.

A product's listing (DOMAIN.md 8.14): draft → pending → listed or rejected (with a reason); a listed product
is delisted with a reason (by its provider or the programme staff); a rejected or delisted product is edited
as a draft and submitted again.

A quote request: open → answered (with a price) or declined; the enterprise accepts an answer or withdraws
an open or answered request.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from dengta.catalog.models import Admission, AdmissionState, ProductState, QuoteState
from dengta.core.decisions import Decision
from dengta.core.workflows import Transition


def _expert_opinions_in(admission: Admission) -> Decision:
    if admission.pool.expert_review and not admission.opinions.exists():
        return Decision.conflict(_("该服务商库要求专家评审：至少一位专家提交评审意见后才能决定入库"))
    return Decision.allow("")


A = AdmissionState
ADMISSION_SUBMIT = Transition("submit", frozenset({A.DRAFT, A.RETURNED}), A.SUBMITTED, "admission.submitted")
ADMISSION_START_REVIEW = Transition(
    "start_review", frozenset({A.SUBMITTED}), A.UNDER_REVIEW, "admission.review_started"
)
ADMISSION_ADMIT = Transition(
    "admit", frozenset({A.UNDER_REVIEW}), A.ADMITTED, "admission.admitted", guard=_expert_opinions_in
)
ADMISSION_RETURN = Transition(
    "return", frozenset({A.SUBMITTED, A.UNDER_REVIEW}), A.RETURNED, "admission.returned"
)
ADMISSION_REFUSE = Transition(
    "refuse", frozenset({A.SUBMITTED, A.UNDER_REVIEW}), A.REFUSED, "admission.refused"
)
ADMISSION_WITHDRAW = Transition(
    "withdraw", frozenset({A.DRAFT, A.SUBMITTED, A.RETURNED}), A.WITHDRAWN, "admission.withdrawn"
)
ADMISSION_TRANSITIONS = (
    ADMISSION_SUBMIT,
    ADMISSION_START_REVIEW,
    ADMISSION_ADMIT,
    ADMISSION_RETURN,
    ADMISSION_REFUSE,
    ADMISSION_WITHDRAW,
)

P = ProductState
PRODUCT_SUBMIT = Transition(
    "submit", frozenset({P.DRAFT, P.REJECTED, P.DELISTED}), P.PENDING, "product.submitted"
)
PRODUCT_LIST = Transition("list", frozenset({P.PENDING}), P.LISTED, "product.listed")
PRODUCT_REJECT = Transition("reject", frozenset({P.PENDING}), P.REJECTED, "product.rejected")
PRODUCT_DELIST = Transition("delist", frozenset({P.LISTED}), P.DELISTED, "product.delisted")
PRODUCT_TRANSITIONS = (PRODUCT_SUBMIT, PRODUCT_LIST, PRODUCT_REJECT, PRODUCT_DELIST)
# A product can be edited in these states; a listed or pending one is fixed until it is decided or delisted.
PRODUCT_EDITABLE = frozenset({P.DRAFT, P.REJECTED, P.DELISTED})

Q = QuoteState
QUOTE_ANSWER = Transition("answer", frozenset({Q.OPEN}), Q.ANSWERED, "quote.answered")
QUOTE_DECLINE = Transition("decline", frozenset({Q.OPEN}), Q.DECLINED, "quote.declined")
QUOTE_ACCEPT = Transition("accept", frozenset({Q.ANSWERED}), Q.ACCEPTED, "quote.accepted")
QUOTE_WITHDRAW = Transition("withdraw", frozenset({Q.OPEN, Q.ANSWERED}), Q.WITHDRAWN, "quote.withdrawn")
QUOTE_TRANSITIONS = (QUOTE_ANSWER, QUOTE_DECLINE, QUOTE_ACCEPT, QUOTE_WITHDRAW)
