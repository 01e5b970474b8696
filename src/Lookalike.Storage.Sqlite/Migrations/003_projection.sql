-- Store schema v3: the learned projection of the vectors (lookalike learn). At most one row; the raw vectors in
-- items stay the truth, and dropping the row returns the store to the raw space.
CREATE TABLE projection (
    slot        INTEGER PRIMARY KEY CHECK (slot = 1),
    version     INTEGER NOT NULL,   -- counts learn runs on this store (never reused); names it in derived caches
    descriptor  TEXT NOT NULL,      -- JSON: method, source, counts, store generation fitted on, dimensions, time
    weights     BLOB NOT NULL       -- Projection.ToBytes(): magic, format version, layers
);
