-- Union services, part one: activities with their sign-ups and participations, teams and
-- associations, honours. Counts in the yearly report are aggregates over these tables.

-- Teams and associations (劳模工匠协会, 宣讲团, 志愿服务队); township NULL = city-wide.
CREATE TABLE union_teams (
    id @ID@,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    township TEXT REFERENCES townships(code),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- The members of a team, from the registry.
CREATE TABLE union_team_members (
    id @ID@,
    team_id BIGINT NOT NULL REFERENCES union_teams(id),
    member_id BIGINT NOT NULL REFERENCES members(id),
    joined_on TEXT NOT NULL,
    UNIQUE (team_id, member_id)
);

-- Activities. `township` is the organising township (NULL for the city federation);
-- `co_organisers` the other bodies, one per line; `joint_mode` 区域联动 / 党群联建.
CREATE TABLE union_activities (
    id @ID@,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    level TEXT NOT NULL,
    township TEXT REFERENCES townships(code),
    organiser TEXT NOT NULL,
    co_organisers TEXT NOT NULL,
    joint_mode TEXT,
    start_on TEXT NOT NULL,
    end_on TEXT NOT NULL,
    place TEXT NOT NULL,
    capacity BIGINT,
    open_for_signup BOOLEAN NOT NULL,
    team_id BIGINT REFERENCES union_teams(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX union_activities_year ON union_activities(kind, start_on, end_on);
CREATE INDEX union_activities_township ON union_activities(township, start_on);

-- Places taken per activity: the counter a sign-up raises with a conditional UPDATE, so
-- simultaneous sign-ups never exceed the capacity. Derived from the audited sign-ups,
-- so not audited itself (like api_token_uses).
CREATE TABLE union_activity_places (
    activity_id BIGINT PRIMARY KEY REFERENCES union_activities(id),
    taken BIGINT NOT NULL
);

-- Sign-ups; a cancelled one keeps its row. One standing sign-up per member and activity.
CREATE TABLE union_signups (
    id @ID@,
    activity_id BIGINT NOT NULL REFERENCES union_activities(id),
    member_id BIGINT NOT NULL REFERENCES members(id),
    signed_up_at TEXT NOT NULL,
    cancelled_at TEXT
);
CREATE UNIQUE INDEX union_signups_standing ON union_signups(activity_id, member_id)
    WHERE cancelled_at IS NULL;
CREATE INDEX union_signups_member ON union_signups(member_id);

-- Participations: one row per time a person took part (an online project has many per
-- person). Non-members (member_id NULL) are kept when the list says so.
CREATE TABLE union_participations (
    id @ID@,
    activity_id BIGINT NOT NULL REFERENCES union_activities(id),
    member_id BIGINT REFERENCES members(id),
    resident_id TEXT NOT NULL,
    name TEXT NOT NULL,
    took_part_on TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX union_participations_activity ON union_participations(activity_id, resident_id);
CREATE INDEX union_participations_on ON union_participations(took_part_on);
CREATE INDEX union_participations_member ON union_participations(member_id);

-- Honours of people (model workers, craftsmen) and collectives (studios, pioneer teams).
CREATE TABLE union_honours (
    id @ID@,
    kind TEXT NOT NULL,
    level TEXT NOT NULL,
    year BIGINT NOT NULL,
    holder TEXT NOT NULL,
    resident_id TEXT,
    workplace TEXT NOT NULL,
    township TEXT REFERENCES townships(code),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (year, kind, level, holder, workplace)
);
CREATE INDEX union_honours_year ON union_honours(year, kind, level);
