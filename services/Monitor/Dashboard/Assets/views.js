// The page's sections, each drawn from one API answer. Every function replaces what it drew before, so a
// refresh is the same call with newer data.

import { el, fillTable, badge } from './dom.js';
import { renderLineChart, PALETTE } from './charts.js';
import { count, fixed, pValue, percent, milliseconds, dateTime, MISSING } from './format.js';

const byId = id => document.getElementById(id);

/** The model selector: one option per watched version, `selected` chosen. */
export function renderModelOptions(select, models, selected) {
  const options = models.map(model => el('option', {
    value: key(model),
    selected: selected && key(model) === key(selected),
    'data-model': model.model,
    'data-version': model.version,
  }, `${model.model} v${model.version}${model.activeAlerts > 0 ? ` — ${model.activeAlerts} firing` : ''}`));
  select.replaceChildren(...options);
  select.disabled = models.length === 0;
}

/** The key of a model version in the selector and the address (#model=…&version=…). */
export function key(selection) {
  return `${selection.model}\u0000${selection.version}`;
}

/** The overview cards of the selected version. */
export function renderOverview(model) {
  const cards = [
    ['Predictions', count(model.predictions)],
    ['Outcomes', count(model.outcomes)],
    ['First prediction', dateTime(model.firstPredictionAt)],
    ['Last prediction', dateTime(model.lastPredictionAt)],
    ['Firing rules', count(model.activeAlerts)],
  ];
  byId('overview').replaceChildren(...cards.map(([term, value]) =>
    el('div', { class: term === 'Firing rules' && model.activeAlerts > 0 ? 'card bad' : 'card' }, el('dt', {}, term), el('dd', {}, value))));
}

/** The four charts over time, from the timeline; the report gives the column order and the training AUC. */
export function renderTimeline(timeline, report) {
  const points = timeline.points ?? [];
  const x = points.map(point => Date.parse(point.start));
  byId('timeline-hint').textContent = `(${timeline.bucketSeconds} s buckets, your local time)`;
  const base = { x, xKind: 'time' };

  renderLineChart(byId('drift-chart'), {
    ...base,
    series: driftColumns(points, report).map(column => ({
      name: column === 'prediction' ? 'prediction (output)' : column,
      values: points.map(point => value(point.drift?.[column])),
      dashed: column === 'prediction',
    })),
    yZero: true,
    yFormat: value => fixed(value, 2),
    empty: 'No predictions in this range yet',
  });

  byId('performance-chart-title').textContent = report?.task === 'regression'
    ? 'Performance: errors from outcomes'
    : 'Performance: live (solid) vs estimated from probabilities (dashed)';
  renderLineChart(byId('performance-chart'), { ...base, ...performanceSeries(points, report) });

  renderLineChart(byId('traffic-chart'), {
    ...base,
    series: [
      { name: 'predictions', values: points.map(point => point.predictions ?? 0) },
      { name: 'outcomes', values: points.map(point => point.outcomes ?? 0) },
    ],
    yZero: true,
    yFormat: value => count(value),
    empty: 'No traffic in this range yet',
  });

  renderLineChart(byId('latency-chart'), {
    ...base,
    series: [
      { name: 'p50', values: points.map(point => value(point.latencyP50Ms)) },
      { name: 'p95', values: points.map(point => value(point.latencyP95Ms)) },
      { name: 'p99', values: points.map(point => value(point.latencyP99Ms)) },
    ],
    yZero: true,
    yFormat: value => `${fixed(value, value < 10 ? 1 : 0)}`,
    empty: 'No latencies in this range yet',
  });
}

