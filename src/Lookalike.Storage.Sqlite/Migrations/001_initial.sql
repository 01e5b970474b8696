-- Store schema v1. Vectors are float32 little-endian BLOBs, L2-normalised; metadata is a JSON object of strings.
CREATE TABLE store_meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE items (
    id            TEXT PRIMARY KEY NOT NULL,   -- path relative to the indexed folder, '/'-separated
    path          TEXT NOT NULL,               -- absolute source path at index time
    content_hash  TEXT NOT NULL,               -- lower-case hex SHA-256 of the file bytes
    size_bytes    INTEGER NOT NULL,
    modified_ms   INTEGER NOT NULL,            -- file modification time, Unix milliseconds UTC
    metadata      TEXT NOT NULL DEFAULT '{}',  -- JSON object: column -> string value
    model_id      TEXT NOT NULL,
    dimension     INTEGER NOT NULL,
    vector        BLOB NOT NULL,               -- dimension float32 values, little-endian
    generation    INTEGER NOT NULL             -- store generation of the last write to this row
);

CREATE INDEX items_by_content_hash ON items (content_hash);
