//! The spec as written: a typed model of a `1.0.0-alpha2`/`alpha3` capability with the position
//! of every value, read from the YAML tree by hand so that every shape error is collected.
//!
//! This stage checks shapes only (required keys, unknown keys, scalar types, enumerations).
//! Cross-references (calls, `with`, templates, duplicates) are checked in [`crate::resolve`].
//!
//! [`types`] is the model, [`read`](mod@read) the readers (one module per part of a spec), and `obj` the
//! helper they share to walk a YAML mapping key by key.

pub mod beta;
mod obj;
pub mod read;
pub mod types;

pub use read::{Loader, read, read_with};
pub use types::*;
