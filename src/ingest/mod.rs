//! Raw survey exports to a parsed round: decoding, platform layouts, scales, privacy.
//!
//! Nothing here touches the workspace; `store` takes a [`survey::Survey`] from here.

pub mod container;
pub mod decode;
#[cfg(test)]
mod fuzz;
pub mod grid;
pub mod header_rows;
pub mod identify;
pub mod layout;
pub mod privacy;
pub mod scales;
pub mod survey;
pub mod telemetry;
pub mod timestamp;
