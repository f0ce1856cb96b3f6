//! Drift rules: each raised by a case and held back at its boundary.
