"""The ML platform's Python client (docs/python-client.md): the standard library only; pandas where a DataFrame is given.

    from mlplatform import Platform, draft_card, feature_matrix
    platform = Platform()                     # MLP_URL / MLP_KEY, else the config file, else http://127.0.0.1:5000
    platform.predict("flight-delay", {"date": "2001-02-03T07:45:00", "origin": "ORD", "destination": "LAX", "distance": 1744})
"""
from .cards import draft_card, draft_features, feature_matrix, input_columns
from .client import Platform
from .errors import ApiError, PlatformError

__all__ = ["Platform", "ApiError", "PlatformError", "draft_card", "draft_features", "feature_matrix", "input_columns"]
