//! An exposed input's `pattern`: a regular expression its value must match anywhere in it (as
//! JSON Schema's `pattern`), checked before anything is sent upstream. Generated code compiles
//! each pattern once ([`Pattern`]); the generator has already checked that it compiles.

use regex::Regex;
use std::sync::LazyLock;

/// A pattern compiled on first use.
pub struct Pattern {
    source: &'static str,
    regex: LazyLock<Option<Regex>, fn() -> Option<Regex>>,
}

impl std::fmt::Debug for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Pattern").field(&self.source).finish()
    }
}

/// A value that does not match its input's pattern.
#[derive(Debug, Clone)]
pub struct Mismatch {
    pub input: &'static str,
    pub pattern: &'static str,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "input `{}` does not match its pattern `{}`",
            self.input, self.pattern
        )
    }
}

impl Pattern {
    /// `compile` is `|| Regex::new(source).ok()`, written by generated code as a plain fn.
    pub const fn new(source: &'static str, compile: fn() -> Option<Regex>) -> Self {
        Pattern {
            source,
            regex: LazyLock::new(compile),
        }
    }

    /// `value` (absent: nothing to check) matches, else which input and pattern it failed.
    pub fn check(&self, input: &'static str, value: Option<&str>) -> Result<(), Mismatch> {
        let Some(value) = value else { return Ok(()) };
        match &*self.regex {
            Some(re) if re.is_match(value) => Ok(()),
            _ => Err(Mismatch {
                input,
                pattern: self.source,
            }),
        }
    }
}

impl From<Mismatch> for crate::rest::Problem {
    fn from(m: Mismatch) -> Self {
        crate::rest::Problem::bad_request(m.to_string())
    }
}

impl From<Mismatch> for crate::mcp::ArgError {
    fn from(m: Mismatch) -> Self {
        crate::mcp::ArgError::new(m.input, m.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static DIGITS: Pattern = Pattern::new(r"^\d{3}$", || Regex::new(r"^\d{3}$").ok());
    static BROKEN: Pattern = Pattern::new("(", || None);

    #[test]
    fn a_value_matches_or_names_its_input_and_pattern() {
        assert!(DIGITS.check("code", Some("123")).is_ok());
        assert!(DIGITS.check("code", None).is_ok());
        let e = DIGITS.check("code", Some("12a")).expect_err("mismatch");
        assert_eq!(
            e.to_string(),
            r"input `code` does not match its pattern `^\d{3}$`"
        );
        // A pattern that does not compile (the generator refuses those) matches nothing.
        assert!(BROKEN.check("x", Some("")).is_err());
    }
}
