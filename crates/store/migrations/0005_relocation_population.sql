-- Sunshine verification of each household's resettlement population (安置人口阳光核定):
-- the review's event log (JSON of domain ReviewEvent), replayed through the domain's
-- rules on every read; the stage and posting period are kept beside it for lists.
CREATE TABLE relocation_population (
    id @ID@,
    household_id BIGINT NOT NULL UNIQUE REFERENCES relocation_households(id),
    stage TEXT NOT NULL,
    posted_from TEXT,
    posted_until TEXT,
    events TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX relocation_population_stage ON relocation_population(stage, posted_until);
