"""The benchmark's data set: a large, realistic world written with set-based SQL.

At `--scale 1` it is 40 organizations, 200 programs, 50,000 artists and 99,615
enrollments, each with 10 contributions, 3 works, 2 compensations and 6 allocations
(996,150 / 298,845 / 199,230 / 597,690 rows), plus an approval decision for every decided
work, a verification decision for every verified enrollment and the access events (a grant
for every enrollment; some revocations and suspensions; a mass revocation wave in a few
programs). Other scales take that share of each, with at least a few programs.

Rows are written by `INSERT … SELECT … FROM generate_series`, one statement per table, so
the database does the work: seed_demo builds rows in Python and would take hours at this
size. Every choice comes from `u(n, salt)`, a hash of the row number, so the same scale on
the same day gives the same world (no `random()`, whose order a parallel plan could change).

The load runs with `session_replication_role = replica`, which skips every trigger: the
pghistory audit triggers (an audit row per inserted row would double the write), the
allocation guard (migration feedback/0002) and the foreign-key triggers. That is safe here
because the rows are made consistent by construction and `check()` verifies the guard's two
rules afterwards; the audit tables of the benchmark stay empty, which no door reads. The
statement-level data-version trigger is skipped too, so the sequence is bumped once at the
end, as any write would.

The world follows seed_demo's rules: nothing happens in the future or before its program
opened; an enrollment's status is what its latest access event leads to; a work's status is
its first decision's, decided after submission; an allocation pays for a contribution of its
compensation's enrollment, and the allocations of a compensation add up to its amount; it
is paid on or after the contributions it pays for. Hours are quarter hours from 0.25 to 8.
"""

import datetime as dt
from dataclasses import dataclass

FULL = {"organizations": 40, "programs": 200, "artists": 50_000, "enrollments": 99_615}
PER_ENROLLMENT = {"contributions": 10, "works": 3, "compensations": 2, "allocations": 6}
# Contributions 0-3 of an enrollment are paid by its first compensation, 4-5 by its second,
# 6-9 by none.
PAID_BY_FIRST, PAID_BY_SECOND = 4, 2

# Ordered as the foreign keys need; each name is what the progress bar shows and the table counted.
TABLES = {
    "organizations": "programs_organization",
    "programs": "programs_program",
    "artists": "artists_artist",
    "enrollments": "programs_enrollment",
    "verification decisions": "programs_verificationdecision",
    "access events": "programs_accessevent",
    "contributions": "feedback_contribution",
    "compensations": "feedback_compensation",
    "allocations": "feedback_compensationallocation",
    "works": "artists_work",
    "approval decisions": "artists_approvaldecision",
}


@dataclass(frozen=True)
class Sizes:
    """How many organizations, programs, artists and enrollments a scale gives."""

    organizations: int
    programs: int
    artists: int
    enrollments: int

    @classmethod
    def at(cls, scale: float) -> "Sizes":
        if scale <= 0:
            raise ValueError("the scale must be more than 0")
        organizations = max(2, round(FULL["organizations"] * scale))
        programs = max(4, round(FULL["programs"] * scale))
        artists = max(10, round(FULL["artists"] * scale))
        # Each artist is in at most two programs (see ENROLLMENTS).
        enrollments = min(max(10, round(FULL["enrollments"] * scale)), 2 * artists)
        return cls(organizations, programs, artists, enrollments)

    def params(self, now: dt.datetime) -> dict:
        return {
            "orgs": self.organizations,
            "programs": self.programs,
            "artists": self.artists,
            "enrollments": self.enrollments,
            "now": now,
        }


# u(n, salt): a number in [0, 1) from a hash of n, the same on every run. An inlined SQL
# function over hashint8extended, so a million calls cost little.
HELPERS = """
CREATE FUNCTION pg_temp.u(n bigint, salt bigint) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT (hashint8extended(n, salt) & 2147483647)::float8 / 2147483648 $$;
CREATE FUNCTION pg_temp.pick(choices text[], x float8) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT choices[1 + floor(x * array_length(choices, 1))::int] $$;
"""

