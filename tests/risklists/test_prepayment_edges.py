"""The prepayments' roll-up at its edges (make mutation, scripts/mutation.py): each kind of
payment is measured against its own monthly fee and months (a deposit against the bed fee, a
prepaid fee against the service fee), a promised return makes a payment large and nothing
else does, a fee at its limit to the cent is not above it, money fully refunded leaves no
payer, institutions rated together keep their own figures, and the large payers are named one
by one.

Every test runs twice: as the institution's page reads its figures (one institution, one
statement compiled once for the day and kept, ``core.db.fetch_shaped``) and as a list or the
nightly rating reads them (with another institution, a statement per figure built at each
call). Both must show the same figures. The second is also the one make mutation sees:
mutmut's workers inherit the kept statement from its first, clean run, so a change to the
roll-up is only built again on the list's path."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from risklists.engine import Thresholds
from risklists.figures import derived_figures
from screening.models import PrepaymentKind, PrepaymentRecord
from tests.factories import InstitutionFactory

from .factories import invest, pay

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)


@pytest.fixture(params=["page", "list"])
def figures_of(request, township):
    """The figures of the institutions asked for; one alone is read as its page reads it, or
    with another institution (no records) as a list reads it."""

    def figures_of(*institutions, **options):
        ids = [institution.pk for institution in institutions]
        if request.param == "list" and len(ids) == 1:
            ids.append(InstitutionFactory(township=township).pk)
        return derived_figures(ids, thresholds=Thresholds(), today=TODAY, **options)

    return figures_of


def test_a_prepaid_fee_is_measured_against_its_own_monthly_fee_not_the_deposits(
    township, figures_of
):
    """8 months of a 1,000-yuan fee is large (more than 6 months); the same elder's deposit
    of one month's 5,000-yuan bed fee is not, and does not make the fee look like 1.6 months."""
    institution = InstitutionFactory(township=township)
    pay(institution, "李爷爷", PrepaymentKind.MEMBERSHIP, "8000", monthly_fee="1000")
    pay(institution, "李爷爷", PrepaymentKind.DEPOSIT, "5000", monthly_fee="5000")

    figures = figures_of(institution)[institution.pk]

    assert figures.large_prepayment_total == Decimal("8000")
    assert figures.large_prepayment_payers == 1
    assert figures.max_prepaid_months == 8
    assert figures.max_deposit_ratio == Decimal("1.00")
    assert figures.prepayment_total == Decimal("13000")


def test_a_deposit_is_measured_against_its_own_bed_fee_not_the_prepaid_fees(township, figures_of):
    """A 5,000-yuan deposit on a 100-yuan bed fee is 50 months (large, more than 12); the
    elder's one month of a 3,000-yuan service fee does not dilute it."""
    institution = InstitutionFactory(township=township)
    pay(institution, "赵奶奶", PrepaymentKind.DEPOSIT, "5000", monthly_fee="100")
    pay(institution, "赵奶奶", PrepaymentKind.TOP_UP, "3000", monthly_fee="3000")

    figures = figures_of(institution)[institution.pk]

    assert figures.large_prepayment_total == Decimal("5000")
    assert figures.max_deposit_ratio == Decimal("50.00")
    assert figures.max_prepaid_months == 1


def test_the_months_a_fee_covers_are_the_fees_own_not_a_deposits(township, figures_of):
    institution = InstitutionFactory(township=township)
    pay(institution, "钱爷爷", PrepaymentKind.PREPAID_BED_FEE, "2000", months_covered=4)
    pay(institution, "钱爷爷", PrepaymentKind.DEPOSIT, "2000", months_covered=24)

    assert figures_of(institution)[institution.pk].max_prepaid_months == 4


def test_a_promised_return_makes_a_small_fee_or_deposit_large_and_nothing_else_does(
    township, figures_of
):
    """承诺回报 makes a payment large whatever its months: one month's membership fee and a
    deposit of two months' bed fee with a promised return are; the same deposit without one is
    not (it is under twelve months)."""
    promised = InstitutionFactory(township=township)
    pay(promised, "陈爷爷", PrepaymentKind.MEMBERSHIP, "1000", monthly_fee="1000", promised=True)
    pay(promised, "陈奶奶", PrepaymentKind.DEPOSIT, "2000", monthly_fee="1000", promised=True)
    plain = InstitutionFactory(township=township)
    pay(plain, "林爷爷", PrepaymentKind.DEPOSIT, "2000", monthly_fee="1000")

    with_promise = figures_of(promised)[promised.pk]
    without = figures_of(plain)[plain.pk]

    assert (with_promise.large_prepayment_total, with_promise.large_prepayment_payers) == (
        Decimal("3000"),
        2,
    )
    assert (without.large_prepayment_total, without.large_prepayment_payers) == (Decimal("0"), 0)
    assert without.prepayment_total == Decimal("2000")


