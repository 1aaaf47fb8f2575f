"""Card drafting and the tensor it describes, without a platform (the platform's side is in test_platform.py)."""
import unittest

import pandas as pd

from mlplatform import draft_card, draft_features, feature_matrix, input_columns
from mlplatform.cards import _fnv1a


class CardDraftingTests(unittest.TestCase):
    def setUp(self):
        self.frame = pd.DataFrame({
            "departure": ["2001-02-03T07:45:00-06:00", "2001-03-04T18:10:00", "2001-02-05T07:00:00", None][:3] + ["2001-02-06T09:00:00"],
            "origin": ["ORD", "LAX", "ORD", None],
            "seats": [180.0, None, 120.0, 150.0],
            "late": ["yes", "no", "no", "yes"],
        })

    def test_each_column_gets_the_kind_its_values_suggest_with_ranges_vocabularies_and_parts(self):
        features = draft_features(self.frame, label="late", timestamps=["departure"])
        departure, origin, seats = features
        # The clock time as written: 07:45-06:00 is hour 7; months, weekdays and hours all vary here.
        self.assertEqual({"name": "departure", "kind": "timestamp", "parts": ["month", "dayOfWeek", "hour"]}, departure)
        # Most frequent first; a missing value goes to the unknown bucket.
        self.assertEqual(["ORD", "LAX"], origin["vocabulary"])
        self.assertEqual("unknown", origin["whenMissing"])
        self.assertEqual((120.0, 180.0, "clip", "impute", 150.0), (seats["min"], seats["max"], seats["whenOutOfRange"], seats["whenMissing"], seats["imputeValue"]))
        self.assertAlmostEqual(150.0, seats["scaling"]["mean"])
        self.assertEqual(["departure.month", "departure.dayOfWeek", "departure.hour", "origin", "seats"], input_columns(features))

    def test_the_matrix_follows_the_card_imputing_bucketing_scaling_and_one_hot_encoding(self):
        features = draft_features(self.frame, label="late", timestamps=["departure"], encoding="oneHot", scale=False)
        self.assertEqual(["departure.month", "departure.dayOfWeek", "departure.hour", "origin=ORD", "origin=LAX", "origin=<unknown>", "seats"], input_columns(features))
        matrix = feature_matrix(self.frame, features)
        # 2001-02-03 was a Saturday (6, Sunday being 0); the missing origin is unknown; the missing seats the median.
        self.assertEqual([2, 6, 7, 1, 0, 0, 180], matrix[0].tolist())
        self.assertEqual([2, 2, 9, 0, 0, 1, 150], matrix[3].tolist())
        self.assertEqual(150, matrix[1][-1])

    def test_values_outside_the_card_are_refused_unless_it_clips_and_unknown_text_goes_to_the_unknown_bucket(self):
        features = [{"name": "seats", "kind": "numeric", "min": 0, "max": 100}]
        with self.assertRaisesRegex(ValueError, r"seats: row 0 is outside \[0, 100\]"):
            feature_matrix(pd.DataFrame({"seats": [180.0]}), features)
        features[0]["whenOutOfRange"] = "clip"
        self.assertEqual([[100]], feature_matrix(pd.DataFrame({"seats": [180.0]}), features).tolist())
        origin = [{"name": "origin", "kind": "categorical", "vocabulary": ["ORD", "LAX"]}]
        self.assertEqual([[0], [2]], feature_matrix(pd.DataFrame({"origin": [" ord ", "SFO"]}), origin).tolist())

    def test_many_categories_are_hashed_with_the_platform_s_fnv_1a(self):
        # The published FNV-1a 32-bit vectors; the platform hashes the upper-cased text.
        self.assertEqual(0xE40C292C, _fnv1a("a"))
        self.assertEqual(0xBF9CF968, _fnv1a("foobar"))
        frame = pd.DataFrame({"tail": [f"N{number}" for number in range(60)], "y": [0, 1] * 30})
        (tail,) = draft_features(frame, label="y")
        self.assertEqual(64, tail["hashBuckets"])
        self.assertEqual(_fnv1a("N7") % 64, feature_matrix(frame, [tail])[7][0])

    def test_a_whole_card_names_its_input_output_labels_and_label_field(self):
        card = draft_card(self.frame, "flights", "binary", "late", labels=["no", "yes"], timestamps=["departure"])
        self.assertEqual(("flights", "1", "binary"), (card["name"], card["version"], card["task"]))
        self.assertEqual({"probability": "probabilities", "labels": ["no", "yes"]}, card["output"])
        self.assertEqual({"field": "late"}, card["label"])
        self.assertEqual(input_columns(card["features"]), card["input"]["columns"])
        self.assertEqual({"score": "value"}, draft_card(self.frame.drop(columns="late"), "seats", "regression", "seats", output="value")["output"])


if __name__ == "__main__":
    unittest.main()
