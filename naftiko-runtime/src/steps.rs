//! Orchestrated operations (`steps`): the context the steps' answers make up, lookups in it,
//! and the REST answer of the whole.
//!
//! The generated handler runs the independent `call` steps (those whose `with` reads no
//! other step's answer) at once: `tokio::join!` awaits them concurrently, on one task. It
//! records each answer in the context object `{ "<step>": <answer>, ... }` in the order the
//! steps are written, then runs the other steps (lookups, and calls reading an earlier answer
//! through [`Context::arg`]) one after the other in the order written, then shapes the context
//! with the operation's output (its `mappings`). The first failing step, in that order, is
//! the answer.

use crate::client::{Error, Reply};
use crate::rest::{FromJson, Problem, error_response};
use crate::shape::Output;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

/// A step whose upstream call failed.
#[derive(Debug)]
pub struct StepFailure {
    /// The step's name.
    pub step: &'static str,
    pub error: Error,
}

/// The steps' answers so far, by step name.
#[derive(Debug, Default)]
pub struct Context {
    map: Map<String, Value>,
}

impl Context {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records the answer of call step `step` (its JSON body), or why there is none.
    pub fn record(
        &mut self,
        step: &'static str,
        result: Result<Reply, Error>,
    ) -> Result<(), StepFailure> {
        let value = result
            .and_then(Reply::try_into_json)
            .map_err(|error| StepFailure { step, error })?;
        self.map.insert(step.to_string(), value);
        Ok(())
    }

    /// Records the answer of script step `step` (`None`: it assigned no `result`, and the
    /// step has no answer), or why it failed.
    pub fn record_script(
        &mut self,
        step: &'static str,
        result: Result<Option<Value>, Error>,
    ) -> Result<(), StepFailure> {
        if let Some(value) = result.map_err(|error| StepFailure { step, error })? {
            self.map.insert(step.to_string(), value);
        }
        Ok(())
    }

    /// The value at `pointer` (a step's name, then a path in its answer); `null` when there is
    /// none.
    pub fn at(&self, pointer: &str) -> Value {
        self.value(pointer).cloned().unwrap_or(Value::Null)
    }

    /// The answer of step `step`, if it has one.
    pub fn answer(&self, step: &str) -> Option<&Value> {
        self.map.get(step)
    }

    /// Runs lookup step `step`: the elements of step `index`'s answer whose field `field`
    /// equals a value at `pointer` (a JSON pointer into the context), projected on `keep`.
    pub fn lookup(&mut self, step: &str, index: &str, field: &str, pointer: &str, keep: &[&str]) {
        let empty = Value::Null;
        let root = Value::Object(std::mem::take(&mut self.map));
        let table = root.get(index).unwrap_or(&empty);
        let values = root.pointer(pointer).unwrap_or(&empty);
        let found = lookup(table, field, values, keep);
        if let Value::Object(map) = root {
            self.map = map;
        }
        self.map.insert(step.to_string(), found);
    }

    /// The value at `pointer` (an earlier step's answer) as a parameter of type `T`; `None`
    /// when there is none (`null`) or it is not a `T`.
    pub fn arg<T: FromJson>(&self, pointer: &str) -> Option<T> {
        self.value(pointer).cloned().and_then(T::from_json)
    }

    /// [`Context::arg`] for a required parameter `name`: a missing value or one of another
    /// type refuses the call ([`Error::InvalidArgument`]) before anything is sent.
    pub fn required_arg<T: FromJson>(&self, name: &'static str, pointer: &str) -> Result<T, Error> {
        match self.value(pointer) {
            None => Err(Error::InvalidArgument {
                name,
                reason: format!("the earlier steps' answers have no value at `{pointer}`"),
            }),
            Some(v) => T::from_json(v.clone()).ok_or_else(|| Error::InvalidArgument {
                name,
                reason: format!("the value at `{pointer}` is not {}", T::EXPECTED),
            }),
        }
    }

