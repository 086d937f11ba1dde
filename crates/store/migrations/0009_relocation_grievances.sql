-- Grievances, the hotline and discipline (信访、举报、纪律监督).

-- A project's supervision hotline (监督电话), printed on every public page of the project.
-- Kept beside the project rather than as a column of it, so that adding it does not change
-- the audited snapshot of every existing project.
CREATE TABLE relocation_hotlines (
    id @ID@,
    project_id BIGINT NOT NULL UNIQUE REFERENCES relocation_projects(id),
    number TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- Reports (咨询、投诉、举报、信访) and their handling. `deadline` is fixed from the kind
-- when received; whether a report is overdue is computed from it and the day. The
-- reporter's name and phone are for inspectors only (the audit log keeps their digests);
-- `client_key` is a digest of the public form's client address, for its rate limit.
CREATE TABLE relocation_grievances (
    id @ID@,
    project_id BIGINT NOT NULL REFERENCES relocation_projects(id),
    reference TEXT NOT NULL UNIQUE,
    channel TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    content TEXT NOT NULL,
    reporter_name TEXT NOT NULL DEFAULT '',
    reporter_phone TEXT NOT NULL DEFAULT '',
    received_on TEXT NOT NULL,
    deadline TEXT NOT NULL,
    handler_id BIGINT REFERENCES users(id),
    state TEXT NOT NULL,
    answer TEXT NOT NULL DEFAULT '',
    answered_on TEXT,
    answered_by TEXT,
    closed_on TEXT,
    client_key TEXT,
    recorded_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX relocation_grievances_project ON relocation_grievances(project_id, state, deadline);
CREATE INDEX relocation_grievances_handler ON relocation_grievances(handler_id, state);
CREATE INDEX relocation_grievances_client ON relocation_grievances(client_key, created_at);

-- The last number given in each series of reference numbers (`XF2019` → 17). Raised
-- with one upsert, so two reports received at once never share a number.
CREATE TABLE relocation_reference_counters (
    series TEXT PRIMARY KEY,
    last BIGINT NOT NULL
);

-- The discipline register: petition incidents (上访) and misconduct findings (违规违纪).
CREATE TABLE relocation_incidents (
    id @ID@,
    project_id BIGINT NOT NULL REFERENCES relocation_projects(id),
    kind TEXT NOT NULL,
    occurred_on TEXT NOT NULL,
    description TEXT NOT NULL,
    outcome TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX relocation_incidents_day ON relocation_incidents(occurred_on, kind);