// The performance chart of the report's task: binary AUC and accuracy, multiclass accuracy and macro-F1 (scores from 0
// to 1, scaled to the values so a drop from 0.75 to 0.70 shows); regression MAE and RMSE (errors from 0, in the target's units).
function performanceSeries(points, report) {
  const reference = report?.performance?.reference;
  const series = (name, field, color, dashed) => ({ name, values: points.map(point => value(point[field])), color: PALETTE[color], dashed });
  switch (report?.task) {
    case 'multiclass':
      return {
        series: [
          series('accuracy (live)', 'accuracy', 1),
          series('accuracy (estimated)', 'estimatedAccuracy', 1, true),
          series('macro-F1 (live)', 'macroF1', 2),
        ],
        references: Number.isFinite(reference?.accuracy) ? [{ value: reference.accuracy, label: 'training accuracy' }] : [],
        yFloor: 0,
        yCeiling: 1,
        yFormat: value => fixed(value, 2),
        empty: 'No performance yet: it needs predictions with probabilities, and outcomes for the live values',
      };
    case 'regression':
      return {
        series: [series('MAE (live)', 'mae', 0), series('RMSE (live)', 'rmse', 1)],
        references: Number.isFinite(reference?.rmse) ? [{ value: reference.rmse, label: 'training RMSE' }] : [],
        yZero: true,
        yFormat: value => fixed(value, 2),
        empty: 'No performance yet: it needs outcomes',
      };
    default:
      return {
        series: [
          series('AUC (live)', 'auc', 0),
          series('AUC (estimated)', 'estimatedAuc', 0, true),
          series('accuracy (live)', 'accuracy', 1),
          series('accuracy (estimated)', 'estimatedAccuracy', 1, true),
        ],
        references: reference ? [{ value: reference.auc, label: 'training AUC' }] : [],
        yFloor: 0,
        yCeiling: 1,
        yFormat: value => fixed(value, 2),
        empty: 'No performance yet: it needs predictions with probabilities, and outcomes for the live values',
      };
  }
}

// The report's column order (the model's inputs, then the prediction), then any other column the timeline has.
function driftColumns(points, report) {
  const columns = (report?.drift ?? []).map(row => row.column);
  for (const point of points) for (const column of Object.keys(point.drift ?? {})) if (!columns.includes(column)) columns.push(column);
  return columns;
}

/** The current window: its summary, drift, performance, predictions, calibration and worst segments. */
export function renderReport(report) {
  const window = report.window;
  byId('window-summary').textContent =
    `${window.description}${window.outcomeDescription ? `; outcomes: ${window.outcomeDescription}` : ''}: ` +
    `${count(window.predictions)} predictions and ${count(window.outcomes)} outcomes` +
    (window.start ? `, from ${dateTime(window.start)} to ${dateTime(window.end)}` : '') + '. ' +
    `${TASKS[report.task] ?? 'Model'}; ${referenceText(report.reference ?? {})}.`;
  byId('drift-table-heading').textContent = `Drift against ${referenceName(report.reference ?? {})}`;
  document.body.dataset.task = report.task ?? '';
  document.body.dataset.reference = report.reference?.kind ?? 'none';

  fillTable(byId('drift-table').tBodies[0], report.drift.map(row => [
    { text: row.column === 'prediction' ? 'prediction (output)' : row.column, header: true },
    row.kind,
    { text: count(row.rows), class: 'number' },
    { text: fixed(row.psi), class: 'number' },
    { text: fixed(row.ks), class: 'number' },
    { text: pValue(row.ksPValue), class: 'number' },
    { text: fixed(row.chiSquare, 1), class: 'number' },
    { text: pValue(row.chiSquarePValue), class: 'number' },
    { text: fixed(row.jensenShannon), class: 'number' },
    { text: row.drifted ? badge('drifted', 'bad') : row.psi == null ? MISSING : badge('no', 'ok') },
  ]), 'No columns', (_, index) => ({
    'data-column': report.drift[index].column,
    'data-drifted': String(report.drift[index].drifted),
    class: report.drift[index].drifted ? 'drifted' : undefined,
  }));

  renderPerformance(report.task, report.performance ?? {});
  renderPrediction(report.task, report.prediction ?? {});
  renderCalibration(report.task, report.performance?.realized?.calibration ?? []);
  renderSegments(report.task, report.segments ?? []);
}

const TASKS = { binary: 'Binary classifier', multiclass: 'Multiclass classifier', regression: 'Regression model' };

// What the version is compared with (report.reference: kind training, dataset or live, or none yet).
function referenceName(reference) {
  switch (reference.kind) {
    case 'training': return 'the training data';
    case 'dataset': return reference.dataset ? `the reference data (${reference.dataset})` : 'the reference data';
    case 'live': return `its first ${count(reference.rows)} predictions (live reference)`;
    case undefined: case null: return 'a reference (none yet)';
    default: return `the reference (${reference.kind})`;
  }
}

function referenceText(reference) {
  if (reference.kind == null) {
    return reference.liveRowsNeeded != null
      ? `no reference yet: ${count(reference.liveRowsCollected)} of the first ${count(reference.liveRowsNeeded)} predictions collected for a live one`
      : 'no reference';
  }
  return `compared with ${referenceName(reference)}${reference.kind === 'live' ? '' : `, ${count(reference.rows)} rows`}`;
}

// A table's header row, for the columns of the task.
function setHeader(table, columns) {
  table.tHead.rows[0].replaceChildren(...columns.map(([name, numeric]) => el('th', { scope: 'col', class: numeric ? 'number' : undefined }, name)));
}

