-- Union services for members: hardship aid with its yearly budget, member protection
-- claims, welfare programmes with a yearly quota and their enrolments.
-- `township` on each record is the member's township when the record was made: the
-- township whose staff review it (NULL for members of the city federation itself).

-- The year's hardship-aid budget, set by the city.
CREATE TABLE union_aid_budgets (
    id @ID@,
    year BIGINT NOT NULL UNIQUE,
    amount_fen BIGINT NOT NULL CHECK (amount_fen >= 0),
    updated_at TEXT NOT NULL
);

-- Hardship aid applications: applied -> reviewed -> approved -> disbursed, or rejected.
CREATE TABLE union_aid_applications (
    id @ID@,
    member_id BIGINT NOT NULL REFERENCES members(id),
    township TEXT REFERENCES townships(code),
    kind TEXT NOT NULL,
    year BIGINT NOT NULL,
    festival TEXT,
    asked_fen BIGINT NOT NULL,
    reason TEXT NOT NULL,
    documents TEXT NOT NULL,
    stage TEXT NOT NULL,
    approved_fen BIGINT,
    disbursed_on TEXT,
    rejection_reason TEXT,
    applied_on TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX union_aid_member ON union_aid_applications(member_id);
CREATE INDEX union_aid_township ON union_aid_applications(township, year);
CREATE INDEX union_aid_year ON union_aid_applications(year, stage);
CREATE INDEX union_aid_disbursed ON union_aid_applications(disbursed_on);
-- At most one festival visit per member per festival per year (a rejected one does not
-- count: the member may be visited after all).
CREATE UNIQUE INDEX union_aid_one_visit ON union_aid_applications(member_id, year, festival)
    WHERE festival IS NOT NULL AND stage <> 'rejected';

-- Member protection claims: submitted -> accepted -> paid, or refused.
CREATE TABLE union_protection_claims (
    id @ID@,
    member_id BIGINT NOT NULL REFERENCES members(id),
    township TEXT REFERENCES townships(code),
    kind TEXT NOT NULL,
    event_on TEXT NOT NULL,
    claimed_fen BIGINT NOT NULL,
    stage TEXT NOT NULL,
    paid_fen BIGINT,
    paid_on TEXT,
    refusal_reason TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX union_claims_member ON union_protection_claims(member_id);
CREATE INDEX union_claims_township ON union_protection_claims(township, event_on);

-- Welfare programmes with a yearly quota. `enrolled` counts the places taken; it is only
-- ever raised by `UPDATE … WHERE enrolled < quota`, which is what keeps it within the
-- quota when many enrol at once. `level` only for the college subsidy.
CREATE TABLE union_programmes (
    id @ID@,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    level TEXT,
    year BIGINT NOT NULL,
    quota BIGINT NOT NULL CHECK (quota >= 0),
    enrolled BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (enrolled >= 0 AND enrolled <= quota)
);
CREATE INDEX union_programmes_year ON union_programmes(year, kind);

-- Enrolments: a place, a waiting turn (ordered by id, the order of asking) or withdrawn.
CREATE TABLE union_enrolments (
    id @ID@,
    programme_id BIGINT NOT NULL REFERENCES union_programmes(id),
    member_id BIGINT NOT NULL REFERENCES members(id),
    township TEXT REFERENCES townships(code),
    state TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX union_enrolments_once ON union_enrolments(programme_id, member_id)
    WHERE state <> 'withdrawn';
CREATE INDEX union_enrolments_state ON union_enrolments(programme_id, state, id);
CREATE INDEX union_enrolments_member ON union_enrolments(member_id);
