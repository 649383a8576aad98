//! Deterministic synthetic survey exports.