ORGANIZATIONS = """
INSERT INTO programs_organization (id, name, slug, valuation_usd, website, is_listed, created_at)
SELECT g,
       name,
       'bench-' || lower(replace(name, ' ', '-')),
       CASE WHEN pg_temp.u(g, 1) < 0.7 THEN round((5e7 + pg_temp.u(g, 2) ^ 3 * 2e11)::numeric, 2) END,
       'https://' || lower(replace(name, ' ', '')) || '.example.com',
       true,
       %(now)s
FROM generate_series(1, %(orgs)s) g,
LATERAL (SELECT (ARRAY['Halcyon', 'Brightwater', 'Northlight', 'Vantage', 'Cobalt', 'Meridian', 'Quill',
                       'Lumen', 'Ferrous', 'Tessellate'])[1 + (g - 1) %% 10]
                || ' ' || (ARRAY['Labs', 'AI', 'Studio', 'Systems', 'Works', 'Research', 'Media', 'Dynamics',
                                 'Collective', 'Intelligence'])[1 + ((g - 1) / 10) %% 10]
                || CASE WHEN g > 100 THEN ' ' || g ELSE '' END AS name) n
"""

# Program 1 is the largest (see ENROLLMENTS). Every 50th program, from the 3rd, has a mass
# revocation wave; payment and review styles cycle with the program's number.
PROGRAMS = """
INSERT INTO programs_program (
    id, name, slug, organization_id, status, description, opened_on, closed_on, currency,
    reference_hourly_rate, payment_terms_days, approval_sla_days, responsible_use_definition,
    confidential_content_definition, promotion_required, announcement_url, is_listed, proposed_by_id,
    created_at, updated_at)
SELECT g,
       pg_temp.pick(ARRAY['Motion', 'Image', 'Voice', 'Music', 'Text', 'Sketch', 'Render', 'Story'], pg_temp.u(g, 3))
           || ' ' || pg_temp.pick(ARRAY['Preview', 'Residency', 'Beta', 'Early Access', 'Pilot'], pg_temp.u(g, 4))
           || ' ' || g,
       'bench-program-' || g,
       1 + (g - 1) %% %(orgs)s,
       status,
       'A benchmark program: testers try the model early and report what they find.',
       opened_on,
       CASE WHEN status = 'closed' THEN opened_on + 100 + floor(pg_temp.u(g, 6) * 20)::int END,
       CASE WHEN pg_temp.u(g, 7) < 0.85 THEN 'USD' WHEN pg_temp.u(g, 7) < 0.95 THEN 'EUR' ELSE 'GBP' END,
       CASE WHEN pg_temp.u(g, 8) >= 0.25 THEN (20 + floor(pg_temp.u(g, 9) * 14) * 5)::numeric(10, 2) END,
       (ARRAY[14, 30, 30, 45, 60])[1 + floor(pg_temp.u(g, 10) * 5)::int],
       (ARRAY[7, 14, 14, 21, 30])[1 + floor(pg_temp.u(g, 11) * 5)::int],
       CASE WHEN pg_temp.u(g, 12) < 0.7 THEN 'Outputs may be shown with credit to the artist.' ELSE '' END,
       CASE WHEN pg_temp.u(g, 12) < 0.6 THEN 'Unreleased model outputs and the model''s name.' ELSE '' END,
       pg_temp.u(g, 13) < 0.3,
       '',
       true,
       NULL,
       %(now)s,
       %(now)s
FROM generate_series(1, %(programs)s) g,
LATERAL (SELECT CASE WHEN g = 1 THEN 'active'
                     WHEN pg_temp.u(g, 5) < 0.08 THEN 'closed'
                     WHEN pg_temp.u(g, 5) < 0.12 THEN 'suspended'
                     ELSE 'active' END AS status,
                (%(now)s::date - 150 - floor(pg_temp.u(g, 14) * 130)::int) AS opened_on) s
"""

