-- Evidence files (issue 11): the bytes once per region and content
-- (file_blobs, keyed by SHA-256), and each upload's description (files),
-- which points at its blob and names the node whose record it belongs to.

CREATE TABLE file_blobs (
    region_id  INTEGER NOT NULL REFERENCES orgs (id),
    sha256     TEXT NOT NULL,
    size       INTEGER NOT NULL,
    type       TEXT NOT NULL,
    content    BLOB NOT NULL,
    thumb      BLOB,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (region_id, sha256)
);

CREATE TABLE files (
    id          INTEGER PRIMARY KEY,
    region_id   INTEGER NOT NULL REFERENCES orgs (id),
    org_id      INTEGER NOT NULL REFERENCES orgs (id),
    sha256      TEXT NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    uploaded_by TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    FOREIGN KEY (region_id, sha256) REFERENCES file_blobs (region_id, sha256)
);
CREATE INDEX files_org ON files (org_id, created_at);
