// The dashboard: picks a model version, loads what Monitor knows about it and draws it, again every 10 s.
// The choice lives in the address (#model=…&version=…&window=…&range=…) so a view can be linked to.
// <body data-state> says where the page is: loading, ready, empty (no model version yet), error, or signed-out
// (the API answered 401: the sign-in form is shown, and nothing is loaded until it succeeds).

import { ApiError, getJson, getOptionalJson, versionPath, signIn, signOut } from './api.js';
import { renderModelOptions, renderOverview, renderTimeline, renderReport, renderRules, renderAlerts, renderServices, renderNothing, key } from './views.js';

const REFRESH_MS = 10_000;
const ALERTS_SHOWN = 50;

const controls = {
  model: document.getElementById('model-select'),
  window: document.getElementById('window-select'),
  range: document.getElementById('range-select'),
  refresh: document.getElementById('refresh-button'),
};
const status = document.getElementById('status');
const session = {
  section: document.getElementById('sign-in-section'),
  form: document.getElementById('sign-in-form'),
  key: document.getElementById('key-input'),
  submit: document.getElementById('sign-in-button'),
  error: document.getElementById('sign-in-error'),
  signOut: document.getElementById('sign-out-button'),
};

const view = readAddress();
let timer = null;
let running = null;
let refreshes = 0;

function readAddress() {
  const hash = new URLSearchParams(location.hash.slice(1));
  const model = hash.get('model');
  const version = hash.get('version');
  return {
    selection: model && version ? { model, version } : null,
    window: hash.get('window') === 'time' ? 'time' : 'count',
    rangeHours: Number(hash.get('range')) > 0 ? Number(hash.get('range')) : 24,
  };
}

function writeAddress() {
  const hash = new URLSearchParams();
  if (view.selection) {
    hash.set('model', view.selection.model);
    hash.set('version', view.selection.version);
  }
  hash.set('window', view.window);
  hash.set('range', String(view.rangeHours));
  history.replaceState(null, '', `#${hash}`);
}

async function refresh() {
  clearTimeout(timer);
  running?.abort();
  const abort = new AbortController();
  running = abort;
  let again = true;
  try {
    await load(abort.signal);
    session.section.hidden = true;
    session.signOut.hidden = false;
    refreshes += 1;
    document.body.dataset.refreshes = String(refreshes);
    status.textContent = `Updated ${new Date().toLocaleTimeString()}; refreshes every ${REFRESH_MS / 1000} s.`;
  } catch (error) {
    if (abort.signal.aborted) return;
    if (error instanceof ApiError && error.status === 401) {
      // Nothing to retry until someone signs in.
      again = false;
      showSignIn();
      return;
    }
    document.body.dataset.state = 'error';
    document.body.dataset.error = String(error.message ?? error);
    status.textContent = `Could not load the monitoring data (${error.message ?? error}); retrying in ${REFRESH_MS / 1000} s.`;
  } finally {
    if (running === abort) {
      running = null;
      if (again) timer = setTimeout(() => { if (!document.hidden) refresh(); }, REFRESH_MS);
    }
  }
}

function showSignIn() {
  document.body.dataset.state = 'signed-out';
  delete document.body.dataset.error;
  session.section.hidden = false;
  session.signOut.hidden = true;
  status.textContent = 'Sign in with an API key to see the monitoring data.';
  session.key.focus();
}

async function load(signal) {
  const { models } = await getJson('models', signal);
  if (models.length === 0) {
    renderModelOptions(controls.model, [], null);
    renderNothing();
    renderServices(await getOptionalJson('services?minutes=5', signal));
    document.body.dataset.state = 'empty';
    return;
  }

  const selected = models.find(model => view.selection && key(model) === key(view.selection)) ?? models[0];
  view.selection = { model: selected.model, version: selected.version };
  writeAddress();
  renderModelOptions(controls.model, models, view.selection);

  const version = versionPath(view.selection);
  const from = new Date(Date.now() - view.rangeHours * 3_600_000).toISOString();
  const filter = `model=${encodeURIComponent(selected.model)}&version=${encodeURIComponent(selected.version)}`;
  const [report, timeline, alerts, rules, services] = await Promise.all([
    getJson(`${version}?window=${view.window}`, signal),
    getJson(`${version}/timeline?from=${encodeURIComponent(from)}`, signal),
    getJson(`alerts?${filter}&limit=${ALERTS_SHOWN}`, signal),
    getJson('alerts/active', signal),
    // The computational endpoint is optional: without it the section stays hidden.
    getOptionalJson('services?minutes=5', signal),
  ]);
  if (signal.aborted) return;

  renderOverview(selected);
  renderTimeline(timeline, report);
  renderReport(report);
  renderRules(rules.rules.filter(rule => rule.model === selected.model && rule.version === selected.version));
  renderAlerts(alerts.alerts);
  renderServices(services);
  document.body.dataset.model = selected.model;
  document.body.dataset.version = selected.version;
  document.body.dataset.state = 'ready';
}

controls.model.addEventListener('change', () => {
  const option = controls.model.selectedOptions[0];
  view.selection = { model: option.dataset.model, version: option.dataset.version };
  refresh();
});
controls.window.addEventListener('change', () => {
  view.window = controls.window.value;
  refresh();
});
controls.range.addEventListener('change', () => {
  view.rangeHours = Number(controls.range.value);
  refresh();
});
controls.refresh.addEventListener('click', refresh);
session.form.addEventListener('submit', async event => {
  // Sent by fetch, as JSON: the form itself never submits (the page's policy allows no form action).
  event.preventDefault();
  session.error.textContent = '';
  session.submit.disabled = true;
  try {
    await signIn(session.key.value.trim());
    session.key.value = '';
    session.section.hidden = true;
    document.body.dataset.state = 'loading';
    status.textContent = 'Loading…';
    await refresh();
    if (document.body.dataset.state === 'signed-out') {
      session.error.textContent = 'The key was accepted, but this browser did not send the session cookie back: does it block cookies for this site?';
    }
  } catch (error) {
    session.error.textContent = error instanceof ApiError && error.detail
      ? error.detail
      : `Could not sign in (${error.message ?? error}).`;
    session.key.select();
  } finally {
    session.submit.disabled = false;
  }
});
session.signOut.addEventListener('click', async () => {
  clearTimeout(timer);
  running?.abort();
  try {
    await signOut();
  } finally {
    // A fresh page: nothing of the data stays on screen, and its first call shows the sign-in form.
    location.reload();
  }
});
// A hidden tab stops polling; it catches up as soon as it is shown again.
document.addEventListener('visibilitychange', () => {
  if (document.hidden) clearTimeout(timer);
  else refresh();
});

controls.window.value = view.window;
if (![...controls.range.options].some(option => option.value === String(view.rangeHours))) view.rangeHours = 24;
controls.range.value = String(view.rangeHours);
refresh();
