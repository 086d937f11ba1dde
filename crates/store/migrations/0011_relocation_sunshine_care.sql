-- Sunshine verification closed (阳光核定) and care (群众关怀).

-- What was posted, frozen at posting time: the members (name, resident ID, relation) as a
-- JSON list, per posting of a household's population review (`posting` counts the
-- review's postings from 0, across rounds). Public pages mask it when shown.
CREATE TABLE relocation_population_postings (
    id @ID@,
    household_id BIGINT NOT NULL REFERENCES relocation_households(id),
    posting BIGINT NOT NULL,
    round BIGINT NOT NULL,
    members TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (household_id, posting)
);

-- The reference number of each objection to a posted list (`objection` is its index in
-- the review), so whoever lodged it can follow it up; `client_key` is the digest of the
-- public page's client address, counted with the grievance form's for the rate limit.
CREATE TABLE relocation_objections (
    id @ID@,
    household_id BIGINT NOT NULL REFERENCES relocation_households(id),
    objection BIGINT NOT NULL,
    reference TEXT NOT NULL UNIQUE,
    client_key TEXT,
    recorded_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (household_id, objection)
);
CREATE INDEX relocation_objections_client ON relocation_objections(client_key, created_at);

-- Temporary housing (过渡安置) while the resettlement flat is not ready.
CREATE TABLE relocation_temporary_housing (
    id @ID@,
    household_id BIGINT NOT NULL REFERENCES relocation_households(id),
    place TEXT NOT NULL,
    from_on TEXT NOT NULL,
    until_on TEXT NOT NULL,
    subsidy_months BIGINT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX relocation_temporary_housing_household ON relocation_temporary_housing(household_id);

-- Care actions: help with moving, harvesting crops (青苗), other help.
CREATE TABLE relocation_care_actions (
    id @ID@,
    household_id BIGINT NOT NULL REFERENCES relocation_households(id),
    kind TEXT NOT NULL,
    done_on TEXT NOT NULL,
    helpers TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX relocation_care_actions_household ON relocation_care_actions(household_id, done_on);
