"""The client against a running platform: MLP_URL and MLP_KEY (an admin key) say where, MLP_TEST_MODEL names a served
binary model taking the flights record below, MLP_WEATHER_CSV is vega-datasets' seattle-weather.csv.
tests/Integration.Tests/Python/PythonClientTests.cs starts the embedded host and runs this."""
import os
import tempfile
import time
import unittest
import uuid

import numpy as np
import onnx
import pandas as pd
from onnx import TensorProto, helper, numpy_helper
from sklearn.linear_model import LogisticRegression

from mlplatform import ApiError, Platform, PlatformError, draft_card, feature_matrix

FLIGHT = {"date": "2001-02-03T07:45:00", "origin": "ORD", "destination": "LAX", "distance": 1744}
DEADLINE = 120  # seconds for the platform's asynchronous work (joins, monitoring) to show


def wait_for(what, condition, deadline=DEADLINE):
    """Polls `condition` until it returns something true; fails naming `what` after `deadline` seconds."""
    end = time.monotonic() + deadline
    last = None
    while time.monotonic() < end:
        last = condition()
        if last:
            return last
        time.sleep(0.2)
    raise AssertionError(f"timed out after {deadline} s waiting for {what} (last: {last!r})")


class PlatformCallsTests(unittest.TestCase):
    def setUp(self):
        self.platform = Platform()
        self.model = os.environ["MLP_TEST_MODEL"]

    def test_the_served_models_and_one_prediction(self):
        self.assertIn(self.model, [model["name"] for model in self.platform.models()])
        fields = {field["name"]: field for field in self.platform.model(self.model)["fields"]}
        self.assertEqual("numeric", fields["distance"]["kind"])
        answer = self.platform.predict(self.model, dict(FLIGHT, entityKey="py-1"))
        self.assertIn(answer["label"], ("on-time", "late"))
        self.assertEqual("py-1", answer["entityKey"])
        self.assertTrue(0 <= answer["probability"] <= 1)

    def test_refusals_are_api_errors_naming_the_field_and_an_unreachable_platform_says_so(self):
        with self.assertRaises(ApiError) as refused:
            self.platform.predict(self.model, dict(FLIGHT, distance="far"))
        self.assertEqual(400, refused.exception.status)
        self.assertIn("distance", refused.exception.errors)
        self.assertIn("distance: ", str(refused.exception))
        with self.assertRaises(ApiError) as unknown:
            self.platform.model("no-such-model")
        self.assertEqual(404, unknown.exception.status)
        with self.assertRaises(ApiError) as anonymous:
            Platform(key="mlp_000000000000_wrong").models()
        self.assertEqual(401, anonymous.exception.status)
        with self.assertRaisesRegex(PlatformError, "Cannot reach the platform"):
            Platform(url="http://127.0.0.1:9").models()

    def test_outcomes_are_sent_in_chunks_and_a_refused_one_is_named_by_its_index(self):
        keys = [f"py-{uuid.uuid4().hex[:8]}-{index}" for index in range(5)]
        predictions = self.platform.predict(self.model, [dict(FLIGHT, entityKey=key) for key in keys])
        self.assertEqual(5, predictions["predicted"])
        outcomes = pd.DataFrame({"outcomeId": keys, "entityKey": keys, "value": [3.0, 40.0, 12.0, None, 0.0], "label": [None, None, None, "late", None]})
        summary = self.platform.send_outcomes(outcomes, model=self.model, chunk=2)
        self.assertEqual(5, summary["sent"])
        self.assertEqual(5, summary["joined"] + summary["pending"])
        self.assertEqual(keys[1], self.platform.outcome(keys[1])["entityKey"])
        with self.assertRaises(ApiError) as refused:
            self.platform.send_outcomes([{"outcomeId": "py-ok", "model": self.model, "entityKey": keys[0], "value": 1},
                                         {"outcomeId": "py-bad", "model": self.model, "entityKey": keys[0], "value": "late"}], chunk=1)
        self.assertIn("outcomes[1].value", refused.exception.errors)
        self.assertEqual(1, refused.exception.accepted["sent"])


