// The try-it page (docs/try-it.md): lists the served models, builds a form from a model's description
// (GET ../api/v1/models/{model}), posts the record to ../api/v1/models/{model}/predict and shows the answer, or the
// API's errors next to their fields. The URLs are relative to /try/, so the page works the same on FeatureBuilder, in
// the embedded host and behind the gateway. The model is chosen in the address (?model=NAME), so a form can be linked.
//
// <body data-state> says where the page is: loading, key-needed (the API answered 401: the key form is shown),
// forbidden (403: the key lacks the scope), empty (no model is served), ready (the form), predicting, predicted,
// invalid (400: the record's errors are at its fields) or error (with data-error).
//
// The key a person types is kept in this module's memory and in sessionStorage (a reload keeps it, closing the tab
// forgets it) and sent only as 'Authorization: Bearer' with fetch: never in an address, never in a cookie.

const MODELS = '../api/v1/models';
const DASHBOARD = '../dashboard/';
const KEY_STORAGE = 'mlp-try-key';

const page = {
  models: document.getElementById('model-select'),
  monitoring: document.getElementById('monitoring-link'),
  status: document.getElementById('status'),
  forgetKey: document.getElementById('forget-key-button'),
  keySection: document.getElementById('key-section'),
  keyReason: document.getElementById('key-reason'),
  keyForm: document.getElementById('key-form'),
  keyInput: document.getElementById('key-input'),
  keyButton: document.getElementById('key-button'),
  keyError: document.getElementById('key-error'),
  workspace: document.getElementById('workspace'),
  summary: document.getElementById('model-summary'),
  form: document.getElementById('record-form'),
  fields: document.getElementById('fields'),
  formError: document.getElementById('form-error'),
  predict: document.getElementById('predict-button'),
  result: document.getElementById('result'),
};

/**
 * An answer that was not 2xx, with its problem details (RFC 9457) when it had them, the key it was sent with and the
 * scope the call needs (401 and 403 carry no detail: the page says what they mean).
 */
class ApiError extends Error {
  constructor(status, problem, sentKey, scope) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem ?? {};
    this.sentKey = sentKey;
    this.scope = scope;
  }

  /** What a person is told about a refused key. */
  get refusal() {
    const detail = this.problem.detail ? ` ${this.problem.detail}` : '';
    return this.status === 403
      ? `The API refused this key (403): it does not have the ${this.scope} scope.${detail}`
      : `The API refused this key (401): it is malformed, unknown, revoked or expired.${detail}`;
  }
}

let apiKey = storedKey();
let description = null;
let inputs = [];
let retryAfterKey = null;

// ---- The key ----

function storedKey() {
  try {
    return sessionStorage.getItem(KEY_STORAGE) || null;
  } catch {
    return null; // Storage turned off: the key then lives in memory only.
  }
}

function keepKey(key) {
  apiKey = key || null;
  try {
    if (apiKey) sessionStorage.setItem(KEY_STORAGE, apiKey);
    else sessionStorage.removeItem(KEY_STORAGE);
  } catch {
    // Memory only.
  }
  page.forgetKey.hidden = !apiKey;
}

/** Shows the key form; `retry` runs again once a key is entered. */
function askForKey(error, retry) {
  retryAfterKey = retry;
  const forbidden = error.status === 403;
  if (!forbidden && error.sentKey && apiKey === error.sentKey) keepKey(null); // Refused: not worth sending again.
  page.keyReason.textContent = forbidden
    ? `Enter a key with the ${error.scope} scope: listing and describing models needs read, predicting needs predict.`
    : 'This platform needs an API key: the read scope lists and describes the models, the predict scope predicts. An administrator creates one (POST /api/v1/keys); on a local run the first admin key is in .data/store/admin-key.';
  page.keyError.textContent = forbidden || error.sentKey ? error.refusal : '';
  page.keySection.hidden = false;
  setState(forbidden ? 'forbidden' : 'key-needed');
  page.status.textContent = forbidden ? `Refused: the key does not have the ${error.scope} scope.` : 'An API key is needed.';
  page.keyInput.focus();
}

// ---- The API ----

async function call(path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const sentKey = apiKey;
  if (sentKey) headers.Authorization = `Bearer ${sentKey}`;
  // credentials 'omit': the dashboard's session cookie only reads, and this page's credential is the key it was given.
  const response = await fetch(path, {
    method: body === undefined ? 'GET' : 'POST',
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
    credentials: 'omit',
  });
  let answer = null;
  try {
    answer = await response.json();
  } catch {
    // No JSON body.
  }
  if (!response.ok) throw new ApiError(response.status, answer, sentKey, body === undefined ? 'read' : 'predict');
  return answer;
}