ARTISTS = """
INSERT INTO artists_artist (id, user_id, handle, public_name, show_public_name, disciplines, country, erased_at,
                            created_at)
SELECT g, NULL, 'tester-' || lpad(g::text, 6, '0'),
       CASE WHEN pg_temp.u(g, 20) < 0.1 THEN 'Artist ' || g ELSE '' END,
       pg_temp.u(g, 20) < 0.05,
       ARRAY[pg_temp.pick(ARRAY['video', 'illustration', 'music', 'photography', 'writing', 'animation'],
                          pg_temp.u(g, 21))]::varchar(40)[],
       pg_temp.pick(ARRAY['US', 'US', 'GB', 'FR', 'DE', 'CA', 'BR', 'JP', 'NG', 'IN', ''], pg_temp.u(g, 22)),
       NULL, %(now)s
FROM generate_series(1, %(artists)s) g
"""

# Each enrollment's plan, kept for the later steps: enrollment i is artist ((i-1) mod A) + 1;
# an artist's first program is skewed towards program 1 (u²), its second is another one.
# Access is granted in the first 60 %% of the program's life; the end of its activity is the
# day it was revoked or suspended, the program closed, or yesterday.
ENROLLMENTS = """
CREATE TEMP TABLE bench_plan AS
WITH base AS (
    SELECT i, 1 + (i - 1) %% %(artists)s AS artist, (i - 1) / %(artists)s AS round
    FROM generate_series(1, %(enrollments)s) i
), placed AS (
    SELECT i, artist,
           CASE WHEN round = 0 THEN first
                ELSE 1 + (first + floor(pg_temp.u(artist, 31) * (%(programs)s - 1))::int) %% %(programs)s END
               AS program
    FROM base, LATERAL (SELECT 1 + floor(%(programs)s * pg_temp.u(artist, 30) ^ 2)::int AS first) f
), timed AS (
    SELECT pl.i, pl.artist, pl.program, p.payment_terms_days AS terms,
           coalesce(p.reference_hourly_rate, 40) AS rate, p.opened_on,
           p.opened_on + floor(pg_temp.u(pl.i, 32) * life * 0.6)::int AS granted_on,
           life, p.id %% 50 = 3 AS wave_program, p.opened_on + floor(life * 0.8)::int AS wave_on
    FROM placed pl JOIN programs_program p ON p.id = pl.program,
    LATERAL (SELECT coalesce(p.closed_on, %(now)s::date - 1) - p.opened_on AS life) l
)
SELECT i AS id, artist, program, terms, rate, granted_on,
       CASE WHEN wave_program AND pg_temp.u(i, 33) < 0.35 THEN 'wave'
            WHEN pg_temp.u(i, 33) < 0.04 THEN 'revoked'
            WHEN pg_temp.u(i, 33) < 0.05 THEN 'suspended'
            ELSE 'active' END AS fate,
       CASE WHEN wave_program AND pg_temp.u(i, 33) < 0.35 THEN wave_on
            ELSE granted_on + 1 + floor(pg_temp.u(i, 34) * (opened_on + life - granted_on - 1))::int END
           AS changed_on,
       CASE WHEN pg_temp.u(i, 35) < 0.92 THEN 'verified' WHEN pg_temp.u(i, 35) < 0.97 THEN 'pending'
            ELSE 'unverified' END AS verification
FROM timed;
ALTER TABLE bench_plan ADD COLUMN end_on date;
UPDATE bench_plan SET end_on = CASE WHEN fate <> 'active' THEN changed_on
                                    ELSE (SELECT coalesce(closed_on, %(now)s::date - 1)
                                          FROM programs_program WHERE id = program) END;
ALTER TABLE bench_plan ADD PRIMARY KEY (id);
ANALYZE bench_plan;
INSERT INTO programs_enrollment (id, program_id, artist_id, granted_on, status, verification, verification_reason,
                                 verified_by_id, verification_decided_at, created_at)
SELECT id, program, artist, granted_on,
       CASE fate WHEN 'wave' THEN 'revoked' WHEN 'revoked' THEN 'revoked' WHEN 'suspended' THEN 'suspended'
                 ELSE 'active' END,
       verification, '', NULL,
       CASE WHEN verification = 'verified'
            THEN least(granted_on + 2 + floor(pg_temp.u(id, 36) * 6)::int, %(now)s::date - 1) + time '15:00' END,
       granted_on::timestamp AT TIME ZONE 'UTC'
FROM bench_plan
"""

