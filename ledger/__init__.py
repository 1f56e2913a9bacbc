"""ledger: a forecast ledger for analysts.

Questions with resolution criteria, forecasts with rationales, evidence, resolutions and
calibration scores, every write journaled in a SHA-256 hash chain.
"""

__version__ = "0.1.0"
