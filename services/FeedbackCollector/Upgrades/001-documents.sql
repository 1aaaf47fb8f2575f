-- FeedbackCollector's tables before the document store (predictions, outcomes: a column per field, times as UTC text
-- '2001-02-03T07:45:00.0000000Z') become the collections PredictionStore and OutcomeStore declare: the whole record
-- as JSON in `document` (as System.Text.Json reads it: camelCase names, enums by name, times as ISO 8601 text), the
-- declared fields in `f_` columns as FieldValue.Stored gives them (times as UTC ticks, Guids as 32 hex digits, bools
-- as 0/1). SqliteDocuments creates the indexes on first use.

-- The old tables as the old code created them, so a new, empty file takes the same path.
CREATE TABLE IF NOT EXISTS predictions (
    prediction_id TEXT NOT NULL PRIMARY KEY, model_name TEXT NOT NULL, model_version TEXT NOT NULL, entity_key TEXT,
    correlation_id TEXT, source TEXT NOT NULL, input TEXT, features TEXT NOT NULL, label TEXT, probability REAL, value REAL,
    received_at TEXT NOT NULL, predicted_at TEXT NOT NULL, trace_parent TEXT, shadow INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS outcomes (
    outcome_id TEXT NOT NULL PRIMARY KEY, prediction_id TEXT, model_name TEXT, entity_key TEXT, observed_at TEXT NOT NULL,
    value REAL, label TEXT, received_at TEXT NOT NULL, state TEXT NOT NULL, joins TEXT NOT NULL, joined_at TEXT,
    duplicates INTEGER NOT NULL, published INTEGER NOT NULL
) WITHOUT ROWID;
ALTER TABLE predictions RENAME TO predictions_v0;
ALTER TABLE outcomes RENAME TO outcomes_v0;

CREATE TABLE predictions (key TEXT PRIMARY KEY, revision INTEGER NOT NULL, document TEXT NOT NULL, f_model, f_entity, f_predicted);
-- A log written before shadow predictions has no shadow column (the old code added it on first use): inside the
-- subquery, "shadow" is the row's own column when the table has one, else the outer fallback's 0.
INSERT INTO predictions
SELECT p.prediction_id, 1,
    json_object(
        'predictionId', p.prediction_id, 'modelName', p.model_name, 'modelVersion', p.model_version, 'entityKey', p.entity_key,
        'correlationId', p.correlation_id, 'source', p.source, 'input', json(p.input), 'features', json(p.features),
        'label', p.label, 'probability', p.probability, 'value', p.value,
        'receivedAt', replace(p.received_at, 'Z', '+00:00'), 'predictedAt', replace(p.predicted_at, 'Z', '+00:00'),
        'traceParent', p.trace_parent,
        'shadow', json(iif((SELECT shadow FROM predictions_v0 AS own WHERE own.prediction_id = p.prediction_id), 'true', 'false'))),
    p.model_name, p.entity_key,
    (CAST(strftime('%s', substr(p.predicted_at, 1, 19)) AS INTEGER) + 62135596800) * 10000000 + CAST(substr(p.predicted_at, 21, 7) AS INTEGER)
FROM predictions_v0 AS p, (SELECT 0 AS shadow) AS fallback;

CREATE TABLE outcomes (key TEXT PRIMARY KEY, revision INTEGER NOT NULL, document TEXT NOT NULL, f_state, f_prediction, f_model, f_entity, f_received, f_joined, f_published, f_tally);
INSERT INTO outcomes
SELECT o.outcome_id, 1,
    json_object(
        'outcomeId', o.outcome_id, 'predictionId', o.prediction_id, 'modelName', o.model_name, 'entityKey', o.entity_key,
        'observedAt', replace(o.observed_at, 'Z', '+00:00'), 'value', o.value, 'label', o.label,
        'receivedAt', replace(o.received_at, 'Z', '+00:00'), 'state', o.name, 'joins', json(o.joins),
        'joinedAt', replace(o.joined_at, 'Z', '+00:00'), 'duplicates', o.duplicates, 'published', json(iif(o.published, 'true', 'false'))),
    o.name, replace(o.prediction_id, '-', ''), o.model_name, o.entity_key,
    (CAST(strftime('%s', substr(o.received_at, 1, 19)) AS INTEGER) + 62135596800) * 10000000 + CAST(substr(o.received_at, 21, 7) AS INTEGER),
    (CAST(strftime('%s', substr(o.joined_at, 1, 19)) AS INTEGER) + 62135596800) * 10000000 + CAST(substr(o.joined_at, 21, 7) AS INTEGER),
    o.published, o.name || ':' || o.duplicates || coalesce(':' || o.model_name, '')
FROM (SELECT *, upper(substr(state, 1, 1)) || substr(state, 2) AS name FROM outcomes_v0) AS o;

DROP TABLE predictions_v0;
DROP TABLE outcomes_v0;
