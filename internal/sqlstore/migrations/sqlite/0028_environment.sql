-- Environment (issue 14, first part): a region's default schedule per
-- kind of space, each school's spaces (with their own schedule where it
-- differs from the region's), and the ventilation and disinfection logs.

CREATE TABLE env_schedules (
    region_id    INTEGER NOT NULL REFERENCES orgs (id),
    kind         TEXT NOT NULL,
    ventilation  INTEGER NOT NULL,
    disinfection TEXT NOT NULL CHECK (disinfection IN ('daily', 'after_use')),
    uses         INTEGER NOT NULL DEFAULT 0,
    updated_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (region_id, kind)
);

CREATE TABLE env_spaces (
    id           INTEGER PRIMARY KEY,
    region_id    INTEGER NOT NULL REFERENCES orgs (id),
    school_id    INTEGER NOT NULL REFERENCES orgs (id),
    kind         TEXT NOT NULL CHECK (kind IN ('classroom', 'canteen', 'dormitory', 'toilet', 'isolation_room', 'bus', 'other')),
    name         TEXT NOT NULL,
    class_id     INTEGER REFERENCES orgs (id),
    bus_route_id INTEGER REFERENCES bus_routes (id),
    ventilation  INTEGER,
    disinfection TEXT CHECK (disinfection IN ('daily', 'after_use')),
    uses         INTEGER,
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (school_id, name)
);
CREATE INDEX env_spaces_region ON env_spaces (region_id, school_id);

CREATE TABLE env_logs (
    id         INTEGER PRIMARY KEY,
    region_id  INTEGER NOT NULL REFERENCES orgs (id),
    school_id  INTEGER NOT NULL REFERENCES orgs (id),
    space_id   INTEGER NOT NULL REFERENCES env_spaces (id),
    task       TEXT NOT NULL CHECK (task IN ('ventilation', 'disinfection')),
    day        DATE NOT NULL,
    at         TIMESTAMP NOT NULL,
    by_name    TEXT NOT NULL DEFAULT '',
    file_id    INTEGER REFERENCES files (id),
    note       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX env_logs_school ON env_logs (school_id, day);
CREATE INDEX env_logs_region ON env_logs (region_id, day);
