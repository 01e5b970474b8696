-- Store schema v5: SQLite names the current vector file (store_meta 'vector_file'), so a compaction can write the live
-- rows into a new file (vectors.1.f32, vectors.2.f32, ...) and switch to it in one commit. Stores of v4 keep the file
-- they have. A build that knows only v4 looks for vectors.f32 and so must refuse this store: user_version 5 does that.
INSERT INTO store_meta (key, value) VALUES ('vector_file', 'vectors.f32') ON CONFLICT (key) DO NOTHING;