VERIFICATION_DECISIONS = """
INSERT INTO programs_verificationdecision (enrollment_id, decision, reason, reviewer_id, decided_at)
SELECT id, 'verified', '', NULL, verification_decided_at FROM programs_enrollment WHERE verification = 'verified'
ORDER BY id
"""

# A grant for every enrollment, then its revocation (with a reason from time to time; never
# in a wave) or suspension.
ACCESS_EVENTS = """
INSERT INTO programs_accessevent (enrollment_id, kind, occurred_at, actor, reason, notice_days, recorded_by_id,
                                  created_at)
SELECT id, kind, occurred_at, 'program', reason, notice_days, NULL, %(now)s
FROM (
    SELECT id, 'granted' AS kind, granted_on + time '10:00' AS occurred_at, '' AS reason, NULL::int AS notice_days
    FROM bench_plan
    UNION ALL
    SELECT id, CASE fate WHEN 'suspended' THEN 'suspended' ELSE 'revoked' END,
           changed_on + time '09:00' + make_interval(mins => floor(pg_temp.u(id, 40) * 480)::int),
           CASE WHEN fate <> 'wave' AND pg_temp.u(id, 41) < 0.6 THEN 'Program capacity was reduced.' ELSE '' END,
           CASE WHEN fate <> 'wave' AND pg_temp.u(id, 42) < 0.5 THEN floor(pg_temp.u(id, 43) * 14)::int END
    FROM bench_plan WHERE fate <> 'active'
) events
ORDER BY id, occurred_at
"""

# Ten per enrollment, in order over its active days, so the paid ones (0-5) are the oldest.
CONTRIBUTIONS = """
INSERT INTO feedback_contribution (id, enrollment_id, kind, title, description, hours_spent, occurred_on,
                                   requested_by_program, created_at, updated_at)
SELECT (e.id - 1) * 10 + k + 1, e.id, kind,
       initcap(replace(kind, '_', ' ')) || ' ' || (k + 1), '',
       (1 + floor(pg_temp.u((e.id - 1) * 10 + k, 51) * 32)) * 0.25,
       e.granted_on + floor((k + pg_temp.u((e.id - 1) * 10 + k, 52)) / 10 * (e.end_on - e.granted_on))::int,
       kind IN ('promotion', 'showcase_event', 'interview') AND pg_temp.u((e.id - 1) * 10 + k, 53) < 0.6
           OR kind = 'feedback_session' AND pg_temp.u((e.id - 1) * 10 + k, 53) < 0.3,
       %(now)s, %(now)s
FROM bench_plan e CROSS JOIN generate_series(0, 9) k,
LATERAL (SELECT pg_temp.pick(ARRAY['feedback_session', 'feedback_session', 'feedback_session', 'feedback_session',
                                   'bug_report', 'bug_report', 'bug_report', 'survey', 'survey', 'exploration',
                                   'exploration', 'promotion', 'promotion', 'showcase_event', 'interview', 'other'],
                             pg_temp.u((e.id - 1) * 10 + k, 50)) AS kind) c
ORDER BY 1
"""

