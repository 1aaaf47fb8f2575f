"""The platform's public API over HTTP (the embedded host or the gateway), with the standard library only."""
import json
import os
import time
import uuid
from pathlib import Path
from urllib import error, parse, request

from .errors import ApiError, PlatformError

DEFAULT_URL = "http://127.0.0.1:5000"
MAX_ATTEMPTS = 6  # a call refused with 429 is sent again after its Retry-After, up to this many times in all
LONGEST_WAIT = 30.0
MAX_RECORDS_PER_REQUEST = 1000  # the prediction API's limit per request


class Platform:
    """A client of one platform. The URL and key come from the arguments, else MLP_URL and MLP_KEY, else the config file
    mlp uses ($MLP_CONFIG, else $XDG_CONFIG_HOME/mlp/config.json, else ~/.config/mlp/config.json: {"url": …, "key": …}),
    else the embedded default's address and no key."""

    def __init__(self, url=None, key=None, timeout=300.0):
        config = _config_file()
        self.url = (url or os.environ.get("MLP_URL") or config.get("url") or DEFAULT_URL).rstrip("/")
        self.key = key or os.environ.get("MLP_KEY") or config.get("key")
        self.timeout = timeout

    # --- models -------------------------------------------------------------------------------------------------------

    def models(self):
        """The served models: name, version, task, fields, description."""
        return self._json("GET", "/api/v1/models")

    def model(self, name):
        """One served model: version, task, labels and each field a record carries (kind, range, categories)."""
        return self._json("GET", f"/api/v1/models/{_segment(name)}")

    def register(self, name, card, onnx, reference=None, wait=True, timeout=60.0):
        """Registers a version of `name`: `card` a dict or a JSON file, `onnx` a file or bytes, `reference` (optional) the
        data the model was trained on, as a pandas DataFrame or a .csv, .jsonl or .parquet file, with the label field when
        it has one. The first version of a model serves at once (with `wait`, this returns once the serving replicas have
        loaded it); a later one once `champion` points at it. The registry's answer (version, serving, the stored card)."""
        card_bytes = json.dumps(card).encode() if isinstance(card, dict) else _read(card)
        onnx_bytes = onnx if isinstance(onnx, (bytes, bytearray)) else _read(onnx)
        parts = [("card", "model-card.json", "application/json", card_bytes), ("onnx", "model.onnx", "application/octet-stream", onnx_bytes)]
        if reference is not None:
            parts.append(("reference", *_records_file(reference)))
        body, content_type = _multipart(parts)
        registered = self._json("POST", f"/api/v1/models/{_segment(name)}/versions", body, content_type)
        if wait and registered.get("serving"):
            self.wait_until_served(name, registered["version"], timeout)
        return registered

    def wait_until_served(self, name, version=None, timeout=60.0):
        """Polls until the serving replicas say the model (and `version`, when given) is ready to predict (the Open
        Inference Protocol's ready call). A PlatformError after `timeout` s."""
        path = f"/v2/models/{_segment(name)}" + ("" if version is None else f"/versions/{_segment(version)}") + "/ready"
        deadline = time.monotonic() + timeout
        while True:
            try:
                self._request("GET", path)
                return
            except ApiError as waiting:
                if waiting.status not in (404, 503):
                    raise
            if time.monotonic() > deadline:
                raise PlatformError(f"{name} {'' if version is None else f'version {version} '}is not served after {timeout} s.")
            time.sleep(0.2)

    def set_alias(self, name, alias, version):
        """Points `alias` (e.g. champion) of the model at `version`."""
        return self._json("PUT", f"/api/v1/models/{_segment(name)}/aliases/{_segment(alias)}", _json_body({"version": str(version)}), "application/json")

    # --- predictions --------------------------------------------------------------------------------------------------

    def predict(self, model, records):
        """One record (a dict) → its prediction (label, probability, value, version, predictionId). Many (a list of dicts
        or a DataFrame) → {"results": [...], "predicted": n, "invalid": n, ...}: each record's prediction or its field
        errors, in order (sent 1,000 to a request)."""
        if isinstance(records, dict):
            return self._json("POST", f"/api/v1/models/{_segment(model)}/predict", _json_body(records), "application/json")
        rows = _rows(records)
        merged = None
        for start in range(0, len(rows), MAX_RECORDS_PER_REQUEST):
            answer = self._json("POST", f"/api/v1/models/{_segment(model)}/predict", _json_body(rows[start:start + MAX_RECORDS_PER_REQUEST]), "application/json")
            for result in answer.get("results", []):
                result["index"] = result.get("index", 0) + start
            if merged is None:
                merged = answer
            else:
                merged["results"].extend(answer["results"])
                for count in ("predicted", "invalid"):
                    if count in answer:
                        merged[count] = merged.get(count, 0) + answer[count]
        return merged if merged is not None else {"results": [], "predicted": 0, "invalid": 0}

    # --- batches ------------------------------------------------------------------------------------------------------

    def submit_batch(self, model, data, wait=True, poll_seconds=1.0, timeout=None, progress=None):
        """Submits a batch (a DataFrame, or a .csv, .jsonl or .parquet file) and, with `wait`, follows it until it ends:
        `progress(status)` hears each status. The batch's status; a PlatformError when it fails."""
        _, media_type, body = _records_file(data)
        status = self._json("POST", f"/api/v1/models/{_segment(model)}/batches", body, media_type)
        return self.wait_for_batch(model, status["id"], poll_seconds, timeout, progress) if wait else status

    def batch(self, model, batch_id):
        """A batch's status: state, rows (read, scored, invalid, total), rate."""
        return self._json("GET", f"/api/v1/models/{_segment(model)}/batches/{_segment(batch_id)}")

    def wait_for_batch(self, model, batch_id, poll_seconds=1.0, timeout=None, progress=None):
        """Polls a batch until it is completed (its status) or failed (a PlatformError naming its error)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            status = self.batch(model, batch_id)
            if progress is not None:
                progress(status)
            if status["state"] == "completed":
                return status
            if status["state"] == "failed":
                raise PlatformError(f"The batch {batch_id} failed: {status.get('error')}")
            if deadline is not None and time.monotonic() > deadline:
                raise PlatformError(f"The batch {batch_id} did not end within {timeout} s (state {status['state']}).")
            time.sleep(poll_seconds)

    def batch_results(self, model, batch_id, format="csv"):
        """A completed batch's results in input order, as bytes (csv, jsonl or parquet)."""
        return self._request("GET", f"/api/v1/models/{_segment(model)}/batches/{_segment(batch_id)}/results?format={parse.quote(format)}")

    def batch_results_frame(self, model, batch_id):
        """A completed batch's results as a pandas DataFrame (row, entityKey, label, probability, value)."""
        import io

        import pandas as pd

        return pd.read_csv(io.BytesIO(self.batch_results(model, batch_id, "csv")))

    # --- outcomes -----------------------------------------------------------------------------------------------------

    def send_outcomes(self, outcomes, model=None, chunk=1000):
        """Sends outcomes (a list of dicts or a DataFrame whose columns are the outcome's members: outcomeId,
        predictionId, model, entityKey, value, label, observedAt; empty cells left out) `chunk` to a request, in order.
        `model` fills in the model of outcomes by entity key that name none. The receipts summed up: {"sent", "joined",
        "pending", "duplicate"}. A refused request stores none of its outcomes: an ApiError whose `errors` name the
        outcome by its index in what was given (outcomes[1205].value) and whose `accepted` is the summary before it."""
        rows = [{name: value for name, value in row.items() if value is not None} for row in _rows(outcomes)]
        if model is not None:
            for row in rows:
                if "entityKey" in row and "model" not in row:
                    row["model"] = model
        summary = {"sent": 0, "joined": 0, "pending": 0, "duplicate": 0}
        for start in range(0, len(rows), chunk):
            try:
                answer = self._json("POST", "/api/v1/feedback", _json_body({"outcomes": rows[start:start + chunk]}), "application/json")
            except ApiError as refused:
                refused.errors = {_shift(field, start): message for field, message in refused.errors.items()}
                refused.accepted = dict(summary)
                raise
            for receipt in answer["outcomes"]:
                summary["sent"] += 1
                if receipt["status"] in summary:
                    summary[receipt["status"]] += 1
        return summary

    def outcome(self, outcome_id):
        """One outcome: status, the predictions it was joined to, what was observed, who reported it."""
        return self._json("GET", f"/api/v1/feedback/{_segment(outcome_id)}")

    # --- training data ------------------------------------------------------------------------------------------------

    def training_data(self, model, format="csv"):
        """The model's labelled rows (its predictions' raw inputs joined to their outcomes), oldest first, as bytes (csv,
        jsonl or parquet): what retraining learns from, and a reference file as the registry takes it."""
        return self._request("GET", f"/api/v1/models/{_segment(model)}/training-data?format={parse.quote(format)}")

    def training_data_frame(self, model):
        """The model's labelled rows as a pandas DataFrame (the card's raw fields, the truth, observedAt, outcomeId,
        modelVersion, reportedBy)."""
        import io

        import pandas as pd

        return pd.read_csv(io.BytesIO(self.training_data(model, "csv")))

    # --- monitoring and retraining ------------------------------------------------------------------------------------

    def monitoring(self, model, version=None, window="count"):
        """A version's (by default the served one's) monitoring: {"model", "version", "firing", "report", "rules"} where
        `report` is the window report (drift per column, predictions, performance; None before the first prediction),
        `rules` the alert rules' states for the version and `firing` whether one of them fires."""
        version = version or self.model(model)["version"]
        try:
            report = self._json("GET", f"/api/v1/monitoring/models/{_segment(model)}/versions/{_segment(version)}?window={parse.quote(window)}")
        except ApiError as missing:
            if missing.status != 404:
                raise
            report = None
        rules = [rule for rule in self._json("GET", "/api/v1/monitoring/alerts/active")["rules"] if rule["model"] == model and rule["version"] == version]
        return {"model": model, "version": version, "firing": any(rule["state"] == "firing" for rule in rules), "report": report, "rules": rules}

    def retrain(self, model, reason=None, wait=False, poll_seconds=1.0):
        """Starts a retraining of the model on its joined outcomes; with `wait`, the job once it has ended."""
        accepted = self._json("POST", f"/api/v1/models/{_segment(model)}/retrainings", _json_body({"reason": reason} if reason else {}), "application/json")
        job = accepted
        while wait and job["state"] == "running":
            time.sleep(poll_seconds)
            job = self._json("GET", f"/api/v1/models/{_segment(model)}/retrainings/{_segment(accepted['jobId'])}")
        return job

    # --- HTTP ---------------------------------------------------------------------------------------------------------

    def _json(self, method, path, body=None, content_type=None):
        answer = self._request(method, path, body, content_type)
        return json.loads(answer) if answer else None

    def _request(self, method, path, body=None, content_type=None):
        headers = {"User-Agent": "mlplatform-python/0.1", "Accept": "application/json, */*"}
        if self.key:
            headers["Authorization"] = f"Bearer {self.key}"
        if content_type:
            headers["Content-Type"] = content_type
        for attempt in range(1, MAX_ATTEMPTS + 1):
            call = request.Request(self.url + path, data=body, headers=headers, method=method)
            try:
                with request.urlopen(call, timeout=self.timeout) as answer:
                    return answer.read()
            except error.HTTPError as refused:
                text = refused.read()
                if refused.code == 429 and attempt < MAX_ATTEMPTS:
                    time.sleep(min(LONGEST_WAIT, float(refused.headers.get("Retry-After") or 1)))
                    continue
                try:
                    problem = json.loads(text)
                except ValueError:
                    problem = text.decode(errors="replace")
                raise ApiError(method, path.split("?")[0], refused.code, problem) from None
            except error.URLError as unreachable:
                raise PlatformError(f"Cannot reach the platform at {self.url}: {unreachable.reason} (is it running? url=, MLP_URL or the config file say where)") from None


