"""Each contribution carries the pay allocated to it, kept by the database.

`allocated_cash` (the cash-equivalent pay allocated to the contribution) and
`first_cash_paid_on` (the first day such pay, more than 0, was made; null while unpaid) were
aggregated from the allocations for every contribution of every figure, flag rule and
ledger, several times per query. Statement-level triggers with transition tables now keep
them whenever allocations are inserted, updated, deleted or truncated, or a compensation's
kind or day changes, however the write is made (ORM, bulk, raw SQL): one set-based UPDATE of
the contributions a statement touched. `feedback_contribution_pay_refresh(ids)` recomputes
any contributions on demand (a bulk load that bypassed triggers calls it with every id).

The cash-equivalent kinds are written here as they were when this ran;
tests/feedback/test_contribution_pay.py checks they still match
`Compensation.CASH_EQUIVALENT_KINDS`.
"""

from decimal import Decimal

from django.db import migrations, models

CASH_KINDS = "('cash', 'stipend')"

CREATE = f"""
CREATE FUNCTION feedback_contribution_pay_refresh(ids bigint[]) RETURNS void
LANGUAGE sql AS $$
    UPDATE feedback_contribution c
    SET allocated_cash = s.cash, first_cash_paid_on = s.first_paid
    FROM (
        SELECT k.id,
               COALESCE(SUM(a.amount) FILTER (WHERE p.kind IN {CASH_KINDS}), 0) AS cash,
               MIN(p.paid_on) FILTER (WHERE p.kind IN {CASH_KINDS} AND a.amount > 0) AS first_paid
        FROM (SELECT DISTINCT unnest(ids) AS id) k
        LEFT JOIN feedback_compensationallocation a ON a.contribution_id = k.id
        LEFT JOIN feedback_compensation p ON p.id = a.compensation_id
        GROUP BY k.id
    ) s
    WHERE c.id = s.id
      AND (c.allocated_cash, c.first_cash_paid_on) IS DISTINCT FROM (s.cash, s.first_paid)
$$;

CREATE FUNCTION feedback_allocation_pay_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM feedback_contribution_pay_refresh(ARRAY(SELECT contribution_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM feedback_contribution_pay_refresh(ARRAY(SELECT contribution_id FROM old_rows));
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM feedback_contribution_pay_refresh(
            ARRAY(SELECT contribution_id FROM new_rows UNION SELECT contribution_id FROM old_rows));
    ELSE  -- TRUNCATE: no allocation is left
        UPDATE feedback_contribution SET allocated_cash = 0, first_cash_paid_on = NULL
        WHERE allocated_cash <> 0 OR first_cash_paid_on IS NOT NULL;
    END IF;
    RETURN NULL;
END;
$$;

CREATE FUNCTION feedback_compensation_pay_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM feedback_contribution_pay_refresh(ARRAY(
        SELECT a.contribution_id FROM feedback_compensationallocation a JOIN new_rows n ON n.id = a.compensation_id
    ));
    RETURN NULL;
END;
$$;

CREATE TRIGGER feedback_allocation_pay_inserted AFTER INSERT ON feedback_compensationallocation
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION feedback_allocation_pay_changed();
CREATE TRIGGER feedback_allocation_pay_updated AFTER UPDATE ON feedback_compensationallocation
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION feedback_allocation_pay_changed();
CREATE TRIGGER feedback_allocation_pay_deleted AFTER DELETE ON feedback_compensationallocation
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION feedback_allocation_pay_changed();
CREATE TRIGGER feedback_allocation_pay_truncated AFTER TRUNCATE ON feedback_compensationallocation
    FOR EACH STATEMENT EXECUTE FUNCTION feedback_allocation_pay_changed();
CREATE TRIGGER feedback_compensation_pay_updated AFTER UPDATE ON feedback_compensation
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION feedback_compensation_pay_changed();

SELECT feedback_contribution_pay_refresh(ARRAY(SELECT DISTINCT contribution_id FROM feedback_compensationallocation));
"""

DROP = """
DROP TRIGGER IF EXISTS feedback_compensation_pay_updated ON feedback_compensation;
DROP TRIGGER IF EXISTS feedback_allocation_pay_truncated ON feedback_compensationallocation;
DROP TRIGGER IF EXISTS feedback_allocation_pay_deleted ON feedback_compensationallocation;
DROP TRIGGER IF EXISTS feedback_allocation_pay_updated ON feedback_compensationallocation;
DROP TRIGGER IF EXISTS feedback_allocation_pay_inserted ON feedback_compensationallocation;
DROP FUNCTION IF EXISTS feedback_compensation_pay_changed();
DROP FUNCTION IF EXISTS feedback_allocation_pay_changed();
DROP FUNCTION IF EXISTS feedback_contribution_pay_refresh(bigint[]);
"""


class Migration(migrations.Migration):
    dependencies = [("feedback", "0003_audit_trail")]

    operations = [
        migrations.AddField(
            model_name="contribution",
            name="allocated_cash",
            field=models.DecimalField(
                decimal_places=2, db_default=Decimal("0.00"), default=Decimal("0.00"), editable=False, max_digits=14
            ),
        ),
        migrations.AddField(
            model_name="contribution",
            name="first_cash_paid_on",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.RunSQL(CREATE, DROP),
    ]