function renderSegments(task, segments) {
  const table = byId('segments-table');
  const metrics = task === 'regression'
    ? [['MAE', 'mae', fixed], ['RMSE', 'rmse', fixed]]
    : task === 'multiclass'
      ? [['Accuracy', 'accuracy', percent], ['Log loss', 'logLoss', fixed]]
      : [['AUC', 'auc', fixed], ['Accuracy', 'accuracy', percent], ['Log loss', 'logLoss', fixed]];
  setHeader(table, [['Feature'], ['Value'], ['Outcomes', true], ...metrics.map(([name]) => [name, true])]);
  byId('segments-heading').textContent = `Worst segments (${task === 'regression' ? 'highest RMSE' : task === 'multiclass' ? 'lowest accuracy' : 'lowest AUC'} first)`;
  fillTable(table.tBodies[0], segments.map(segment => [
    { text: segment.feature, header: true },
    segment.value,
    { text: count(segment.outcomes), class: 'number' },
    ...metrics.map(([, field, format]) => ({ text: format(segment[field]), class: 'number' })),
  ]), 'No segment has enough outcomes yet');
}

// The metrics of the task: [name, realized, estimated, training, format].
function performanceRows(task, realized, estimated, reference) {
  switch (task) {
    case 'multiclass':
      return [
        ['Rows', realized.rows, estimated.rows, undefined, count],
        ['Accuracy', realized.accuracy, estimated.accuracy, reference.accuracy, percent],
        ['Macro-F1', realized.macroF1, undefined, reference.macroF1, fixed],
        ['Log loss', realized.logLoss, undefined, reference.logLoss, fixed],
        ['Mean confidence', undefined, estimated.accuracy, reference.meanConfidence, percent],
        ['Expected calibration error', realized.expectedCalibrationError, undefined, undefined, fixed],
        ...Object.entries(realized.classes ?? {}).flatMap(([label, numbers]) => [
          [`Precision: ${label}`, numbers.precision, undefined, undefined, percent],
          [`Recall: ${label}`, numbers.recall, undefined, undefined, percent],
        ]),
      ];
    case 'regression':
      return [
        ['Rows', realized.rows, undefined, undefined, count],
        ['MAE', realized.mae, undefined, reference.mae, fixed],
        ['RMSE', realized.rmse, undefined, reference.rmse, fixed],
        ['R²', realized.rSquared, undefined, reference.rSquared, fixed],
      ];
    default:
      return [
        ['Rows', realized.rows, estimated.rows, undefined, count],
        ['AUC', realized.auc, estimated.auc, reference.auc, fixed],
        ['Accuracy', realized.accuracy, estimated.accuracy, reference.accuracy, percent],
        ['Precision', realized.precision, estimated.precision, undefined, percent],
        ['Recall', realized.recall, estimated.recall, undefined, percent],
        ['Log loss', realized.logLoss, undefined, reference.logLoss, fixed],
        ['Brier score', realized.brier, undefined, reference.brier, fixed],
        ['Expected calibration error', realized.expectedCalibrationError, undefined, undefined, fixed],
      ];
  }
}

function renderPerformance(task, performance) {
  const metrics = performanceRows(task, performance.realized ?? {}, performance.estimated ?? {}, performance.reference ?? {});
  fillTable(byId('performance-table').tBodies[0], metrics.map(([name, live, estimate, training, format]) => [
    { text: name, header: true },
    { text: format(live), class: 'number' },
    { text: format(estimate), class: 'number' },
    { text: format(training), class: 'number' },
  ]), 'No performance yet', cells => ({ 'data-metric': cells[0].text }));
}

function renderPrediction(task, prediction) {
  const row = (name, live, reference, format) => [{ text: name, header: true }, { text: format(live), class: 'number' }, { text: format(reference), class: 'number' }];
  const rows = task === 'multiclass'
    ? [
      row('Mean confidence (predicted label\u2019s probability)', prediction.meanConfidence, prediction.referenceMeanConfidence, fixed),
      ...[...new Set([...Object.keys(prediction.referencePredictedClasses ?? {}), ...Object.keys(prediction.predictedClasses ?? {})])]
        .map(label => row(`Predicted ${label}`, prediction.predictedClasses?.[label] ?? (prediction.predictedClasses ? 0 : null), prediction.referencePredictedClasses?.[label], percent)),
    ]
    : task === 'regression'
      ? [row('Mean predicted value', prediction.meanValue, prediction.referenceMeanValue, fixed)]
      : [
        row('Mean probability', prediction.meanProbability, prediction.referenceMeanProbability, fixed),
        row('Predicted positive rate', prediction.predictedPositiveRate, prediction.referencePredictedPositiveRate, percent),
      ];
  fillTable(byId('prediction-table').tBodies[0], rows, 'No predictions');
}

