-- The union federation: townships, enterprises, the union tree with its officers, the
-- real-name member registry with transfer history, and the module's settings.
-- @ID@ is replaced per backend by an auto-increment primary key.

-- The 16 townships of Jiande: reference data fixed by the administrative map, so seeded
-- here and not audited. `code` is domain::union::township::Township::code().
CREATE TABLE townships (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    position BIGINT NOT NULL
);
INSERT INTO townships (code, name, position) VALUES
    ('330182001', '新安江街道', 0),
    ('330182002', '洋溪街道', 1),
    ('330182003', '更楼街道', 2),
    ('330182004', '莲花镇', 3),
    ('330182005', '乾潭镇', 4),
    ('330182006', '梅城镇', 5),
    ('330182007', '杨村桥镇', 6),
    ('330182008', '下涯镇', 7),
    ('330182009', '大洋镇', 8),
    ('330182010', '三都镇', 9),
    ('330182011', '寿昌镇', 10),
    ('330182012', '航头镇', 11),
    ('330182013', '大慈岩镇', 12),
    ('330182014', '大同镇', 13),
    ('330182015', '李家镇', 14),
    ('330182016', '钦堂乡', 15);

-- Settings of the module (the coverage rule, as JSON), audited like any record.
CREATE TABLE union_settings (
    id @ID@,
    name TEXT NOT NULL UNIQUE,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- The union tree: city federation -> township federations -> enterprise / joint unions.
-- Names are unique because imports refer to unions by name (上级工会, 所属工会).
CREATE TABLE unions (
    id @ID@,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    parent_id BIGINT REFERENCES unions(id),
    township TEXT REFERENCES townships(code),
    founded_on TEXT,
    reform_effective_on TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX unions_parent ON unions(parent_id);
CREATE INDEX unions_township ON unions(township, kind);
CREATE INDEX unions_founded ON unions(founded_on);

-- Officers of a union; a term without an end is current.
CREATE TABLE union_officers (
    id @ID@,
    union_id BIGINT NOT NULL REFERENCES unions(id),
    name TEXT NOT NULL,
    post TEXT NOT NULL,
    engagement TEXT NOT NULL,
    frontline BOOLEAN NOT NULL,
    term_start TEXT NOT NULL,
    term_end TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX union_officers_union ON union_officers(union_id);

-- Enterprises and the union that covers each (its own, or a joint union).
CREATE TABLE enterprises (
    id @ID@,
    name TEXT NOT NULL,
    credit_code TEXT NOT NULL UNIQUE,
    township TEXT NOT NULL REFERENCES townships(code),
    headcount BIGINT NOT NULL,
    provincial BOOLEAN NOT NULL,
    union_id BIGINT REFERENCES unions(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX enterprises_township ON enterprises(township, headcount);
CREATE INDEX enterprises_union ON enterprises(union_id);
CREATE INDEX enterprises_name ON enterprises(name);

-- The real-name member registry: one record per resident ID in the whole system. Sex and
-- birth date are read from the ID, never stored twice. Leaving keeps the record.
CREATE TABLE members (
    id @ID@,
    resident_id TEXT NOT NULL,
    name TEXT NOT NULL,
    mobile TEXT,
    union_id BIGINT NOT NULL REFERENCES unions(id),
    joined_on TEXT NOT NULL,
    migrant_worker BOOLEAN NOT NULL,
    left_on TEXT,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX members_resident_id ON members(resident_id);
CREATE INDEX members_mobile ON members(mobile);
CREATE INDEX members_name ON members(name);
CREATE INDEX members_union ON members(union_id, joined_on);

-- Every transfer of a member between unions, oldest first.
CREATE TABLE member_transfers (
    id @ID@,
    member_id BIGINT NOT NULL REFERENCES members(id),
    from_union_id BIGINT NOT NULL REFERENCES unions(id),
    to_union_id BIGINT NOT NULL REFERENCES unions(id),
    transferred_on TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX member_transfers_member ON member_transfers(member_id, id);
