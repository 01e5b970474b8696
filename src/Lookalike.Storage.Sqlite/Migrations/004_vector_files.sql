-- Store schema v4: vectors leave SQLite for the append-only vector file beside it (vectors.f32, see docs/formats.md).
-- An item keeps the row of its vector in that file; the migration's code step has already written every item's vector
-- there in id order, so row = position by id. A build that knows only v3 refuses this store (user_version 4).
CREATE TABLE items_v4 (
    id            TEXT PRIMARY KEY NOT NULL,   -- path relative to the indexed folder, '/'-separated
    path          TEXT NOT NULL,               -- absolute source path at index time
    content_hash  TEXT NOT NULL,               -- lower-case hex SHA-256 of the file bytes
    size_bytes    INTEGER NOT NULL,
    modified_ms   INTEGER NOT NULL,            -- file modification time, Unix milliseconds UTC
    metadata      TEXT NOT NULL DEFAULT '{}',  -- JSON object: column -> string value
    model_id      TEXT NOT NULL,
    dimension     INTEGER NOT NULL,
    vector_row    INTEGER NOT NULL,            -- row of the item's vector in vectors.f32 (rows are never rewritten)
    generation    INTEGER NOT NULL             -- store generation of the last write to this row
);

INSERT INTO items_v4 (id, path, content_hash, size_bytes, modified_ms, metadata, model_id, dimension, vector_row, generation)
SELECT id, path, content_hash, size_bytes, modified_ms, metadata, model_id, dimension, row_number() OVER (ORDER BY id) - 1, generation
FROM items;

DROP TABLE items;
ALTER TABLE items_v4 RENAME TO items;
CREATE INDEX items_by_content_hash ON items (content_hash);
