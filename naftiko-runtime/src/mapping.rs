//! Output mappings: `$.` (the upstream JSON unchanged) or an RFC 9535 JSONPath query.

use serde_json::Value;
use serde_json_path::JsonPath;
use std::sync::OnceLock;

/// A mapping from the spec. Paths were checked at compile time; they are parsed once, on first use.
#[derive(Debug)]
pub struct Mapping {
    path: Option<&'static str>,
    compiled: OnceLock<Option<JsonPath>>,
}

impl Mapping {
    /// The upstream JSON unchanged.
    pub const fn identity() -> Self {
        Mapping { path: None, compiled: OnceLock::new() }
    }

    pub const fn path(path: &'static str) -> Self {
        Mapping { path: Some(path), compiled: OnceLock::new() }
    }

    /// Applies the mapping: one match is the result itself, several are an array, none is null.
    pub fn apply(&self, value: Value) -> Value {
        let Some(src) = self.path else { return value };
        let Some(path) = self.compiled.get_or_init(|| JsonPath::parse(src).ok()) else { return value };
        let nodes = path.query(&value).all();
        match nodes.as_slice() {
            [] => Value::Null,
            [one] => (*one).clone(),
            many => Value::Array(many.iter().map(|v| (*v).clone()).collect()),
        }
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
        assert_eq!(Mapping::path("$.nextToken").apply(v.clone()), json!("t"));
        assert_eq!(Mapping::path("$.data[*].id").apply(v.clone()), json!([1, 2]));
        assert_eq!(Mapping::path("$.missing").apply(v), Value::Null);
    }
}