function modelPath(name) {
  return `${MODELS}/${encodeURIComponent(name)}`;
}

// ---- Building DOM nodes (text always goes in as text, never as HTML) ----

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function setState(state, error) {
  document.body.dataset.state = state;
  if (error) document.body.dataset.error = error;
  else delete document.body.dataset.error;
}

function number(value) {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}

function words(part) {
  return part.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

// ---- Loading ----

async function start() {
  setState('loading');
  page.status.textContent = 'Loading the served models…';
  let models;
  try {
    models = await call(MODELS);
  } catch (error) {
    fail(error, start, 'Could not list the models');
    return;
  }

  page.keySection.hidden = true;
  page.models.replaceChildren(...models.map(model =>
    el('option', { value: model.name, 'data-model': model.name, 'data-version': model.version }, `${model.name} (version ${model.version})`)));
  page.models.disabled = models.length === 0;
  if (models.length === 0) {
    page.workspace.hidden = true;
    page.monitoring.hidden = true;
    setState('empty');
    page.status.textContent = 'No model is served yet: register a version (docs/registry.md), then reload this page.';
    return;
  }

  const wanted = new URLSearchParams(location.search).get('model');
  const chosen = models.find(model => model.name === wanted) ?? models[0];
  await show(chosen.name, wanted && wanted !== chosen.name ? `No model named “${wanted}” is served; showing ${chosen.name}.` : '');
}

async function show(name, notice) {
  setState('loading');
  page.status.textContent = `Loading ${name}…`;
  try {
    description = await call(modelPath(name));
  } catch (error) {
    fail(error, () => show(name, notice), `Could not describe ${name}`);
    return;
  }

  page.keySection.hidden = true;
  page.models.value = description.name;
  const address = new URLSearchParams(location.search);
  address.set('model', description.name);
  history.replaceState(null, '', `?${address}`);
  renderForm(description);
  renderLink(description.name, description.version);
  page.result.replaceChildren(el('p', { class: 'summary' }, 'Fill in the record and choose ', el('b', {}, 'Predict'), '.'));
  page.workspace.hidden = false;
  document.body.dataset.model = description.name;
  document.body.dataset.version = description.version;
  document.body.dataset.task = description.task;
  setState('ready');
  page.status.textContent = notice || `${description.name}, version ${description.version}.`;
}

function fail(error, retry, what) {
  if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
    askForKey(error, retry);
    return;
  }
  const message = `${what}: ${error instanceof ApiError ? `${error.status} ${error.message}` : error.message ?? error}`;
  setState('error', message);
  page.status.textContent = message;
  if (!page.workspace.hidden) page.formError.textContent = message;
}

// ---- The form ----