function renderCalibration(task, bins) {
  const multiclass = task === 'multiclass';
  byId('calibration-chart-title').textContent = multiclass
    ? 'Share right per bin of the predicted label\u2019s probability (the diagonal is perfect calibration)'
    : task === 'regression'
      ? 'Calibration (classification models only)'
      : 'Observed positive rate per predicted probability bin (the diagonal is perfect calibration)';
  const filled = bins.filter(bin => bin.rows > 0);
  renderLineChart(byId('calibration-chart'), {
    x: filled.map(bin => bin.meanProbability),
    xKind: 'number',
    xDomain: [0, 1],
    yDomain: [0, 1],
    xFormat: value => fixed(value, 1),
    yFormat: value => fixed(value, 2),
    diagonal: true,
    series: [{ name: multiclass ? 'share right' : 'observed positive rate', values: filled.map(bin => bin.observedRate) }],
    empty: task === 'regression' ? 'A regression model has no probabilities to calibrate' : 'No outcomes in this window yet',
  });
  fillTable(byId('calibration-table').tBodies[0], bins.map(bin => [
    { text: `${fixed(bin.from, 1)}–${fixed(bin.to, 1)}`, header: true },
    { text: count(bin.rows), class: 'number' },
    { text: fixed(bin.meanProbability), class: 'number' },
    { text: fixed(bin.observedRate), class: 'number' },
  ]), task === 'regression' ? 'A regression model has no probabilities to calibrate' : 'No outcomes in this window yet');
}

/** The selected version's rule states. */
export function renderRules(rules) {
  const tone = { ok: 'ok', pending: 'warn', firing: 'bad' };
  fillTable(byId('rules-table').tBodies[0], rules.map(rule => [
    { text: rule.rule, header: true },
    rule.kind,
    { text: badge(rule.state, tone[rule.state] ?? 'warn') },
    { text: count(rule.consecutive), class: 'number' },
    dateTime(rule.since),
    dateTime(rule.lastFiredAt),
    { text: fixed(rule.lastValue), class: 'number' },
  ]), 'No rule has judged this version yet', (_, index) => ({ 'data-rule': rules[index].rule, 'data-state': rules[index].state }));
}

/** The selected version's alert history. */
export function renderAlerts(alerts) {
  fillTable(byId('alerts-table').tBodies[0], alerts.map(alert => [
    dateTime(alert.detectedAt),
    { text: badge(alert.kind, 'bad') },
    alert.rule,
    alert.summary,
  ]), 'No alerts', (_, index) => ({ 'data-alert-id': alerts[index].alertId }));
}

/** Request rate, errors and latency per service (hidden when Monitor has no computational endpoint). */
export function renderServices(services) {
  const section = byId('services-section');
  section.hidden = services === null;
  if (services === null) return;
  fillTable(byId('services-table').tBodies[0], (services.services ?? []).map(row => [
    { text: row.service, header: true },
    row.instance ?? MISSING,
    row.model ?? MISSING,
    row.version ?? MISSING,
    { text: count(row.requests), class: 'number' },
    { text: fixed(row.ratePerSecond, 2), class: 'number' },
    { text: count(row.errors), class: 'number' },
    { text: percent(row.errorRate, 2), class: 'number' },
    { text: milliseconds(row.latencyP50Ms), class: 'number' },
    { text: milliseconds(row.latencyP95Ms), class: 'number' },
    { text: milliseconds(row.latencyP99Ms), class: 'number' },
  ]), 'No requests in the last 5 minutes');
}

/** Empties every section (no model version is watched yet). */
export function renderNothing() {
  byId('overview').replaceChildren(el('p', {}, 'Monitor has seen no model version yet: send predictions and they appear here.'));
  for (const id of ['drift-chart', 'performance-chart', 'traffic-chart', 'latency-chart', 'calibration-chart']) {
    renderLineChart(byId(id), { x: [], xKind: 'time', series: [], yFormat: String, empty: 'No data yet' });
  }
  byId('window-summary').textContent = '';
  for (const id of ['drift-table', 'performance-table', 'prediction-table', 'calibration-table', 'segments-table', 'rules-table', 'alerts-table']) {
    fillTable(byId(id).tBodies[0], [], 'No data yet');
  }
}

function value(number) {
  return Number.isFinite(number) ? number : null;
}
