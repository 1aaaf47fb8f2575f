// Line charts drawn as SVG, without a chart library (the page must work with no network beyond Monitor).
// A chart is a <figure> with a <figcaption>; renderLineChart puts an <svg> and a legend in it and marks
// the svg with what it drew (data-points, data-series-count, and per series data-series/data-points/
// data-values), which is also what the browser test reads.

import { svg, el } from './dom.js';
import { axisTime } from './format.js';

const WIDTH = 720;
const HEIGHT = 260;
const MARGIN = { top: 14, right: 24, bottom: 30, left: 56 };
const PLOT_WIDTH = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_HEIGHT = HEIGHT - MARGIN.top - MARGIN.bottom;
// Every point gets a marker (with its value as a tooltip) while they are few enough to tell apart.
const MARKERS_UP_TO = 90;

/** Ten colours that stay distinguishable (Tableau 10). */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const TIME_STEPS = [SECOND, 5 * SECOND, 10 * SECOND, 30 * SECOND, MINUTE, 5 * MINUTE, 10 * MINUTE, 30 * MINUTE,
  HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, 24 * HOUR, 7 * 24 * HOUR];

/**
 * Draws a line chart into `figure`.
 * spec = {
 *   x: number[]                     positions: times in ms (xKind 'time') or numbers
 *   xKind: 'time' | 'number'
 *   xDomain?: [min, max]            default: the range of x
 *   series: [{ name, values: (number|null)[] aligned with x, color?, dashed? }]
 *   yDomain?: [min, max]            fixed bounds; otherwise from the values (yFloor/yCeiling clamp it)
 *   yZero?: boolean                 the axis starts at 0 (counts, latency, PSI)
 *   yFloor?, yCeiling?              bounds the axis never passes, e.g. 0 and 1 for AUC
 *   yFormat: value => string        tick and tooltip labels
 *   xFormat?: value => string       for xKind 'number'
 *   references?: [{ value, label }] horizontal lines (e.g. the training AUC)
 *   diagonal?: boolean              the line y = x (calibration)
 *   empty: string                   what the chart says without data
 * }
 */
export function renderLineChart(figure, spec) {
  const caption = figure.querySelector('figcaption');
  const drawn = spec.series.filter(series => series.values.some(Number.isFinite));
  const chart = svg('svg', {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    role: 'img',
    'aria-labelledby': caption?.id,
    'data-points': spec.x.length,
    'data-series-count': drawn.length,
    preserveAspectRatio: 'xMidYMid meet',
  });
  chart.append(svg('desc', {}, describe(spec, drawn)));

  if (spec.x.length === 0 || drawn.length === 0) {
    chart.append(svg('text', { x: WIDTH / 2, y: HEIGHT / 2, 'text-anchor': 'middle', class: 'chart-empty' }, spec.empty));
    figure.replaceChildren(...[caption, chart].filter(Boolean));
    return chart;
  }

  const xScale = scale(spec.xDomain ?? padded(extent(spec.x), spec.xKind === 'time' ? MINUTE : 1), [MARGIN.left, MARGIN.left + PLOT_WIDTH]);
  const yDomain = spec.yDomain ?? yRange(spec, drawn);
  const yTicks = niceTicks(yDomain[0], yDomain[1], 5);
  const yScale = scale([Math.min(yDomain[0], yTicks[0]), Math.max(yDomain[1], yTicks[yTicks.length - 1])], [MARGIN.top + PLOT_HEIGHT, MARGIN.top]);

  chart.append(yAxis(yTicks, yScale, spec.yFormat), xAxis(spec, xScale));
  if (spec.diagonal) {
    const [low, high] = xScale.domain;
    chart.append(svg('line', { x1: xScale(low), y1: yScale(low), x2: xScale(high), y2: yScale(high), class: 'reference' }));
  }

  for (const reference of spec.references ?? []) {
    if (!Number.isFinite(reference.value)) continue;
    const y = yScale(reference.value);
    chart.append(svg('g', { class: 'reference', 'data-reference': reference.label },
      svg('line', { x1: MARGIN.left, x2: MARGIN.left + PLOT_WIDTH, y1: y, y2: y }),
      svg('text', { x: MARGIN.left + PLOT_WIDTH - 4, y: y - 4, 'text-anchor': 'end' }, `${reference.label} ${spec.yFormat(reference.value)}`)));
  }

  spec.series.forEach((series, index) => {
    chart.append(seriesGroup(spec, series, series.color ?? PALETTE[index % PALETTE.length], xScale, yScale));
  });

  figure.replaceChildren(...[caption, chart, legend(spec.series, drawn)].filter(Boolean));
  return chart;
}

function seriesGroup(spec, series, color, xScale, yScale) {
  const finite = series.values.filter(Number.isFinite).length;
  const group = svg('g', {
    class: 'series',
    'data-series': series.name,
    'data-points': finite,
    'data-values': series.values.map(value => (Number.isFinite(value) ? String(value) : '')).join(','),
  });
  // One path; a missing value (no outcomes in a bucket, say) breaks the line instead of bridging it.
  let path = '';
  series.values.forEach((value, i) => {
    if (!Number.isFinite(value)) return;
    const joined = i > 0 && Number.isFinite(series.values[i - 1]);
    path += `${joined ? 'L' : 'M'}${round(xScale(spec.x[i]))},${round(yScale(value))}`;
  });
  group.append(svg('path', { d: path, stroke: color, 'stroke-dasharray': series.dashed ? '6 4' : undefined, class: 'line' }));

  series.values.forEach((value, i) => {
    if (!Number.isFinite(value)) return;
    const isolated = !Number.isFinite(series.values[i - 1]) && !Number.isFinite(series.values[i + 1]);
    if (spec.x.length > MARKERS_UP_TO && !isolated) return;
    group.append(svg('circle', { cx: round(xScale(spec.x[i])), cy: round(yScale(value)), r: 3, fill: color },
      svg('title', {}, `${series.name} at ${xLabel(spec, spec.x[i])}: ${spec.yFormat(value)}`)));
  });
  return group;
}

