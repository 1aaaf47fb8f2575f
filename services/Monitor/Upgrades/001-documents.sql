-- The tables of SqliteMonitoringStore become the collections of BucketStore, AlertStore and RuleStateStore
-- (tables as SqliteDocuments creates them; it creates their indexes on first use). On a new file the old
-- tables are created empty first, so the script runs the same on both.
-- Times: the old fixed-width UTC text (yyyy-MM-ddTHH:mm:ss.fffffffZ) is kept as is in the documents, which
-- System.Text.Json reads as DateTimeOffset; the f_ columns get its UTC ticks, computed exactly:
-- seconds since 1970 * 10^7 + the 7 fractional digits + the ticks of 1970-01-01.
-- Keys: the parts joined with '/', each with '%' as '%25' and '/' as '%2F' (BucketStore.KeyOf).
CREATE TABLE IF NOT EXISTS buckets (
    model_name TEXT NOT NULL, model_version TEXT NOT NULL, start_at TEXT NOT NULL, end_at TEXT NOT NULL,
    predictions INTEGER NOT NULL, outcomes INTEGER NOT NULL, aggregate TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS alerts (
    alert_id TEXT NOT NULL PRIMARY KEY, kind TEXT NOT NULL, model_name TEXT NOT NULL, model_version TEXT NOT NULL,
    rule TEXT NOT NULL, detected_at TEXT NOT NULL, summary TEXT NOT NULL, details TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS rule_states (
    rule TEXT NOT NULL, model_name TEXT NOT NULL, model_version TEXT NOT NULL, kind TEXT NOT NULL, state TEXT NOT NULL,
    consecutive INTEGER NOT NULL, since TEXT, last_fired_at TEXT, last_value REAL, updated_at TEXT NOT NULL,
    PRIMARY KEY (model_name, model_version, rule)) WITHOUT ROWID;
ALTER TABLE buckets RENAME TO buckets_v0;
ALTER TABLE alerts RENAME TO alerts_v0;
ALTER TABLE rule_states RENAME TO rule_states_v0;

CREATE TABLE buckets (key TEXT PRIMARY KEY, revision INTEGER NOT NULL, document TEXT NOT NULL, f_model, f_version, f_start, f_end);
INSERT INTO buckets
SELECT replace(replace(model_name, '%', '%25'), '/', '%2F') || '/' || replace(replace(model_version, '%', '%25'), '/', '%2F') || '/' || start_ticks,
       1,
       json_object('modelName', model_name, 'modelVersion', model_version, 'start', start_at, 'end', end_at,
                   'predictions', predictions, 'outcomes', outcomes, 'aggregateJson', aggregate),
       model_name, model_version, start_ticks, end_ticks
FROM (SELECT *,
             CAST(strftime('%s', substr(start_at, 1, 19)) AS INTEGER) * 10000000 + CAST(substr(start_at, 21, 7) AS INTEGER) + 621355968000000000 AS start_ticks,
             CAST(strftime('%s', substr(end_at, 1, 19)) AS INTEGER) * 10000000 + CAST(substr(end_at, 21, 7) AS INTEGER) + 621355968000000000 AS end_ticks
      FROM buckets_v0);

CREATE TABLE alerts (key TEXT PRIMARY KEY, revision INTEGER NOT NULL, document TEXT NOT NULL, f_detected, f_model, f_version, f_kind);
INSERT INTO alerts
SELECT alert_id, 1,
       json_object('alertId', alert_id, 'kind', kind, 'modelName', model_name, 'modelVersion', model_version, 'rule', rule,
                   'detectedAt', detected_at, 'summary', summary, 'detailsJson', details),
       CAST(strftime('%s', substr(detected_at, 1, 19)) AS INTEGER) * 10000000 + CAST(substr(detected_at, 21, 7) AS INTEGER) + 621355968000000000,
       model_name, model_version, kind
FROM alerts_v0;

-- RuleStatus is written by name (Ok, Pending, Firing); a real as 17 significant digits, so it reads back exactly.
CREATE TABLE rule_states (key TEXT PRIMARY KEY, revision INTEGER NOT NULL, document TEXT NOT NULL);
INSERT INTO rule_states
SELECT replace(replace(model_name, '%', '%25'), '/', '%2F') || '/' || replace(replace(model_version, '%', '%25'), '/', '%2F') || '/'
           || replace(replace(rule, '%', '%25'), '/', '%2F'),
       1,
       json_object('rule', rule, 'kind', kind, 'modelName', model_name, 'modelVersion', model_version,
                   'state', CASE state WHEN 'ok' THEN 'Ok' WHEN 'pending' THEN 'Pending' WHEN 'firing' THEN 'Firing' ELSE state END,
                   'consecutive', consecutive, 'since', since, 'lastFiredAt', last_fired_at,
                   'lastValue', json(CASE WHEN last_value IS NOT NULL THEN printf('%!.17g', last_value) END), 'updatedAt', updated_at)
FROM rule_states_v0;

DROP TABLE buckets_v0;
DROP TABLE alerts_v0;
DROP TABLE rule_states_v0;
