-- Accounts, grants, sessions, device tokens, guardian binding codes, login
-- throttling and the audit log.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    region_id     INTEGER NOT NULL,
    login         TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    person_id     INTEGER REFERENCES people (id),
    guardian_id   INTEGER REFERENCES guardians (id),
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMP NOT NULL,
    password_at   TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX users_login ON users (login);

CREATE TABLE grants (
    id        INTEGER PRIMARY KEY,
    region_id INTEGER NOT NULL,
    user_id   INTEGER NOT NULL REFERENCES users (id),
    role      TEXT    NOT NULL,
    org_id    INTEGER REFERENCES orgs (id),
    duty      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX grants_user ON grants (user_id);

CREATE TABLE sessions (
    id         INTEGER PRIMARY KEY,
    region_id  INTEGER NOT NULL,
    token_hash TEXT    NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    csrf       TEXT    NOT NULL,
    remote     TEXT    NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX sessions_token ON sessions (token_hash);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    region_id    INTEGER NOT NULL,
    name         TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL,
    prefix       TEXT    NOT NULL,
    role         TEXT    NOT NULL,
    org_id       INTEGER NOT NULL REFERENCES orgs (id),
    created_by   TEXT    NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP
);
CREATE UNIQUE INDEX api_tokens_hash ON api_tokens (token_hash);

CREATE TABLE binding_codes (
    id          INTEGER PRIMARY KEY,
    region_id   INTEGER NOT NULL,
    code_hash   TEXT    NOT NULL,
    student_id  INTEGER NOT NULL REFERENCES people (id),
    created_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP,
    used_by     INTEGER REFERENCES users (id),
    revoked_at  TIMESTAMP
);
CREATE UNIQUE INDEX binding_codes_hash ON binding_codes (code_hash);
CREATE INDEX binding_codes_student ON binding_codes (student_id);

CREATE TABLE login_failures (
    region_id INTEGER NOT NULL DEFAULT 0,
    key       TEXT    NOT NULL PRIMARY KEY,
    failures  INTEGER NOT NULL,
    last_at   TIMESTAMP NOT NULL
);

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    region_id INTEGER NOT NULL,
    at        TIMESTAMP NOT NULL,
    user_id   INTEGER,
    token_id  INTEGER,
    actor     TEXT    NOT NULL,
    action    TEXT    NOT NULL,
    object    TEXT    NOT NULL DEFAULT '',
    remote    TEXT    NOT NULL DEFAULT '',
    detail    TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (region_id, at);
CREATE INDEX audit_log_object ON audit_log (object, at);

-- Dormitory occupancy is counted per room on every school page.
CREATE INDEX people_dorm ON people (dorm_room_id) WHERE dorm_room_id IS NOT NULL;
