"""Trains a multiclass scikit-learn model on Seattle's weather of 2012 and writes it as a model for the platform:
model.onnx (the ONNX file), model-card.json (its card) and reference.csv (the records it was trained on, with their
label). docs/your-own-model.md walks through registering, serving, monitoring and retraining it.

    python3 train.py path/to/seattle-weather.csv output-folder
"""
import json
import sys
from pathlib import Path

import numpy as np
import onnx
import pandas as pd
import sklearn
from onnx import TensorProto, helper, numpy_helper
from sklearn.linear_model import LogisticRegression

NUMERIC = ["precipitation", "temp_max", "temp_min", "wind"]

source, output = Path(sys.argv[1]), Path(sys.argv[2])
output.mkdir(parents=True, exist_ok=True)
data = pd.read_csv(source, parse_dates=["date"])
train = data[data["date"].dt.year == 2012]

# The platform turns each record into the model's input by the card: the month of `date` (1-12), then each numeric
# field scaled by the mean and standard deviation the card gives. The model is trained on exactly those columns.
means, deviations = train[NUMERIC].mean(), train[NUMERIC].std(ddof=0)


def features(frame):
    columns = [frame["date"].dt.month.astype(float)] + [(frame[name] - means[name]) / deviations[name] for name in NUMERIC]
    return np.column_stack(columns).astype(np.float32)


model = LogisticRegression(max_iter=5000).fit(features(train), train["weather"])
labels = [str(label) for label in model.classes_]

# A multinomial logistic regression's predict_proba is softmax(x · coefᵀ + intercept): three ONNX nodes.
graph = helper.make_graph(
    [
        helper.make_node("MatMul", ["features", "weights"], ["product"]),
        helper.make_node("Add", ["product", "bias"], ["scores"]),
        helper.make_node("Softmax", ["scores"], ["probabilities"], axis=1),
    ],
    "seattle-weather",
    [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", 1 + len(NUMERIC)])],
    [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", len(labels)])],
    [
        numpy_helper.from_array(model.coef_.T.astype(np.float32), "weights"),
        numpy_helper.from_array(model.intercept_.astype(np.float32), "bias"),
    ],
)
onnx_model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
onnx_model.ir_version = 8
onnx.checker.check_model(onnx_model)
onnx.save(onnx_model, str(output / "model.onnx"))

card = {
    "schemaVersion": 1,
    "name": "seattle-weather",
    "version": "1",
    "task": "multiclass",
    "description": "The day's weather in Seattle from its measurements (trained on 2012).",
    "features": [{"name": "date", "kind": "timestamp", "parts": ["month"]}]
    + [
        {"name": name, "kind": "numeric", "scaling": {"method": "standard", "mean": float(means[name]), "standardDeviation": float(deviations[name])}}
        for name in NUMERIC
    ],
    "input": {"name": "features", "columns": ["date.month"] + NUMERIC},
    "output": {"probability": "probabilities", "labels": labels},
    "label": {"field": "weather"},
    "lineage": {
        "dataset": "vega-datasets@3.2.1/data/seattle-weather.csv",
        "windowStart": "2012-01-01T00:00:00",
        "windowEnd": "2013-01-01T00:00:00",
        "trainingRows": len(train),
        "trainer": f"scikit-learn {sklearn.__version__} LogisticRegression",
        "trigger": "external",
    },
}
(output / "model-card.json").write_text(json.dumps(card, indent=2))
train.assign(date=train["date"].dt.strftime("%Y-%m-%d")).to_csv(output / "reference.csv", index=False)
print(f"{len(train)} days of 2012, labels {labels}, training accuracy {model.score(features(train), train['weather']):.3f}")
