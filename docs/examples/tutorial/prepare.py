"""The tutorial's model (docs/tutorial.md): a scikit-learn classifier of Seattle's weather, trained on 2012 with a card
drafted from the DataFrame, and the files both halves of the tutorial use:

    model.onnx, model-card.json   the model and its card (review the card: it is a draft)
    reference.csv                 2012, the data it was trained on, with the truth (drift is measured against it)
    days.csv, days.json           2013 and 2014 without the truth, each day's date as its entityKey (to predict online)
    outcomes.csv                  the truth of those days by entityKey (the feedback that arrives later)
    batch-2015.csv                2015 without the truth (to score as a batch)

    PYTHONPATH=clients/python python3 docs/examples/tutorial/prepare.py seattle-weather.csv OUTPUT [MODEL_NAME]
"""
import sys
from pathlib import Path

import numpy as np
import onnx
import pandas as pd
from onnx import TensorProto, helper, numpy_helper
from sklearn.linear_model import LogisticRegression

from mlplatform import draft_card, feature_matrix

source, output = Path(sys.argv[1]), Path(sys.argv[2])
name = sys.argv[3] if len(sys.argv) > 3 else "my-weather"
output.mkdir(parents=True, exist_ok=True)
weather = pd.read_csv(source, parse_dates=["date"])
train = weather[weather["date"].dt.year == 2012]
later = weather[weather["date"].dt.year.isin([2013, 2014])]
year_2015 = weather[weather["date"].dt.year == 2015]

# 1. The card, drafted from the training data: the month and weekday of `date`, four numbers scaled by their mean and
#    deviation, the five labels in scikit-learn's order (sorted).
card = draft_card(train, name, "multiclass", "weather", description="The day's weather in Seattle from its measurements.")

# 2. The model, trained on exactly the columns the card describes (feature_matrix builds them as the platform will).
model = LogisticRegression(max_iter=5000).fit(feature_matrix(train, card["features"]), train["weather"])
assert card["output"]["labels"] == [str(label) for label in model.classes_]

# 3. ONNX: a multinomial logistic regression's predict_proba is softmax(x · coefᵀ + intercept), three nodes. (From
#    skl2onnx, convert with options={id(model): {"zipmap": False}} so the probabilities are one tensor.)
width = len(card["input"]["columns"])
graph = helper.make_graph(
    [helper.make_node("MatMul", ["features", "weights"], ["product"]),
     helper.make_node("Add", ["product", "bias"], ["scores"]),
     helper.make_node("Softmax", ["scores"], ["probabilities"], axis=1)],
    name,
    [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", width])],
    [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", len(model.classes_)])],
    [numpy_helper.from_array(model.coef_.T.astype(np.float32), "weights"), numpy_helper.from_array(model.intercept_.astype(np.float32), "bias")])
written = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
written.ir_version = 8
onnx.checker.check_model(written)
onnx.save(written, str(output / "model.onnx"))

import json  # noqa: E402  (kept next to its one use)

(output / "model-card.json").write_text(json.dumps(card, indent=2))
iso = "%Y-%m-%dT%H:%M:%S"
train.to_csv(output / "reference.csv", index=False, date_format=iso)
days = later.drop(columns="weather").assign(entityKey=later["date"].dt.strftime("%Y-%m-%d"))
days.to_csv(output / "days.csv", index=False, date_format=iso)
days.to_json(output / "days.json", orient="records", date_format="iso", date_unit="s", indent=1)
year_2015.drop(columns="weather").to_csv(output / "batch-2015.csv", index=False, date_format=iso)
pd.DataFrame({"outcomeId": name + ":" + days["entityKey"], "entityKey": days["entityKey"], "label": later["weather"]}).to_csv(output / "outcomes.csv", index=False)
accuracy = model.score(feature_matrix(later, card["features"]), later["weather"])
print(f"{name}: trained on {len(train)} days of 2012, labels {card['output']['labels']}, accuracy on 2013-2014 {accuracy:.3f}; files in {output}")