# Two per enrollment, each worth the hours it pays for at the program's rate, paid some days
# after the last of them (late past the terms now and then). What they are paid in follows
# the program's style: cash, a stipend, or credits and free access that pay nothing in cash.
COMPENSATIONS = f"""
INSERT INTO feedback_compensation (id, enrollment_id, kind, amount, paid_on, note, created_at)
SELECT (e.id - 1) * 2 + second::int + 1, e.id,
       CASE e.program %% 5
           WHEN 0 THEN 'cash'
           WHEN 1 THEN CASE WHEN second THEN 'cash' ELSE 'stipend' END
           WHEN 2 THEN CASE WHEN second THEN 'credits' ELSE 'cash' END
           WHEN 3 THEN CASE WHEN second THEN 'free_access' ELSE 'credits' END
           ELSE CASE WHEN second THEN 'cash' ELSE 'gift' END END,
       sum(round(c.hours_spent * e.rate, 2)),
       least(max(c.occurred_on) + floor(pg_temp.u((e.id - 1) * 2 + second::int, 60) * e.terms * 1.5)::int,
             %(now)s::date - 1),
       '', %(now)s
FROM bench_plan e
JOIN feedback_contribution c ON c.id BETWEEN (e.id - 1) * 10 + 1 AND (e.id - 1) * 10 + {PAID_BY_FIRST + PAID_BY_SECOND},
LATERAL (SELECT c.id > (e.id - 1) * 10 + {PAID_BY_FIRST} AS second) s
GROUP BY e.id, second
ORDER BY 1
"""

ALLOCATIONS = f"""
INSERT INTO feedback_compensationallocation (id, compensation_id, contribution_id, amount)
SELECT (e.id - 1) * 6 + k + 1, (e.id - 1) * 2 + (k >= {PAID_BY_FIRST})::int + 1, (e.id - 1) * 10 + k + 1,
       round(c.hours_spent * e.rate, 2)
FROM bench_plan e CROSS JOIN generate_series(0, {PAID_BY_FIRST + PAID_BY_SECOND - 1}) k
JOIN feedback_contribution c ON c.id = (e.id - 1) * 10 + k + 1
ORDER BY 1
"""

# Three per enrollment over its active days. Review styles cycle with the program: quick
# (2-10 days, most decided), slow (10-60 days), and one that leaves most works pending. A
# decision that would fall after yesterday has not been made yet.
WORKS = """
CREATE TEMP TABLE bench_works AS
SELECT (e.id - 1) * 3 + w + 1 AS id, e.id AS enrollment, e.program, submitted_at,
       CASE WHEN pg_temp.u(n, 71) < decided_share AND submitted_at + latency < %(now)s - interval '1 day'
            THEN submitted_at + latency END AS decided_at,
       pg_temp.pick(ARRAY['approved', 'approved', 'approved', 'approved', 'approved', 'rejected', 'rejected',
                          'changes_requested', 'changes_requested', 'showcased', 'showcased', 'withdrawn'],
                    pg_temp.u(n, 72)) AS outcome
FROM bench_plan e CROSS JOIN generate_series(0, 2) w,
LATERAL (SELECT (e.id - 1) * 3 + w AS n) nn,
LATERAL (SELECT e.granted_on + time '12:00'
                + make_interval(days => floor((w + pg_temp.u(n, 70)) / 3 * (e.end_on - e.granted_on))::int)
                AS submitted_at,
                CASE e.program %% 3 WHEN 0 THEN 0.95 WHEN 1 THEN 0.75 ELSE 0.3 END AS decided_share,
                make_interval(days => CASE e.program %% 3 WHEN 0 THEN 2 + floor(pg_temp.u(n, 73) * 9)::int
                                                          ELSE 10 + floor(pg_temp.u(n, 73) * 51)::int END,
                              hours => 3) AS latency) t;
INSERT INTO artists_work (id, enrollment_id, title, medium, description, submitted_at, status, first_decided_at,
                          created_at)
SELECT w.id, w.enrollment, 'Work ' || w.id,
       pg_temp.pick(ARRAY['video', 'video', 'image', 'image', 'audio', 'text', 'mixed', 'other'],
                    pg_temp.u(w.program, 74)),
       '', w.submitted_at AT TIME ZONE 'UTC',
       CASE WHEN w.decided_at IS NULL THEN 'pending' ELSE w.outcome END,
       w.decided_at AT TIME ZONE 'UTC', %(now)s
FROM bench_works w
ORDER BY 1
"""

