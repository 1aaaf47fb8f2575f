"""A model card drafted from a pandas DataFrame, for the author to review, and the tensor the platform builds from it.

The platform featurizes every record by the card (docs/model-card.md): a model must be trained on exactly the columns
the card's features produce, in order. `draft_features` proposes the features from the training data (numeric ranges
and scaling, categorical vocabularies, timestamp parts), `input_columns` names the columns they produce, and
`feature_matrix` builds those columns from a DataFrame as the platform does, so the model can be trained on them.
"""
import math

PARTS = ("minute", "hour", "dayOfWeek", "dayOfMonth", "dayOfYear", "month", "year")
UNKNOWN_BUCKET = "<unknown>"


def draft_features(frame, label=None, timestamps=(), categorical=(), exclude=(), max_categories=50, hash_buckets=64,
                   encoding="index", scale=True):
    """The card's `features` for the columns of `frame` (but `label` and `exclude`), in the frame's order:

    - a datetime column, or one named in `timestamps`: `timestamp` with the parts that vary (month, dayOfWeek, hour);
    - a text, boolean or category column, or one named in `categorical`: `categorical` with its values as the vocabulary,
      most frequent first (`hashBuckets` when it has more than `max_categories`), `encoding` index or oneHot, the unknown
      bucket for missing values when some are missing;
    - any other column: `numeric` with the observed range (values outside it clipped), the median for missing values
      when some are missing, and standard scaling by the mean and deviation (`scale`).
    """
    import pandas as pd

    features = []
    for name in frame.columns:
        if name == label or name in exclude:
            continue
        column = frame[name]
        if name in timestamps or pd.api.types.is_datetime64_any_dtype(column):
            features.append(_timestamp(name, _clock_times(column)))
        elif name in categorical or not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
            features.append(_categorical(name, column, max_categories, hash_buckets, encoding))
        else:
            features.append(_numeric(name, column.astype(float), scale))
    return features


def input_columns(features):
    """The tensor's columns the features produce, in order (the card's `input.columns`)."""
    columns = []
    for feature in features:
        if feature["kind"] == "timestamp":
            columns.extend(f"{feature['name']}.{part}" for part in feature["parts"])
        elif feature["kind"] == "categorical" and feature.get("encoding", "index") == "oneHot":
            names = feature["vocabulary"] + [UNKNOWN_BUCKET] if "vocabulary" in feature else [f"#{index}" for index in range(feature["hashBuckets"])]
            columns.extend(f"{feature['name']}={name}" for name in names)
        else:
            columns.append(feature["name"])
    return columns


def draft_card(frame, name, task, label, features=None, labels=None, version="1", description=None, input_name="features",
               output="probabilities", **options):
    """A whole card for a model of `task` (binary, multiclass or regression) trained on `frame` with the truth in the
    column `label`: the features (`draft_features` with `options` unless given), `input` (`input_name` and the
    columns), `output` (`output` is the ONNX output holding the probabilities, or a regression's value; `labels` in
    the model's order, by default the label column's values sorted) and `label`. Review it before registering."""
    features = features if features is not None else draft_features(frame, label=label, **options)
    card = {
        "schemaVersion": 1,
        "name": name,
        "version": str(version),
        "task": task,
        "features": features,
        "input": {"name": input_name, "columns": input_columns(features)},
        "label": {"field": label},
    }
    if description:
        card["description"] = description
    if task == "regression":
        card["output"] = {"score": output}
    else:
        card["output"] = {"probability": output, "labels": [str(value) for value in (labels or sorted(frame[label].dropna().unique()))]}
    return card


def feature_matrix(frame, features):
    """The float32 tensor rows the platform builds from `frame`'s records by `features` (a card's, or drafted): the
    columns of `input_columns(features)`. Raises ValueError naming the column and row of a value the card refuses."""
    import numpy as np

    columns = []
    for feature in features:
        values = frame[feature["name"]]
        kind = feature["kind"]
        if kind == "numeric":
            columns.append(_numeric_column(feature, values))
        elif kind == "categorical":
            columns.extend(_categorical_columns(feature, values))
        elif kind == "timestamp":
            times = _clock_times(values)
            for part in feature["parts"]:
                columns.append(_part(times, part).astype(float).to_numpy())
        else:
            raise ValueError(f"{feature['name']}: unknown feature kind {kind!r}")
    return np.column_stack(columns).astype(np.float32)


def _timestamp(name, times):
    parts = [part for part in ("month", "dayOfWeek", "hour") if _part(times, part).nunique() > 1]
    return {"name": name, "kind": "timestamp", "parts": parts or ["dayOfWeek"]}


