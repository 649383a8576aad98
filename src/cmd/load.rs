//! Moved to [`crate::store::read`]; these re-exports keep old callers compiling until they are
//! repointed.

pub use crate::store::read::{
    check_round, group_sizes, latest_round, maturity_levels, metas, responses, round_or_latest,
};
