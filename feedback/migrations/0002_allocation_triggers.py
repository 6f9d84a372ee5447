"""Database guards for compensation allocations that a CHECK constraint cannot express.

- The allocations of a compensation never add up to more than its amount.
- An allocation pays only for a contribution of the compensation's own enrollment.

Both raise check_violation (SQLSTATE 23514), which Django surfaces as IntegrityError.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION feedback_allocation_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    comp_id bigint;
    allocated numeric;
    available numeric;
BEGIN
    IF TG_TABLE_NAME = 'feedback_compensation' THEN
        comp_id := NEW.id;
    ELSE
        comp_id := NEW.compensation_id;
        IF NOT EXISTS (
            SELECT 1
            FROM feedback_compensation c
            JOIN feedback_contribution k ON k.id = NEW.contribution_id
            WHERE c.id = comp_id AND c.enrollment_id = k.enrollment_id
        ) THEN
            RAISE EXCEPTION 'allocation % pays for contribution % of another enrollment',
                NEW.id, NEW.contribution_id USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    SELECT COALESCE(SUM(a.amount), 0) INTO allocated
        FROM feedback_compensationallocation a WHERE a.compensation_id = comp_id;
    SELECT c.amount INTO available FROM feedback_compensation c WHERE c.id = comp_id;
    IF allocated > available THEN
        RAISE EXCEPTION 'allocations of compensation % total %, more than its amount %',
            comp_id, allocated, available USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$;

CREATE FUNCTION feedback_contribution_move_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.enrollment_id <> OLD.enrollment_id
       AND EXISTS (SELECT 1 FROM feedback_compensationallocation a WHERE a.contribution_id = NEW.id) THEN
        RAISE EXCEPTION 'contribution % has allocations and cannot move to another enrollment', NEW.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER feedback_allocation_guard
    AFTER INSERT OR UPDATE ON feedback_compensationallocation
    FOR EACH ROW EXECUTE FUNCTION feedback_allocation_guard();
CREATE TRIGGER feedback_compensation_amount_guard
    AFTER UPDATE OF amount ON feedback_compensation
    FOR EACH ROW EXECUTE FUNCTION feedback_allocation_guard();
CREATE TRIGGER feedback_contribution_move_guard
    AFTER UPDATE OF enrollment_id ON feedback_contribution
    FOR EACH ROW EXECUTE FUNCTION feedback_contribution_move_guard();
"""

DROP = """
DROP TRIGGER IF EXISTS feedback_contribution_move_guard ON feedback_contribution;
DROP TRIGGER IF EXISTS feedback_compensation_amount_guard ON feedback_compensation;
DROP TRIGGER IF EXISTS feedback_allocation_guard ON feedback_compensationallocation;
DROP FUNCTION IF EXISTS feedback_contribution_move_guard();
DROP FUNCTION IF EXISTS feedback_allocation_guard();
"""


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