function renderForm(model) {
  const task = { binary: 'Binary classification', multiclass: 'Classification', regression: 'Regression' }[model.task] ?? model.task;
  const names = model.labels ?? [];
  const labels = names.length > 1 ? `: ${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : names.length === 1 ? `: ${names[0]}` : '';
  page.summary.replaceChildren(
    el('span', { class: 'task' }, `${task}${labels}.`), ' ',
    model.description ?? '');
  const specs = [
    ...model.fields,
    {
      name: model.entityKeyField,
      kind: 'entity-key',
      required: false,
      description: 'Your key of the thing predicted (e.g. a flight number): echoed back and logged with the prediction, so its outcome can be joined to it later.',
    },
  ];
  inputs = specs.map((spec, index) => field(spec, index));
  page.fields.replaceChildren(...inputs.map(input => input.wrapper));
  page.formError.textContent = '';
}

function field(spec, index) {
  const id = `field-${index}`;
  const hints = [];
  let input;
  let read = text => text;
  switch (spec.kind) {
    case 'numeric':
      input = el('input', {
        type: 'number', step: 'any', min: spec.min, max: spec.max, inputmode: 'decimal',
        placeholder: spec.min != null && spec.max != null ? `${number(spec.min)} to ${number(spec.max)}` : undefined,
      });
      hints.push(range(spec));
      // A number the page cannot hold as one (too large) goes as text, for the API to judge.
      read = text => (Number.isFinite(Number(text)) ? Number(text) : text);
      break;
    case 'categorical':
      if (spec.categories) {
        const sorted = [...spec.categories].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
        input = el('select', {},
          el('option', { value: '' }, spec.required ? 'Choose…' : '(none)'),
          sorted.map(category => el('option', { value: category }, category)));
        hints.push(`One of ${spec.categories.length} known values${spec.acceptsUnknownCategories ? '.' : '; others are refused.'}`);
      } else {
        input = el('input', { type: 'text', spellcheck: 'false', autocomplete: 'off' });
        hints.push(`One of ${spec.categoryCount ?? 'its'} known values (too many to list)${spec.acceptsUnknownCategories ? '; others count as unknown.' : '; others are refused.'}`);
      }
      break;
    case 'timestamp':
      input = el('input', { type: 'datetime-local' });
      hints.push(`Sent without a time zone, as 2001-02-03T07:45:00${spec.timestampParts?.length ? `; the model uses its ${spec.timestampParts.map(words).join(', ')}` : ''}.`);
      // The picker's value has no seconds when they are 0 (2001-02-03T07:45): the API's examples carry them.
      read = text => (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(text) ? `${text}:00` : text);
      break;
    default:
      input = el('input', { type: 'text', spellcheck: 'false', autocomplete: 'off' });
      break;
  }

  input.id = id;
  input.name = spec.name;
  input.dataset.field = spec.name;
  input.dataset.kind = spec.kind;
  input.setAttribute('aria-describedby', `${id}-hint ${id}-error`);
  if (spec.required) input.setAttribute('aria-required', 'true');
  const label = el('label', { for: id },
    el('span', { class: 'name' }, spec.name),
    spec.required ? el('span', { class: 'required' }, 'required') : el('span', { class: 'optional' }, 'optional'));
  const error = el('p', { class: 'field-error', id: `${id}-error`, 'data-error-for': spec.name });
  const wrapper = el('div', { class: 'field', 'data-field': spec.name, 'data-kind': spec.kind },
    label, input,
    el('p', { class: 'hint', id: `${id}-hint` }, [spec.description, ...hints].filter(Boolean).join(' ')),
    error);
  return { name: spec.name, input, error, wrapper, read };
}

function range(spec) {
  const outside = spec.outOfRange === 'clip' ? 'values outside are moved to the nearest bound' : 'values outside are refused';
  if (spec.min != null && spec.max != null) return `Range ${number(spec.min)} to ${number(spec.max)}; ${outside}.`;
  if (spec.min != null) return `At least ${number(spec.min)}; ${outside}.`;
  if (spec.max != null) return `At most ${number(spec.max)}; ${outside}.`;
  return 'Any number.';
}

function clearErrors() {
  page.formError.textContent = '';
  for (const input of inputs) {
    input.error.textContent = '';
    input.input.removeAttribute('aria-invalid');
    input.wrapper.classList.remove('invalid');
  }
}

function markInvalid(input, message) {
  input.error.textContent = message;
  input.input.setAttribute('aria-invalid', 'true');
  input.wrapper.classList.add('invalid');
}

/** The record the form holds: every filled field, as the API reads it; null when one cannot be read at all. */
function record() {
  const values = {};
  let readable = true;
  for (const input of inputs) {
    if (input.input.validity?.badInput) {
      // The browser keeps what it cannot parse to itself (a number field with letters): nothing to send.
      markInvalid(input, 'This is not a number the browser can read.');
      readable = false;
      continue;
    }
    const text = input.input.value.trim();
    if (text !== '') values[input.name] = input.read(text);
  }
  return readable ? values : null;
}

// ---- Predicting ----

async function predict() {
  if (!description) return;
  clearErrors();
  const model = description;
  const values = record();
  if (!values) {
    setState('invalid');
    page.status.textContent = 'Correct the marked fields.';
    return;
  }

  setState('predicting');
  page.status.textContent = `Predicting with ${model.name}…`;
  page.predict.disabled = true;
  try {
    const answer = await call(`${modelPath(model.name)}/predict`, values);
    page.keySection.hidden = true;
    renderAnswer(model, values, answer);
    renderLink(answer.model, answer.version);
    setState('predicted');
    page.status.textContent = `Predicted by ${answer.model}, version ${answer.version}.`;
  } catch (error) {
    if (error instanceof ApiError && error.status === 400) {
      showErrors(error.problem);
      page.result.replaceChildren(el('p', { class: 'summary' }, 'No prediction: the API refused the record.'));
      setState('invalid');
      page.status.textContent = error.message;
    } else {
      if (error instanceof ApiError && (error.status === 401 || error.status === 403))
        page.result.replaceChildren(el('p', { class: 'summary' }, 'No prediction: the API refused the key (see above).'));
      fail(error, predict, 'Could not predict');
    }
  } finally {
    page.predict.disabled = false;
  }
}

// errors maps a field's name to its messages (one record: 'distance'); what names no field of the form is general.
function showErrors(problem) {
  const general = [];
  let first = null;
  for (const [name, messages] of Object.entries(problem.errors ?? {})) {
    const text = [].concat(messages).join(' ');
    const input = inputs.find(candidate => candidate.name === name);
    if (input) {
      markInvalid(input, text);
      first ??= input;
    } else {
      general.push(name === '$' ? text : `${name}: ${text}`);
    }
  }
  page.formError.textContent = [problem.detail ?? problem.title, ...general].filter(Boolean).join(' ');
  first?.input.focus();
}

function renderAnswer(model, values, answer) {
  const rows = [];
  if (answer.label != null) {
    rows.push(el('p', { class: 'headline' }, el('span', {}, 'Label'),
      el('strong', { id: 'prediction-label', 'data-label': answer.label }, answer.label)));
  } else if (answer.value != null) {
    rows.push(el('p', { class: 'headline' }, el('span', {}, 'Value'),
      el('strong', { id: 'prediction-value', 'data-value': answer.value }, number(answer.value))));
  }

  if (answer.probability != null) {
    const of = model.task === 'binary' ? model.labels?.[1] ?? 'the positive label' : answer.label;
    const threshold = model.task === 'binary' && model.threshold != null ? ` (${of} at ${percent(model.threshold)} or more)` : '';
    rows.push(el('p', { class: 'probability' }, `Probability of ${of}: `,
      el('strong', { id: 'prediction-probability', 'data-probability': answer.probability }, percent(answer.probability)),
      threshold));
  }

  const perLabel = probabilities(model, answer);
  if (perLabel) {
    rows.push(el('table', { id: 'probabilities', class: 'probabilities' },
      el('caption', {}, 'Probability per label'),
      el('tbody', {}, perLabel.map(([label, probability]) =>
        el('tr', { 'data-label': label, 'data-probability': probability, class: label === answer.label ? 'predicted' : undefined },
          el('th', { scope: 'row' }, label),
          el('td', {}, el('meter', { min: 0, max: 1, value: probability, 'aria-label': `${label}: ${percent(probability)}` })),
          el('td', { class: 'number' }, percent(probability)))))));
  }

  const facts = [
    ['Model', `${answer.model}`],
    ['Version', el('span', { id: 'prediction-version' }, answer.version)],
    ['Prediction id', el('code', { id: 'prediction-id' }, answer.predictionId)],
  ];
  if (model.task === 'binary' && answer.value != null) facts.push(['Score (before calibration)', number(answer.value)]);
  if (answer.entityKey != null) facts.push(['Entity key', answer.entityKey]);
  rows.push(el('dl', { class: 'facts' }, facts.map(([name, value]) => el('div', {}, el('dt', {}, name), el('dd', {}, value)))));
  rows.push(el('p', { class: 'hint' }, 'Send the true outcome later with POST /api/v1/feedback and this prediction id.'));
  rows.push(el('details', { class: 'sent' }, el('summary', {}, 'Record sent'),
    el('pre', { id: 'record-sent' }, JSON.stringify(values, null, 2))));
  page.result.replaceChildren(...rows);
}

// Every label's probability: a multiclass answer carries them by label (in the card's order); for a binary model the
// positive label's probability gives both.
function probabilities(model, answer) {
  const labels = model.labels ?? [];
  if (answer.probabilities && typeof answer.probabilities === 'object')
    return Object.entries(answer.probabilities);
  if (model.task === 'binary' && labels.length === 2 && answer.probability != null)
    return [[labels[0], 1 - answer.probability], [labels[1], answer.probability]];
  return null;
}

function percent(probability) {
  return `${(probability * 100).toFixed(1)}%`;
}

function renderLink(model, version) {
  page.monitoring.href = `${DASHBOARD}#${new URLSearchParams({ model, version })}`;
  page.monitoring.textContent = `Monitoring of ${model} version ${version}`;
  page.monitoring.hidden = false;
}

// ---- Events ----

page.models.addEventListener('change', () => {
  clearErrors();
  show(page.models.value, '');
});
page.form.addEventListener('submit', event => {
  event.preventDefault(); // Posted by fetch: the form never submits itself (the policy allows no form action).
  predict();
});
page.keyForm.addEventListener('submit', async event => {
  event.preventDefault();
  const key = page.keyInput.value.trim();
  if (!key) return;
  keepKey(key);
  page.keyInput.value = '';
  page.keyError.textContent = '';
  page.keySection.hidden = true;
  const retry = retryAfterKey ?? start;
  retryAfterKey = null;
  page.keyButton.disabled = true;
  try {
    await retry();
  } finally {
    page.keyButton.disabled = false;
  }
});
page.forgetKey.addEventListener('click', () => {
  keepKey(null);
  location.reload();
});

page.forgetKey.hidden = !apiKey;
start();