def test_a_fee_and_a_deposit_at_their_limits_to_the_cent_are_not_large(township, figures_of):
    """Six months of a 1,000.30-yuan fee (6,001.80) and a deposit of twelve months of a
    1,000.30-yuan bed fee (12,003.60) are at the limits, not above them. Multiplied in floating
    point, 6 × 1,000.30 is 6,001.7999…, a hair under the fee; the comparison must not make
    that a large prepayment (SQLite's arithmetic is floating point, PostgreSQL's is exact when
    given exact numbers)."""
    institution = InstitutionFactory(township=township)
    pay(institution, "何爷爷", PrepaymentKind.MEMBERSHIP, "6001.80", monthly_fee="1000.30")
    pay(institution, "何奶奶", PrepaymentKind.DEPOSIT, "12003.60", monthly_fee="1000.30")

    figures = figures_of(institution)[institution.pk]

    assert (figures.large_prepayment_total, figures.large_prepayment_payers) == (Decimal("0"), 0)
    assert figures.large_payer_keys == []
    assert figures.max_prepaid_months == 6
    assert figures.max_deposit_ratio == Decimal("12.00")
    assert figures.prepayment_total == Decimal("18005.40")


def test_money_refunded_in_full_leaves_no_payer_and_nothing_outstanding(township, figures_of):
    institution = InstitutionFactory(township=township)
    invest(institution, payer="孙奶奶", amount="80000")
    pay(institution, "孙奶奶", PrepaymentKind.OTHER, "500", refunded_amount="500")
    refunded = InstitutionFactory(township=township)
    pay(refunded, "周爷爷", PrepaymentKind.MEMBERSHIP, "3000", refunded_amount="3000")

    figures = figures_of(institution, refunded)

    assert figures[institution.pk].prepayment_total == Decimal("80000")
    assert figures[institution.pk].prepayment_payers == 1
    assert figures[refunded.pk].prepayment_total == Decimal("0")
    assert figures[refunded.pk].prepayment_payers == 0
    assert figures[refunded.pk].large_prepayment_payers == 0
    assert figures[refunded.pk].max_prepaid_months is None


def test_institutions_rated_together_keep_their_own_money_also_past_one_not_asked_for(
    township, figures_of
):
    """The roll-up may also read an institution between those asked for (the filter names a
    range of ids); its row is passed over and the next institution still gets its figures."""
    first = InstitutionFactory(township=township)
    between = InstitutionFactory(township=township)
    last = InstitutionFactory(township=township)
    invest(first, payer="甲", amount="10000")
    invest(between, payer="乙", amount="20000")
    invest(last, payer="丙", amount="30000")
    pay(last, "丁", PrepaymentKind.INVESTMENT, "5000")

    figures = figures_of(first, last)

    assert set(figures) == {first.pk, last.pk}
    assert figures[first.pk].large_prepayment_total == Decimal("10000")
    assert (figures[last.pk].large_prepayment_total, figures[last.pk].prepayment_payers) == (
        Decimal("35000"),
        2,
    )


def test_the_large_payers_are_named_one_by_one(township, figures_of):
    institution = InstitutionFactory(township=township)
    a = invest(institution, payer="吴奶奶", amount="60000")
    b = invest(institution, payer="郑爷爷", amount="70000")
    pay(institution, "冯奶奶", PrepaymentKind.MEMBERSHIP, "100", monthly_fee="1000")

    keys = figures_of(institution)[institution.pk].large_payer_keys

    assert keys == sorted([a.payer_key, b.payer_key])


def test_the_figures_at_a_cut_off_are_the_prepayments_as_they_stood_then(township, figures_of):
    """A pack's cut-off (附件2's large prepayments, ``prepayments_at``) reads what was entered
    by then, at the amounts then: an investment corrected from 60,000 to 90,000 and a second
    one of 70,000, both entered after the cut-off, are not that week's; today's figures have
    both. For one institution too (a county with one venue reads it as a page does)."""
    institution = InstitutionFactory(township=township)
    corrected = invest(institution, payer="褚奶奶", amount="60000")
    an_hour_ago = timezone.now() - timedelta(hours=1)
    PrepaymentRecord.objects.filter(pk=corrected.pk).update(created_at=an_hour_ago)
    corrected.history.update(history_date=an_hour_ago)
    cutoff = an_hour_ago + timedelta(minutes=30)
    corrected.refresh_from_db()
    corrected.amount = Decimal("90000")
    corrected.save()
    invest(institution, payer="卫爷爷", amount="70000")

    then = figures_of(institution, prepayments_at=cutoff)[institution.pk]
    now = figures_of(institution)[institution.pk]

    assert (then.large_prepayment_total, then.large_prepayment_payers) == (Decimal("60000"), 1)
    assert (then.prepayment_total, then.prepayment_payers) == (Decimal("60000"), 1)
    assert (now.large_prepayment_total, now.large_prepayment_payers) == (Decimal("160000"), 2)
