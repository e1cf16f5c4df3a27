"""CardioRisk CAD: probability of angiographic coronary artery disease from routine findings.

The example device of techfile. ``features`` validates and encodes a patient's findings,
``model`` scores them with the trained logistic regression in ``model/model.json``, ``train``
fits that model on three centres and tests it on the fourth.
"""

from cardiorisk.features import FEATURES, Findings, InvalidFindingsError, encode
from cardiorisk.model import Model, load_model

__all__ = ["FEATURES", "Findings", "InvalidFindingsError", "Model", "encode", "load_model"]