def _categorical(name, column, max_categories, hash_buckets, encoding):
    texts = column.dropna().map(_category_text)
    feature = {"name": name, "kind": "categorical", "encoding": encoding}
    counts = texts.value_counts()
    if len(counts) > max_categories:
        feature["hashBuckets"] = hash_buckets
    else:
        # Most frequent first; ties by value, so the same data drafts the same card.
        feature["vocabulary"] = [value for value, _ in sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))]
        if column.isna().any():
            feature["whenMissing"] = "unknown"
    return feature


def _numeric(name, column, scale):
    feature = {"name": name, "kind": "numeric", "min": float(column.min()), "max": float(column.max()), "whenOutOfRange": "clip"}
    if column.isna().any():
        feature["whenMissing"] = "impute"
        feature["imputeValue"] = float(column.median())
    deviation = float(column.std(ddof=0))
    if scale and deviation > 0:
        feature["scaling"] = {"method": "standard", "mean": float(column.mean()), "standardDeviation": deviation}
    return feature


def _numeric_column(feature, values):
    import numpy as np

    numbers = values.astype(float).to_numpy(copy=True)
    missing = np.isnan(numbers)
    if missing.any():
        if feature.get("whenMissing") != "impute":
            raise ValueError(f"{feature['name']}: row {int(np.argmax(missing))} is missing and the feature does not impute")
        numbers[missing] = feature["imputeValue"]
    low, high = feature.get("min", -math.inf), feature.get("max", math.inf)
    outside = (numbers < low) | (numbers > high)
    if outside.any():
        if feature.get("whenOutOfRange", "error") != "clip":
            raise ValueError(f"{feature['name']}: row {int(np.argmax(outside))} is outside [{low}, {high}]")
        numbers = np.clip(numbers, low, high)
    scaling = feature.get("scaling") or {}
    if scaling.get("method") == "standard":
        numbers = (numbers - scaling["mean"]) / scaling["standardDeviation"]
    elif scaling.get("method") == "minMax":
        numbers = (numbers - feature["min"]) / (feature["max"] - feature["min"])
    return numbers


def _categorical_columns(feature, values):
    import numpy as np

    sensitive = feature.get("caseSensitive", False)
    if "vocabulary" in feature:
        vocabulary = feature["vocabulary"]
        lookup = {(value if sensitive else value.upper()): index for index, value in enumerate(vocabulary)}
        width = len(vocabulary) + 1
    else:
        width = feature["hashBuckets"]
    indexes = []
    for row, value in enumerate(values):
        if value is None or (isinstance(value, float) and math.isnan(value)) or (isinstance(value, str) and not value.strip()):
            if feature.get("whenMissing") != "unknown" or "vocabulary" not in feature:
                raise ValueError(f"{feature['name']}: row {row} is missing and the feature has no unknown bucket for it")
            indexes.append(width - 1)
            continue
        text = _category_text(value)
        if "vocabulary" in feature:
            index = lookup.get(text if sensitive else text.upper())
            if index is None:
                if feature.get("whenUnknown", "bucket") != "bucket":
                    raise ValueError(f"{feature['name']}: row {row} holds {text!r}, not one of the vocabulary")
                index = width - 1
        else:
            index = _fnv1a(text if sensitive else text.upper()) % width
        indexes.append(index)
    indexes = np.asarray(indexes)
    if feature.get("encoding", "index") == "index":
        return [indexes.astype(float)]
    one_hot = np.zeros((len(indexes), width))
    one_hot[np.arange(len(indexes)), indexes] = 1
    return list(one_hot.T)


def _category_text(value):
    """A category's text as the platform matches it: trimmed; a whole number without its fraction (1.0 → "1")."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _fnv1a(text):
    hash_ = 2166136261
    for byte in text.encode("utf-8"):
        hash_ = ((hash_ ^ byte) * 16777619) & 0xFFFFFFFF
    return hash_


def _clock_times(column):
    """Timestamps as the clock time written (an offset is not applied: 07:45-06:00 has hour 7), as the platform reads them."""
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(column):
        return column.dt.tz_localize(None) if getattr(column.dt, "tz", None) is not None else column
    return pd.to_datetime(column.astype(str).str.slice(0, 19))


def _part(times, part):
    if part == "minute":
        return times.dt.minute
    if part == "hour":
        return times.dt.hour
    if part == "dayOfWeek":
        return (times.dt.dayofweek + 1) % 7  # 0 = Sunday, as .NET's DayOfWeek
    if part == "dayOfMonth":
        return times.dt.day
    if part == "dayOfYear":
        return times.dt.dayofyear
    if part == "month":
        return times.dt.month
    if part == "year":
        return times.dt.year
    raise ValueError(f"unknown timestamp part {part!r}; one of {', '.join(PARTS)}")