class OwnScikitLearnModelTests(unittest.TestCase):
    """A model author's path: draft the card from the training DataFrame, train on the matrix it describes, register
    with the DataFrame as reference, predict, run a batch, send outcomes, read the monitoring."""

    def test_a_model_trained_on_the_drafted_card_is_served_as_scikit_learn_scores_it_and_monitored(self):
        platform = Platform()
        weather = pd.read_csv(os.environ["MLP_WEATHER_CSV"], parse_dates=["date"])
        train, later = weather[weather["date"].dt.year == 2012], weather[weather["date"].dt.year == 2013].reset_index(drop=True)
        name = f"py-weather-{uuid.uuid4().hex[:8]}"

        card = draft_card(train, name, "multiclass", "weather", description="Seattle's weather from its measurements.")
        self.assertEqual(["date.month", "date.dayOfWeek", "precipitation", "temp_max", "temp_min", "wind"], card["input"]["columns"])
        model = LogisticRegression(max_iter=5000).fit(feature_matrix(train, card["features"]), train["weather"])
        self.assertEqual(card["output"]["labels"], [str(label) for label in model.classes_])

        registered = platform.register(name, card, self._onnx(model, len(card["input"]["columns"])), reference=train)
        self.assertTrue(registered["serving"])
        self.assertEqual(366, registered["card"]["reference"]["rows"])
        self.assertIn(name, [served["name"] for served in platform.models()])  # register waited until it was served

        # A second version, its reference a file: registered with it, not served until champion points at it.
        with tempfile.TemporaryDirectory() as folder:
            reference = os.path.join(folder, "reference.csv")
            train.to_csv(reference, index=False, date_format="%Y-%m-%dT%H:%M:%S")
            second = platform.register(name, dict(card, version="2"), self._onnx(model, len(card["input"]["columns"])), reference=reference)
        self.assertEqual(("2", False, 366, "reference.csv"), (second["version"], second["serving"], second["card"]["reference"]["rows"], second["card"]["reference"]["dataset"]))

        # The platform's featurization is the card's, the same as feature_matrix: the same label and probability.
        answer = platform.predict(name, later.assign(entityKey=[f"{name}-{day}" for day in range(len(later))]))
        self.assertEqual(365, answer["predicted"])
        expected = model.predict_proba(feature_matrix(later, card["features"]))
        for result, probabilities in zip(answer["results"], expected):
            self.assertEqual(model.classes_[int(np.argmax(probabilities))], result["label"])
            self.assertAlmostEqual(float(np.max(probabilities)), result["probability"], places=4)
            # Every label's probability, by label in the card's order.
            self.assertEqual(card["output"]["labels"], list(result["probabilities"]))
            for label, probability in zip(model.classes_, probabilities):
                self.assertAlmostEqual(float(probability), result["probabilities"][label], places=4)

        status = platform.submit_batch(name, weather[weather["date"].dt.year == 2014], poll_seconds=0.2)
        self.assertEqual((365, 0), (status["rows"]["scored"], status["rows"]["invalid"]))
        results = platform.batch_results_frame(name, status["id"])
        self.assertEqual(list(range(1, 366)), results["row"].tolist())  # the input's rows, 1 the first

        outcomes = pd.DataFrame({"outcomeId": [f"{name}-{day}" for day in range(len(later))], "entityKey": [f"{name}-{day}" for day in range(len(later))], "label": later["weather"]})
        self.assertEqual(365, platform.send_outcomes(outcomes, model=name)["sent"])
        # The Retrainer keeps them as labelled rows, with the truth under the card's label field.
        (rows,) = wait_for("the Retrainer to keep the 365 labelled rows", lambda: len(frame := platform.training_data_frame(name)) == 365 and (frame,))
        self.assertEqual(sorted(later["weather"]), sorted(rows["weather"]))
        report = wait_for("Monitor to count the 365 outcomes", lambda: (m := platform.monitoring(name, window="time"))["report"] and m["report"]["window"]["outcomes"] == 365 and m)
        realized = report["report"]["performance"]["realized"]
        accuracy = float(np.mean(model.predict(feature_matrix(later, card["features"])) == later["weather"]))
        self.assertAlmostEqual(accuracy, realized["accuracy"], places=6)
        # Drift per column of the card (and of the predictions), against the DataFrame registered as the reference.
        self.assertEqual(set(card["input"]["columns"]) | {"prediction"}, {column["column"] for column in report["report"]["drift"]})
        self.assertEqual(("dataset", 366), (report["report"]["reference"]["kind"], report["report"]["reference"]["rows"]))
        self.assertEqual(any(rule["state"] == "firing" for rule in report["rules"]), report["firing"])

    @staticmethod
    def _onnx(model, width):
        """A multinomial logistic regression's predict_proba as ONNX: softmax(x · coefᵀ + intercept)."""
        graph = helper.make_graph(
            [helper.make_node("MatMul", ["features", "weights"], ["product"]),
             helper.make_node("Add", ["product", "bias"], ["scores"]),
             helper.make_node("Softmax", ["scores"], ["probabilities"], axis=1)],
            "weather",
            [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", width])],
            [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", len(model.classes_)])],
            [numpy_helper.from_array(model.coef_.T.astype(np.float32), "weights"), numpy_helper.from_array(model.intercept_.astype(np.float32), "bias")])
        written = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        written.ir_version = 8
        onnx.checker.check_model(written)
        return written.SerializeToString()


if __name__ == "__main__":
    unittest.main()