def _config_file():
    path = os.environ.get("MLP_CONFIG") or os.path.join(os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config"), "mlp", "config.json")
    if not os.path.exists(path):
        return {}
    try:
        with open(path, encoding="utf-8") as file:
            return json.load(file)
    except ValueError as broken:
        raise PlatformError(f"The config file {path} is not JSON: {broken}") from None


def _segment(text):
    return parse.quote(str(text), safe="")


def _read(path):
    try:
        return Path(path).read_bytes()
    except OSError as failed:
        raise PlatformError(f"Cannot read {path}: {failed}") from None


def _json_body(value):
    return json.dumps(value, allow_nan=False).encode()


def _rows(records):
    """A list of dicts, from a list of dicts or a DataFrame (timestamps as ISO 8601 text, missing values as None)."""
    if hasattr(records, "to_json"):
        return json.loads(records.to_json(orient="records", date_format="iso", date_unit="s"))
    return list(records)


_MEDIA_TYPES = {".csv": "text/csv", ".jsonl": "application/jsonl", ".ndjson": "application/jsonl", ".parquet": "application/vnd.apache.parquet"}


def _records_file(data):
    """(file name, media type, bytes) of records: a DataFrame as CSV (timestamps as ISO 8601), or a file as it is."""
    if hasattr(data, "to_csv"):
        return "records.csv", "text/csv", data.to_csv(index=False, date_format="%Y-%m-%dT%H:%M:%S").encode()
    suffix = Path(data).suffix.lower()
    if suffix not in _MEDIA_TYPES:
        raise PlatformError(f"{data} must be a .csv, .jsonl or .parquet file (or a DataFrame).")
    return Path(data).name, _MEDIA_TYPES[suffix], _read(data)


def _multipart(parts):
    boundary = uuid.uuid4().hex
    body = bytearray()
    for name, file_name, media_type, content in parts:
        body += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{file_name}"\r\nContent-Type: {media_type}\r\n\r\n'.encode()
        body += content + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return bytes(body), f"multipart/form-data; boundary={boundary}"


def _shift(field, offset):
    """outcomes[3].value of a request that started at `offset` → outcomes[offset + 3].value."""
    if field.startswith("outcomes[") and "]" in field:
        index, rest = field[len("outcomes["):].split("]", 1)
        if index.isdigit():
            return f"outcomes[{int(index) + offset}]{rest}"
    return field
