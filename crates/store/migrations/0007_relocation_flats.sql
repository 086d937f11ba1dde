-- Resettlement by property exchange (产权调换): the option taken at signing, the flat
-- inventory (安置房源: flats, storerooms, parking spaces), the choosing session's
-- commitment, absences and the choices made. Areas BIGINT hundredths of m², money fen.

ALTER TABLE relocation_agreements ADD COLUMN compensation_option TEXT NOT NULL DEFAULT 'cash';

CREATE TABLE relocation_flats (
    id @ID@,
    project_id BIGINT NOT NULL REFERENCES relocation_projects(id),
    code TEXT NOT NULL,
    kind TEXT NOT NULL,
    building TEXT NOT NULL,
    unit TEXT NOT NULL DEFAULT '',
    floor BIGINT NOT NULL,
    room TEXT NOT NULL,
    layout TEXT NOT NULL DEFAULT '',
    area BIGINT NOT NULL,
    orientation TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    void_reason TEXT NOT NULL DEFAULT '',
    household_id BIGINT REFERENCES relocation_households(id),
    created_at TEXT NOT NULL,
    UNIQUE (project_id, code)
);
CREATE INDEX relocation_flats_state ON relocation_flats(project_id, kind, state);
CREATE INDEX relocation_flats_building ON relocation_flats(project_id, building, floor);

-- One session per project. Only the SHA-256 of the seed is kept until the session
-- starts; the seed itself is typed in (and checked against it) when it is revealed, so
-- the database never holds a seed nobody may know yet.
CREATE TABLE relocation_choosing_sessions (
    id @ID@,
    project_id BIGINT NOT NULL UNIQUE REFERENCES relocation_projects(id),
    seed_sha256 TEXT NOT NULL,
    seed TEXT,
    committed_at TEXT NOT NULL,
    committed_by TEXT NOT NULL,
    revealed_at TEXT,
    revealed_by TEXT,
    closed_at TEXT,
    closed_by TEXT
);

-- Households marked absent when called: they choose after the rest of the series.
CREATE TABLE relocation_choosing_absences (
    id @ID@,
    project_id BIGINT NOT NULL REFERENCES relocation_projects(id),
    household_id BIGINT NOT NULL REFERENCES relocation_households(id),
    reason TEXT NOT NULL,
    marked_at TEXT NOT NULL,
    marked_by TEXT NOT NULL,
    UNIQUE (project_id, household_id)
);

-- Choices. A voided choice stays (voided_at set); the partial unique indexes let one
-- flat, storeroom or parking space go to one household at most, and a household hold one
-- choice, whatever two staff submit at the same moment.
CREATE TABLE relocation_choices (
    id @ID@,
    project_id BIGINT NOT NULL REFERENCES relocation_projects(id),
    household_id BIGINT NOT NULL REFERENCES relocation_households(id),
    flat_id BIGINT NOT NULL REFERENCES relocation_flats(id),
    storeroom_id BIGINT REFERENCES relocation_flats(id),
    parking_id BIGINT REFERENCES relocation_flats(id),
    position BIGINT NOT NULL,
    entitlement_area BIGINT NOT NULL,
    chosen_area BIGINT NOT NULL,
    excess_area BIGINT NOT NULL,
    excess_price BIGINT NOT NULL,
    chosen_at TEXT NOT NULL,
    chosen_by TEXT NOT NULL,
    voided_at TEXT,
    voided_by TEXT,
    void_reason TEXT
);
CREATE UNIQUE INDEX relocation_choices_flat ON relocation_choices(flat_id) WHERE voided_at IS NULL;
CREATE UNIQUE INDEX relocation_choices_storeroom ON relocation_choices(storeroom_id)
    WHERE voided_at IS NULL AND storeroom_id IS NOT NULL;
CREATE UNIQUE INDEX relocation_choices_parking ON relocation_choices(parking_id)
    WHERE voided_at IS NULL AND parking_id IS NOT NULL;
CREATE UNIQUE INDEX relocation_choices_household ON relocation_choices(household_id)
    WHERE voided_at IS NULL;
CREATE INDEX relocation_choices_project ON relocation_choices(project_id, voided_at);