    /// The value at a JSON pointer whose first segment is a step's name; `None` for `null`.
    fn value(&self, pointer: &str) -> Option<&Value> {
        let rest = pointer.strip_prefix('/')?;
        let (step, inner) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        let step = step.replace("~1", "/").replace("~0", "~");
        self.map
            .get(&step)
            .and_then(|v| v.pointer(inner))
            .filter(|v| !v.is_null())
    }

    /// The context object the output's mappings read.
    pub fn into_value(self) -> Value {
        Value::Object(self.map)
    }
}

/// For each of `values` (an array of values, or one value), the elements of `index` (an
/// array; anything else has no elements) whose field `field` equals it, in that order,
/// projected on the fields `keep` (the whole element when `keep` is empty). Values with no
/// match add nothing; a missing field of a match is `null`.
pub fn lookup(index: &Value, field: &str, values: &Value, keep: &[&str]) -> Value {
    let elements = index.as_array().map(Vec::as_slice).unwrap_or_default();
    let wanted: &[Value] = match values {
        Value::Array(items) => items,
        Value::Null => &[],
        one => std::slice::from_ref(one),
    };
    let mut out = Vec::new();
    for w in wanted {
        for e in elements.iter().filter(|e| e.get(field) == Some(w)) {
            out.push(if keep.is_empty() {
                e.clone()
            } else {
                Value::Object(
                    keep.iter()
                        .map(|k| (k.to_string(), e.get(*k).cloned().unwrap_or(Value::Null)))
                        .collect(),
                )
            });
        }
    }
    Value::Array(out)
}

/// The REST answer of an orchestrated operation: `200` with the context shaped by `output`;
/// a failing step's upstream status and body as for a single call
/// ([`crate::rest::error_response`]).
pub fn respond(
    result: Result<Context, StepFailure>,
    output: &Output,
    inputs: &[Option<String>],
) -> Response {
    match result {
        Ok(context) => match output.apply(&context.into_value(), inputs) {
            Ok(v) => (StatusCode::OK, axum::Json(v)).into_response(),
            Err(e) if e.upstream => Problem::new(
                StatusCode::BAD_GATEWAY,
                "Upstream answer does not fit the declared output",
                e.to_string(),
            )
            .into_response(),
            Err(e) => Problem::bad_request(e.to_string()).into_response(),
        },
        Err(f) => error_response(&f.error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lookup_keeps_the_order_of_the_values_and_projects() {
        let index = json!([
            {"crewId": "C1", "fullName": "Ann", "role": "captain", "x": 1},
            {"crewId": "C2", "fullName": "Bob", "role": "cook"},
        ]);
        assert_eq!(
            lookup(
                &index,
                "crewId",
                &json!(["C2", "C9", "C1"]),
                &["fullName", "role"]
            ),
            json!([{"fullName": "Bob", "role": "cook"}, {"fullName": "Ann", "role": "captain"}])
        );
        assert_eq!(
            lookup(&index, "crewId", &json!("C1"), &[]),
            json!([{"crewId": "C1", "fullName": "Ann", "role": "captain", "x": 1}])
        );
        assert_eq!(
            lookup(&json!({"a": 1}), "crewId", &json!("C1"), &[]),
            json!([])
        );
        assert_eq!(lookup(&index, "crewId", &Value::Null, &[]), json!([]));
    }

    #[test]
    fn context_lookup_reads_a_pointer_into_earlier_answers() {
        let mut c = Context::new();
        c.map.insert("ship".into(), json!({"crew": ["C1"]}));
        c.map
            .insert("crew".into(), json!([{"id": "C1", "n": "Ann"}]));
        c.lookup("resolve", "crew", "id", "/ship/crew", &["n"]);
        assert_eq!(c.arg::<String>("/ship/crew/0").as_deref(), Some("C1"));
        assert_eq!(c.arg::<i64>("/ship/crew/0"), None);
        assert!(matches!(
            c.required_arg::<String>("owner", "/ship/owner"),
            Err(Error::InvalidArgument { name: "owner", .. })
        ));
        assert_eq!(c.into_value()["resolve"], json!([{"n": "Ann"}]));
    }
}
