-- The batch store's tables as SqliteBatchStore wrote them (batches, batch_chunks, batch_invalid_rows) become the
-- collections of BatchStore (batches, batch_chunks, invalid_rows), laid out as SqliteDocuments lays them out. On a new
-- file the old tables are created empty first, so the script is the same for every file. Old times are UTC text of
-- fixed width ('2026-11-23T08:00:00.1234567Z'): kept as they are in the documents (ISO 8601), turned into UTC ticks
-- for the fields.
CREATE TABLE IF NOT EXISTS batches (
    batch_id TEXT NOT NULL PRIMARY KEY, model_name TEXT NOT NULL, model_version TEXT NOT NULL, card_json TEXT NOT NULL,
    format TEXT NOT NULL, input_name TEXT NOT NULL, input_path TEXT NOT NULL, is_uploaded INTEGER NOT NULL, state TEXT NOT NULL,
    submitted_at TEXT NOT NULL, started_at TEXT, finished_at TEXT, expires_at TEXT, rows_read INTEGER NOT NULL,
    rows_invalid INTEGER NOT NULL, rows_scored INTEGER NOT NULL, estimated_rows INTEGER, chunks_published INTEGER NOT NULL,
    chunks_scored INTEGER NOT NULL, total_chunks INTEGER, error TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS batch_chunks (
    batch_id TEXT NOT NULL, chunk_index INTEGER NOT NULL, row_count INTEGER NOT NULL, results BLOB NOT NULL,
    PRIMARY KEY (batch_id, chunk_index));
CREATE TABLE IF NOT EXISTS batch_invalid_rows (
    batch_id TEXT NOT NULL, row_number INTEGER NOT NULL, errors TEXT NOT NULL, PRIMARY KEY (batch_id, row_number)) WITHOUT ROWID;
ALTER TABLE batches RENAME TO batches_v0;
ALTER TABLE batch_chunks RENAME TO batch_chunks_v0;

CREATE TABLE batches (key TEXT PRIMARY KEY, revision INTEGER NOT NULL, document TEXT NOT NULL, f_model, f_submitted, f_state, f_expires);
-- chunksScoredAhead: the chunks stored beyond the first chunk index missing (every stored chunk was counted).
INSERT INTO batches (key, revision, document, f_model, f_submitted, f_state, f_expires)
WITH gaps AS (
    SELECT b.batch_id,
        CASE WHEN EXISTS (SELECT 1 FROM batch_chunks_v0 c WHERE c.batch_id = b.batch_id AND c.chunk_index = 0)
            THEN (SELECT min(c.chunk_index + 1) FROM batch_chunks_v0 c WHERE c.batch_id = b.batch_id AND NOT EXISTS (
                SELECT 1 FROM batch_chunks_v0 n WHERE n.batch_id = c.batch_id AND n.chunk_index = c.chunk_index + 1))
            ELSE 0 END AS first_missing
    FROM batches_v0 b)
SELECT b.batch_id, 1,
    json_object(
        'id', b.batch_id, 'modelName', b.model_name, 'modelVersion', b.model_version, 'cardJson', b.card_json,
        'format', CASE b.format WHEN 'csv' THEN 'Csv' WHEN 'jsonl' THEN 'JsonLines' ELSE 'Parquet' END,
        'inputName', b.input_name, 'inputPath', b.input_path, 'isUploaded', json(iif(b.is_uploaded, 'true', 'false')),
        'state', upper(substr(b.state, 1, 1)) || substr(b.state, 2),
        'submittedAt', b.submitted_at, 'startedAt', b.started_at, 'finishedAt', b.finished_at, 'expiresAt', b.expires_at,
        'rowsRead', b.rows_read, 'rowsInvalid', b.rows_invalid, 'rowsScored', b.rows_scored, 'estimatedRows', b.estimated_rows,
        'chunksPublished', b.chunks_published, 'chunksScored', b.chunks_scored, 'totalChunks', b.total_chunks, 'error', b.error,
        'chunksScoredAhead', json(nullif((SELECT json_group_array(chunk_index) FROM (SELECT c.chunk_index FROM batch_chunks_v0 c
            WHERE c.batch_id = b.batch_id AND c.chunk_index > g.first_missing ORDER BY c.chunk_index)), '[]'))),
    b.model_name,
    (unixepoch(substr(b.submitted_at, 1, 19)) + 62135596800) * 10000000 + CAST(substr(b.submitted_at, 21, 7) AS INTEGER),
    upper(substr(b.state, 1, 1)) || substr(b.state, 2),
    (unixepoch(substr(b.expires_at, 1, 19)) + 62135596800) * 10000000 + CAST(substr(b.expires_at, 21, 7) AS INTEGER)
FROM batches_v0 b JOIN gaps g ON g.batch_id = b.batch_id;

CREATE TABLE batch_chunks (key TEXT PRIMARY KEY, revision INTEGER NOT NULL, document TEXT NOT NULL, f_batch_id);
INSERT INTO batch_chunks (key, revision, document, f_batch_id)
SELECT batch_id || '/' || printf('%08d', chunk_index), 1,
    json_object('batchId', batch_id, 'results', json(CAST(results AS TEXT))), replace(batch_id, '-', '')
FROM batch_chunks_v0;

CREATE TABLE invalid_rows (key TEXT PRIMARY KEY, revision INTEGER NOT NULL, document TEXT NOT NULL, f_batch_id, f_row);
INSERT INTO invalid_rows (key, revision, document, f_batch_id, f_row)
SELECT batch_id || '/' || row_number, 1,
    json_object('batchId', batch_id, 'row', json_object('rowNumber', row_number, 'errors', json(errors))), replace(batch_id, '-', ''), row_number
FROM batch_invalid_rows;

DROP TABLE batches_v0;
DROP TABLE batch_chunks_v0;
DROP TABLE batch_invalid_rows;
