-- The expropriation and resettlement headquarters (征收安置指挥部).
-- Dates are 'YYYY-MM-DD' text, instants RFC 3339 UTC text, money BIGINT fen, floor areas
-- BIGINT hundredths of m², land BIGINT hundredths of a mu.

CREATE TABLE relocation_projects (
    id @ID@,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    town TEXT NOT NULL,
    year BIGINT NOT NULL,
    land_mu BIGINT NOT NULL DEFAULT 0,
    started_on TEXT,
    sign_deadline TEXT,
    vacate_deadline TEXT,
    clear_deadline TEXT,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX relocation_projects_town ON relocation_projects(town, year);

-- Versions of a project's compensation standard (JSON of domain CompensationStandard).
-- A published version never changes; editing it starts the next version.
CREATE TABLE relocation_standards (
    id @ID@,
    project_id BIGINT NOT NULL REFERENCES relocation_projects(id),
    version BIGINT NOT NULL,
    body TEXT NOT NULL,
    published_at TEXT,
    published_by TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (project_id, version)
);

-- The four working groups of a project and the persons in them.
CREATE TABLE relocation_teams (
    id @ID@,
    project_id BIGINT NOT NULL REFERENCES relocation_projects(id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    leader TEXT NOT NULL DEFAULT '',
    UNIQUE (project_id, kind)
);

CREATE TABLE relocation_persons (
    id @ID@,
    team_id BIGINT NOT NULL REFERENCES relocation_teams(id),
    name TEXT NOT NULL,
    mobile TEXT,
    user_id BIGINT REFERENCES users(id),
    created_at TEXT NOT NULL,
    UNIQUE (team_id, name)
);
CREATE INDEX relocation_persons_user ON relocation_persons(user_id);

-- Households with their milestones (date, moment, who recorded it).
CREATE TABLE relocation_households (
    id @ID@,
    project_id BIGINT NOT NULL REFERENCES relocation_projects(id),
    code TEXT NOT NULL,
    kind TEXT NOT NULL,
    head_name TEXT NOT NULL,
    head_id TEXT NOT NULL,
    mobile TEXT,
    village TEXT NOT NULL DEFAULT '',
    village_group TEXT NOT NULL DEFAULT '',
    residence TEXT NOT NULL DEFAULT '',
    in_town BOOLEAN NOT NULL DEFAULT TRUE,
    province TEXT,
    concerns TEXT NOT NULL DEFAULT '',
    difficult BOOLEAN NOT NULL DEFAULT FALSE,
    team_id BIGINT REFERENCES relocation_teams(id),
    person_id BIGINT REFERENCES relocation_persons(id),
    signed_on TEXT,
    signed_at TEXT,
    signed_by TEXT,
    vacated_on TEXT,
    vacated_at TEXT,
    vacated_by TEXT,
    demolished_on TEXT,
    demolished_at TEXT,
    demolished_by TEXT,
    cleared_on TEXT,
    cleared_at TEXT,
    cleared_by TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (project_id, code)
);
CREATE INDEX relocation_households_team ON relocation_households(project_id, team_id, person_id);
CREATE INDEX relocation_households_signed ON relocation_households(project_id, signed_on);
CREATE INDEX relocation_households_head ON relocation_households(head_id);

CREATE TABLE relocation_members (
    id @ID@,
    household_id BIGINT NOT NULL REFERENCES relocation_households(id),
    name TEXT NOT NULL,
    resident_id TEXT NOT NULL,
    relation TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (household_id, resident_id)
);

-- Buildings as title verification (确权) records them; the recognised area is computed
-- from these figures by the project's published rule whenever it is shown.
CREATE TABLE relocation_buildings (
    id @ID@,
    household_id BIGINT NOT NULL REFERENCES relocation_households(id),
    certificate_no TEXT NOT NULL,
    approvals TEXT NOT NULL DEFAULT '',
    structure TEXT NOT NULL,
    measured_area BIGINT NOT NULL,
    legal_area BIGINT NOT NULL,
    has_certificate BOOLEAN NOT NULL,
    verified_by TEXT,
    verified_at TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (household_id, certificate_no)
);

CREATE TABLE relocation_appraisals (
    id @ID@,
    household_id BIGINT NOT NULL REFERENCES relocation_households(id),
    item TEXT NOT NULL,
    kind TEXT NOT NULL,
    amount BIGINT NOT NULL,
    appraiser TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (household_id, item)
);

-- The agreement fixed at signing: the standard version, the inputs as they stood, and the
-- computed lines and total (JSON), so later changes never move a signed amount.
CREATE TABLE relocation_agreements (
    id @ID@,
    household_id BIGINT NOT NULL UNIQUE REFERENCES relocation_households(id),
    standard_id BIGINT NOT NULL REFERENCES relocation_standards(id),
    standard_version BIGINT NOT NULL,
    inputs TEXT NOT NULL,
    lines TEXT NOT NULL,
    total BIGINT NOT NULL,
    signed_on TEXT NOT NULL,
    vacated_on TEXT,
    signed_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Visits and calls (工作日志).
CREATE TABLE relocation_visits (
    id @ID@,
    project_id BIGINT NOT NULL REFERENCES relocation_projects(id),
    household_id BIGINT NOT NULL REFERENCES relocation_households(id),
    visited_on TEXT NOT NULL,
    mode TEXT NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    visitors TEXT NOT NULL,
    attitude TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    next_step TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX relocation_visits_household ON relocation_visits(household_id, visited_on);
CREATE INDEX relocation_visits_project ON relocation_visits(project_id, visited_on);

-- Nightly meetings (碰头会), the difficult cases discussed and the action items decided.
CREATE TABLE relocation_meetings (
    id @ID@,
    project_id BIGINT NOT NULL REFERENCES relocation_projects(id),
    held_on TEXT NOT NULL,
    attendees TEXT NOT NULL,
    decisions TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX relocation_meetings_project ON relocation_meetings(project_id, held_on);

CREATE TABLE relocation_meeting_cases (
    id @ID@,
    meeting_id BIGINT NOT NULL REFERENCES relocation_meetings(id),
    household_id BIGINT NOT NULL REFERENCES relocation_households(id),
    discussion TEXT NOT NULL DEFAULT ''
);

CREATE TABLE relocation_actions (
    id @ID@,
    meeting_id BIGINT NOT NULL REFERENCES relocation_meetings(id),
    project_id BIGINT NOT NULL REFERENCES relocation_projects(id),
    household_id BIGINT REFERENCES relocation_households(id),
    content TEXT NOT NULL,
    owner_person_id BIGINT REFERENCES relocation_persons(id),
    due_on TEXT NOT NULL,
    done BOOLEAN NOT NULL DEFAULT FALSE,
    done_on TEXT,
    done_by TEXT
);
CREATE INDEX relocation_actions_project ON relocation_actions(project_id, done, due_on);

-- Counters behind the wall, maintained in the same transaction as every change they
-- count, so the wall never scans households or the work log. Derived data: not audited,
-- rebuilt from the records by `relocation::wall::rebuild`. Team and person 0 mean
-- "not assigned".
CREATE TABLE relocation_progress (
    project_id BIGINT NOT NULL,
    team_id BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    total BIGINT NOT NULL DEFAULT 0,
    signed BIGINT NOT NULL DEFAULT 0,
    vacated BIGINT NOT NULL DEFAULT 0,
    demolished BIGINT NOT NULL DEFAULT 0,
    cleared BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (project_id, team_id, person_id)
);

-- Events per project, kind (a milestone code or 'visit') and day.
CREATE TABLE relocation_daily (
    project_id BIGINT NOT NULL,
    event TEXT NOT NULL,
    day TEXT NOT NULL,
    count BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (project_id, event, day)
);
