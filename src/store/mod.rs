//! The workspace at rest: settings, the question catalog, Parquet tables and atomic changes.

pub mod build;
pub mod cache;
pub mod catalog;
pub mod frames;
pub mod parts;
pub mod read;
pub mod responses;
pub mod round;
pub mod telemetry;
pub mod workspace;
