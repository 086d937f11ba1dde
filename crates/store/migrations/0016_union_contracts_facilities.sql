-- Union services, rights and oversight: facilities with their status history and
-- advanced-workers'-home awards, collective contracts and demonstration units, enterprise
-- social-responsibility assessments, and leader talks with lagging townships.
-- Dates are 'YYYY-MM-DD' text, money BIGINT fen, areas BIGINT hundredths of a m².
-- The assessment weights are a row of union_settings ('assessment_weights').

CREATE TABLE union_facilities (
    id @ID@,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    township TEXT NOT NULL REFERENCES townships(code),
    union_id BIGINT REFERENCES unions(id),
    area BIGINT NOT NULL,
    investment BIGINT NOT NULL,
    status TEXT NOT NULL,
    status_since TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX union_facilities_township ON union_facilities(township, kind);

-- Every status a facility has had, with the day it took effect (the first is its status
-- when registered).
CREATE TABLE union_facility_statuses (
    id @ID@,
    facility_id BIGINT NOT NULL REFERENCES union_facilities(id),
    status TEXT NOT NULL,
    changed_on TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX union_facility_statuses_facility ON union_facility_statuses(facility_id, changed_on);

-- Advanced workers' home (先进职工之家) awards, one per facility, year and level.
CREATE TABLE union_facility_awards (
    id @ID@,
    facility_id BIGINT NOT NULL REFERENCES union_facilities(id),
    year BIGINT NOT NULL,
    level TEXT NOT NULL,
    UNIQUE (facility_id, year, level)
);
CREATE INDEX union_facility_awards_year ON union_facility_awards(year, level);

-- Collective contracts of enterprises (kind = domain ContractKind code).
CREATE TABLE union_contracts (
    id @ID@,
    enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
    kind TEXT NOT NULL,
    signed_on TEXT NOT NULL,
    expires_on TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (enterprise_id, kind, signed_on)
);
CREATE INDEX union_contracts_validity ON union_contracts(kind, signed_on, expires_on);

-- Wage-bargaining demonstration units (工资集体协商示范单位) by year.
CREATE TABLE union_demonstration_units (
    id @ID@,
    enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
    year BIGINT NOT NULL,
    UNIQUE (enterprise_id, year)
);
CREATE INDEX union_demonstration_units_year ON union_demonstration_units(year);

-- Social-responsibility assessment of an enterprise for a year: four scores 0-100 and the
-- grade computed from them when written.
CREATE TABLE union_responsibility (
    id @ID@,
    enterprise_id BIGINT NOT NULL REFERENCES enterprises(id),
    year BIGINT NOT NULL,
    market BIGINT NOT NULL,
    environment BIGINT NOT NULL,
    employment BIGINT NOT NULL,
    welfare BIGINT NOT NULL,
    grade TEXT NOT NULL,
    note TEXT NOT NULL,
    UNIQUE (enterprise_id, year)
);
CREATE INDEX union_responsibility_year ON union_responsibility(year);

-- Leader talks (领导约谈) with lagging townships, and their follow-up.
CREATE TABLE union_leader_talks (
    id @ID@,
    township TEXT NOT NULL REFERENCES townships(code),
    held_on TEXT NOT NULL,
    leaders TEXT NOT NULL,
    township_people TEXT NOT NULL,
    agreed TEXT NOT NULL,
    follow_up TEXT NOT NULL,
    follow_up_done_on TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX union_leader_talks_township ON union_leader_talks(township, held_on);
