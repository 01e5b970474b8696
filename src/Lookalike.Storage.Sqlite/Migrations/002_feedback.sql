-- Store schema v2: feedback events (who, which item, what, when) and recommender state (tuned hybrid weights).
-- Events are append-only; seq orders them by arrival and stamps derived models (CF neighbour tables).
-- Item ids are not foreign keys: feedback outlives an item's removal from the catalog (readers skip unknown items).
CREATE TABLE feedback (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('rating', 'like', 'dislike', 'purchase', 'view', 'prefer', 'ranking', 'favorite', 'search')),
    item_id    TEXT NOT NULL,               -- the item; for prefer the preferred one, for search the clicked one
    other_id   TEXT,                        -- prefer: the item liked less; search: the query item, if it is one
    value      REAL,                        -- rating 1-5; ranking position (1 = most liked); favorite 1 added / 0 removed
    context    TEXT,                        -- favorite list name; ranking id; search query
    time_ms    INTEGER NOT NULL,            -- when it happened, Unix milliseconds UTC
    source     TEXT                         -- imported rows: 'file.csv:line' (unique, so re-imports skip them)
);

CREATE INDEX feedback_by_user ON feedback (user_id, seq);
CREATE INDEX feedback_by_item ON feedback (item_id);
CREATE UNIQUE INDEX feedback_by_source ON feedback (source) WHERE source IS NOT NULL;

CREATE TABLE recommender_state (
    key        TEXT PRIMARY KEY NOT NULL,   -- e.g. 'hybrid_weights'
    value      TEXT NOT NULL,               -- JSON
    updated_ms INTEGER NOT NULL
) WITHOUT ROWID;