function legend(series, drawn) {
  return el('ul', { class: 'legend' }, series.map((entry, index) => {
    const color = entry.color ?? PALETTE[index % PALETTE.length];
    const swatch = svg('svg', { width: 26, height: 10, 'aria-hidden': 'true' },
      svg('line', { x1: 1, y1: 5, x2: 25, y2: 5, stroke: color, 'stroke-width': 3, 'stroke-dasharray': entry.dashed ? '5 3' : undefined }));
    return el('li', { class: drawn.includes(entry) ? undefined : 'no-data' }, swatch, entry.name, drawn.includes(entry) ? '' : ' (no data)');
  }));
}

function yAxis(ticks, yScale, format) {
  const axis = svg('g', { class: 'axis y-axis' });
  for (const tick of ticks) {
    const y = round(yScale(tick));
    axis.append(
      svg('line', { x1: MARGIN.left, x2: MARGIN.left + PLOT_WIDTH, y1: y, y2: y, class: 'grid' }),
      svg('text', { x: MARGIN.left - 6, y: y + 4, 'text-anchor': 'end' }, format(tick)));
  }
  return axis;
}

function xAxis(spec, xScale) {
  const [low, high] = xScale.domain;
  const axis = svg('g', { class: 'axis x-axis' },
    svg('line', { x1: MARGIN.left, x2: MARGIN.left + PLOT_WIDTH, y1: MARGIN.top + PLOT_HEIGHT, y2: MARGIN.top + PLOT_HEIGHT }));
  const ticks = spec.xKind === 'time' ? timeTicks(low, high, 6) : niceTicks(low, high, 6);
  for (const tick of ticks) {
    const x = round(xScale(tick));
    axis.append(
      svg('line', { x1: x, x2: x, y1: MARGIN.top + PLOT_HEIGHT, y2: MARGIN.top + PLOT_HEIGHT + 4 }),
      // A label at either edge is anchored inside the chart instead of being cut off.
      svg('text', { x, y: MARGIN.top + PLOT_HEIGHT + 18, 'text-anchor': x > WIDTH - 40 ? 'end' : x < MARGIN.left + 20 ? 'start' : 'middle' },
        spec.xKind === 'time' ? axisTime(tick, high - low < 5 * MINUTE, high - low > 24 * HOUR) : (spec.xFormat ?? String)(tick)));
  }
  return axis;
}

// What a screen reader hears: the span and the latest value of each series.
function describe(spec, drawn) {
  if (spec.x.length === 0 || drawn.length === 0) return spec.empty;
  const span = `${spec.x.length} points from ${xLabel(spec, spec.x[0])} to ${xLabel(spec, spec.x[spec.x.length - 1])}.`;
  const latest = drawn.map(series => {
    const last = series.values.findLast(Number.isFinite);
    return `${series.name} ${spec.yFormat(last)}`;
  });
  return `${span} Latest: ${latest.join(', ')}.`;
}

function xLabel(spec, value) {
  return spec.xKind === 'time' ? new Date(value).toLocaleString() : (spec.xFormat ?? String)(value);
}

function yRange(spec, drawn) {
  const values = drawn.flatMap(series => series.values.filter(Number.isFinite));
  for (const reference of spec.references ?? []) if (Number.isFinite(reference.value)) values.push(reference.value);
  if (spec.yZero) values.push(0);
  let [low, high] = extent(values);
  // A little room above and below the lines; none below a zero the axis starts at.
  const pad = (high - low) * 0.05 || Math.abs(high) * 0.1 || 1;
  if (!(spec.yZero && low === 0)) low -= pad;
  high += pad;
  if (spec.yFloor !== undefined) low = Math.max(low, spec.yFloor);
  if (spec.yCeiling !== undefined) high = Math.min(high, spec.yCeiling);
  return [low, high];
}

function extent(values) {
  return [Math.min(...values), Math.max(...values)];
}

// A flat range (one point, a constant series) gets room around it so it is drawn mid-chart.
function padded([low, high], pad) {
  return low === high ? [low - pad, high + pad] : [low, high];
}

function scale(domain, range) {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const map = value => r0 + ((value - d0) / (d1 - d0 || 1)) * (r1 - r0);
  map.domain = domain;
  return map;
}

/** Round tick values (1, 2 or 5 times a power of ten) covering [low, high] in about `count` steps. */
export function niceTicks(low, high, count) {
  const raw = (high - low) / count || 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map(factor => factor * power).find(candidate => candidate >= raw);
  const ticks = [];
  for (let tick = Math.floor(low / step) * step; tick <= high + step * 1e-9; tick += step) {
    ticks.push(Number(tick.toFixed(12)));
  }
  if (ticks[ticks.length - 1] < high) ticks.push(ticks[ticks.length - 1] + step);
  return ticks;
}

function timeTicks(low, high, count) {
  const step = TIME_STEPS.find(candidate => (high - low) / candidate <= count) ?? TIME_STEPS[TIME_STEPS.length - 1];
  // Ticks on whole steps of local time, so hours read 10:00, 11:00 and not 10:17, 11:17.
  const offset = new Date(low).getTimezoneOffset() * MINUTE;
  const ticks = [];
  for (let tick = Math.ceil((low - offset) / step) * step + offset; tick <= high; tick += step) ticks.push(tick);
  return ticks;
}

function round(value) {
  return Math.round(value * 10) / 10;
}
