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

  const reference = report?.performance?.reference;
  renderLineChart(byId('performance-chart'), {
    ...base,
    series: [
      { name: 'AUC (live)', values: points.map(point => value(point.auc)), color: PALETTE[0] },
      { name: 'AUC (estimated)', values: points.map(point => value(point.estimatedAuc)), color: PALETTE[0], dashed: true },
      { name: 'accuracy (live)', values: points.map(point => value(point.accuracy)), color: PALETTE[1] },
      { name: 'accuracy (estimated)', values: points.map(point => value(point.estimatedAccuracy)), color: PALETTE[1], dashed: true },
    ],
    references: reference ? [{ value: reference.auc, label: 'training AUC' }] : [],
    // Scaled to the values, not from zero, so that a drop from 0.75 to 0.70 shows.
    yFloor: 0,
    yCeiling: 1,
    yFormat: value => fixed(value, 2),
    empty: 'No performance yet: it needs predictions with probabilities, and outcomes for the live values',
  });

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
    (window.start ? `, from ${dateTime(window.start)} to ${dateTime(window.end)}` : '') + '.';

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

  renderPerformance(report.performance ?? {});
  renderPrediction(report.prediction ?? {});
  renderCalibration(report.performance?.realized?.calibration ?? []);

  fillTable(byId('segments-table').tBodies[0], (report.segments ?? []).map(segment => [
    { text: segment.feature, header: true },
    segment.value,
    { text: count(segment.outcomes), class: 'number' },
    { text: fixed(segment.auc), class: 'number' },
    { text: percent(segment.accuracy), class: 'number' },
    { text: fixed(segment.logLoss), class: 'number' },
  ]), 'No segment has enough outcomes yet');
}

function renderPerformance(performance) {
  const realized = performance.realized ?? {};
  const estimated = performance.estimated ?? {};
  const reference = performance.reference ?? {};
  const metrics = [
    ['Rows', realized.rows, estimated.rows, undefined, count],
    ['AUC', realized.auc, estimated.auc, reference.auc, fixed],
    ['Accuracy', realized.accuracy, estimated.accuracy, reference.accuracy, percent],
    ['Precision', realized.precision, estimated.precision, undefined, percent],
    ['Recall', realized.recall, estimated.recall, undefined, percent],
    ['Log loss', realized.logLoss, undefined, reference.logLoss, fixed],
    ['Brier score', realized.brier, undefined, reference.brier, fixed],
    ['Expected calibration error', realized.expectedCalibrationError, undefined, undefined, fixed],
  ];
  fillTable(byId('performance-table').tBodies[0], metrics.map(([name, live, estimate, training, format]) => [
    { text: name, header: true },
    { text: format(live), class: 'number' },
    { text: format(estimate), class: 'number' },
    { text: format(training), class: 'number' },
  ]), 'No performance yet', cells => ({ 'data-metric': cells[0].text }));
}

function renderPrediction(prediction) {
  fillTable(byId('prediction-table').tBodies[0], [
    [{ text: 'Mean probability', header: true }, { text: fixed(prediction.meanProbability), class: 'number' }, { text: fixed(prediction.referenceMeanProbability), class: 'number' }],
    [{ text: 'Predicted positive rate', header: true }, { text: percent(prediction.predictedPositiveRate), class: 'number' }, { text: percent(prediction.referencePredictedPositiveRate), class: 'number' }],
  ], 'No predictions');
}

function renderCalibration(bins) {
  const filled = bins.filter(bin => bin.rows > 0);
  renderLineChart(byId('calibration-chart'), {
    x: filled.map(bin => bin.meanProbability),
    xKind: 'number',
    xDomain: [0, 1],
    yDomain: [0, 1],
    xFormat: value => fixed(value, 1),
    yFormat: value => fixed(value, 2),
    diagonal: true,
    series: [{ name: 'observed positive rate', values: filled.map(bin => bin.observedRate) }],
    empty: 'No outcomes in this window yet',
  });
  fillTable(byId('calibration-table').tBodies[0], bins.map(bin => [
    { text: `${fixed(bin.from, 1)}–${fixed(bin.to, 1)}`, header: true },
    { text: count(bin.rows), class: 'number' },
    { text: fixed(bin.meanProbability), class: 'number' },
    { text: fixed(bin.observedRate), class: 'number' },
  ]), 'No outcomes in this window yet');
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
