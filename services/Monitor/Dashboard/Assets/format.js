// How numbers and times read on the page. A value that cannot be computed yet (null in the API) reads
// as an em dash.

export const MISSING = '—';

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

/** A whole count: 12,345. */
export function count(value) {
  return value == null ? MISSING : integer.format(value);
}

/** A score with a fixed number of decimals: 0.734; a huge one (a chi-square over many rows) as 2.00e+7. */
export function fixed(value, digits = 3) {
  if (value == null || !Number.isFinite(value)) return MISSING;
  return Math.abs(value) >= 1e6 ? value.toExponential(2) : value.toFixed(digits);
}

/** A p-value: small ones in scientific notation so they do not all read 0.000. */
export function pValue(value) {
  if (value == null || !Number.isFinite(value)) return MISSING;
  return value !== 0 && value < 0.001 ? value.toExponential(1) : value.toFixed(3);
}

/** A share as a percentage: 12.5 %. */
export function percent(value, digits = 1) {
  return value == null || !Number.isFinite(value) ? MISSING : `${(value * 100).toFixed(digits)} %`;
}

/** Milliseconds: 3.2 ms. */
export function milliseconds(value) {
  return value == null || !Number.isFinite(value) ? MISSING : `${value.toFixed(value < 10 ? 1 : 0)} ms`;
}

/** An RFC 3339 time in the reader's time zone: 2026-11-23 10:04:05. */
export function dateTime(text) {
  if (!text) return MISSING;
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) return text;
  return `${day(date)} ${clock(date, true)}`;
}

/** A time axis label for a time in milliseconds; with the day when the axis spans more than one. */
export function axisTime(milliseconds, withSeconds, withDay) {
  const date = new Date(milliseconds);
  return withDay ? `${day(date).slice(5)} ${clock(date, false)}` : clock(date, withSeconds);
}

function day(date) {
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}`;
}

function clock(date, withSeconds) {
  const minutes = `${two(date.getHours())}:${two(date.getMinutes())}`;
  return withSeconds ? `${minutes}:${two(date.getSeconds())}` : minutes;
}

function two(number) {
  return String(number).padStart(2, '0');
}
