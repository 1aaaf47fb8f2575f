-- The Retrainer's tables of rollouts, retraining jobs and labelled rows, as the stores before the document store wrote
-- them, turned into the document store's collections of the same names: each table as SqliteDocuments<T> creates it
-- (it adds the indexes on first use). On a new file the old tables are created empty first, so the same statements run.
-- Times in documents are ISO 8601 with every tick; in the f_ columns, UTC ticks.

CREATE TABLE IF NOT EXISTS rollouts (
    rollout_id TEXT PRIMARY KEY, model TEXT NOT NULL, active INTEGER NOT NULL, started_ticks INTEGER NOT NULL, document TEXT NOT NULL);
ALTER TABLE rollouts RENAME TO rollouts_v0;
CREATE TABLE rollouts (key TEXT PRIMARY KEY, revision INTEGER NOT NULL, document TEXT NOT NULL, f_model, f_started, f_active);
-- The old document is the rollout as the new store writes it (the web's camelCase JSON, states by name).
INSERT INTO rollouts (key, revision, document, f_model, f_started, f_active)
    SELECT rollout_id, 1, document, model, started_ticks, active FROM rollouts_v0;
DROP TABLE rollouts_v0;

CREATE TABLE IF NOT EXISTS retraining_jobs (
    job_id TEXT PRIMARY KEY, model TEXT NOT NULL, running INTEGER NOT NULL, requested_ticks INTEGER NOT NULL, document TEXT NOT NULL);
ALTER TABLE retraining_jobs RENAME TO retraining_jobs_v0;
CREATE TABLE retraining_jobs (key TEXT PRIMARY KEY, revision INTEGER NOT NULL, document TEXT NOT NULL, f_model, f_requested, f_running);
-- Likewise the job as the new store writes it.
INSERT INTO retraining_jobs (key, revision, document, f_model, f_requested, f_running)
    SELECT job_id, 1, document, model, requested_ticks, running FROM retraining_jobs_v0;
DROP TABLE retraining_jobs_v0;

CREATE TABLE IF NOT EXISTS labelled_rows (
    model TEXT NOT NULL, outcome_id TEXT NOT NULL, version TEXT NOT NULL, observed_ticks INTEGER NOT NULL, stored_ticks INTEGER NOT NULL,
    input TEXT NOT NULL, actual_value REAL, actual_label TEXT, UNIQUE (model, outcome_id));
ALTER TABLE labelled_rows RENAME TO labelled_rows_v0;
CREATE TABLE labelled_rows (key TEXT PRIMARY KEY, revision INTEGER NOT NULL, document TEXT NOT NULL, f_model, f_observed, f_outcome, f_stored);
-- Key "{model}/{outcome id}"; the document {"row": the LabelledRow, "storedAt": when it was stored}; f_outcome the id's 32 digits.
INSERT INTO labelled_rows (key, revision, document, f_model, f_observed, f_outcome, f_stored)
    SELECT model || '/' || outcome_id, 1,
        json_object(
            'row', json_object(
                'modelName', model,
                'outcomeId', outcome_id,
                'modelVersion', version,
                'observedAt', strftime('%Y-%m-%dT%H:%M:%S', (observed_ticks - observed_ticks % 10000000 - 621355968000000000) / 10000000, 'unixepoch')
                    || printf('.%07d+00:00', observed_ticks % 10000000),
                'input', input,
                'actualValue', actual_value,
                'actualLabel', actual_label),
            'storedAt', strftime('%Y-%m-%dT%H:%M:%S', (stored_ticks - stored_ticks % 10000000 - 621355968000000000) / 10000000, 'unixepoch')
                || printf('.%07d+00:00', stored_ticks % 10000000)),
        model, observed_ticks, replace(outcome_id, '-', ''), stored_ticks
    FROM labelled_rows_v0;
DROP TABLE labelled_rows_v0;
