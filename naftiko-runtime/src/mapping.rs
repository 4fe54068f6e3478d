//! Output mappings: `$.` (the upstream JSON unchanged) or RFC 9535 JSONPath queries, applied
//! in order (the consumed operation's output, then the exposed operation's mapping).

use serde_json::Value;
use serde_json_path::JsonPath;
use std::sync::OnceLock;

/// Mappings from the spec. Paths were checked at compile time; they are parsed once, on first use.
#[derive(Debug)]
pub struct Mapping {
    paths: &'static [&'static str],
    compiled: OnceLock<Vec<JsonPath>>,
}

impl Mapping {
    /// The upstream JSON unchanged.
    pub const fn identity() -> Self {
        Mapping {
            paths: &[],
            compiled: OnceLock::new(),
        }
    }

    /// JSONPath queries applied one after the other.
    pub const fn paths(paths: &'static [&'static str]) -> Self {
        Mapping {
            paths,
            compiled: OnceLock::new(),
        }
    }

    /// `$.`: the value unchanged.
    pub fn is_identity(&self) -> bool {
        self.paths.is_empty()
    }

    /// Applies the mapping: one match is the result itself, several are an array, none is null.
    pub fn apply(&self, value: Value) -> Value {
        if self.paths.is_empty() {
            return value;
        }
        let compiled = self.compiled.get_or_init(|| {
            self.paths
                .iter()
                .filter_map(|p| JsonPath::parse(p).ok())
                .collect()
        });
        compiled.iter().fold(value, |value, path| {
            let nodes = path.query(&value).all();
            match nodes.as_slice() {
                [] => Value::Null,
                [one] => (*one).clone(),
                many => Value::Array(many.iter().map(|v| (*v).clone()).collect()),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn identity_and_paths() {
        let v = json!({"data": [{"id": 1}, {"id": 2}], "nextToken": "t"});
        assert_eq!(Mapping::identity().apply(v.clone()), v);
        assert_eq!(
            Mapping::paths(&["$.nextToken"]).apply(v.clone()),
            json!("t")
        );
        assert_eq!(
            Mapping::paths(&["$.data[*].id"]).apply(v.clone()),
            json!([1, 2])
        );
        assert_eq!(Mapping::paths(&["$.missing"]).apply(v.clone()), Value::Null);
        assert_eq!(Mapping::paths(&["$.data", "$[1].id"]).apply(v), json!(2));
    }
}