APPROVAL_DECISIONS = """
INSERT INTO artists_approvaldecision (id, work_id, outcome, decided_at, reason, created_at)
SELECT id, id, outcome, decided_at AT TIME ZONE 'UTC',
       CASE WHEN outcome = 'rejected' AND pg_temp.u(id, 75) < 0.5 THEN 'Does not fit the showcase.' ELSE '' END,
       %(now)s
FROM bench_works WHERE decided_at IS NOT NULL
ORDER BY 1
"""

STEPS = {
    "organizations": ORGANIZATIONS,
    "programs": PROGRAMS,
    "artists": ARTISTS,
    "enrollments": ENROLLMENTS,
    "verification decisions": VERIFICATION_DECISIONS,
    "access events": ACCESS_EVENTS,
    "contributions": CONTRIBUTIONS,
    "compensations": COMPENSATIONS,
    "allocations": ALLOCATIONS,
    "works": WORKS,
    "approval decisions": APPROVAL_DECISIONS,
}

# The allocation guard's two rules (migration feedback/0002), checked for every compensation at once.
BROKEN_ALLOCATIONS = """
SELECT count(*) FROM (
    SELECT c.id FROM feedback_compensation c JOIN feedback_compensationallocation a ON a.compensation_id = c.id
    JOIN feedback_contribution k ON k.id = a.contribution_id
    GROUP BY c.id, c.amount
    HAVING sum(a.amount) > c.amount OR bool_or(k.enrollment_id <> c.enrollment_id)
) broken
"""


def statements(sql: str) -> list[str]:
    """The statements of a step, split on the `;` that end lines (none of them has one inside)."""
    return [part.strip() for part in sql.split(";\n") if part.strip()]


def load(conn, sizes: Sizes, now: dt.datetime, progress=None) -> dict[str, int]:
    """Write the world into the (empty, migrated) database of `conn`, an autocommit psycopg
    connection, in one transaction; `progress()` is called after each table. Returns the rows
    per table."""
    params = sizes.params(now)
    with conn.transaction():
        conn.execute("SET LOCAL session_replication_role = replica")
        conn.execute("SET LOCAL TIME ZONE 'UTC'")
        for sql in statements(HELPERS):
            conn.execute(sql)
        for name, sql in STEPS.items():
            for statement in statements(sql):
                conn.execute(statement, params if "%(" in statement else None)
            if progress:
                progress(name)
        broken = conn.execute(BROKEN_ALLOCATIONS).fetchone()[0]
        if broken:
            raise RuntimeError(f"{broken} compensations break the allocation guard's rules")
        for table in TABLES.values():
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        # The triggers were off: what they keep is computed once for the whole load: the pay
        # each contribution carries (feedback/0004), every program's version (tracker/0007)
        # and one bump of the data version.
        conn.execute("SET LOCAL session_replication_role = origin")
        conn.execute(
            "SELECT feedback_contribution_pay_refresh(ARRAY(SELECT DISTINCT contribution_id"
            " FROM feedback_compensationallocation))"
        )
        conn.execute("SELECT tracker_programs_changed(ARRAY(SELECT id FROM programs_program), true)")
        conn.execute("SELECT nextval('tracker_data_version')")
    for table in TABLES.values():
        conn.execute(f"ANALYZE {table}")
    return {name: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for name, table in TABLES.items()}
