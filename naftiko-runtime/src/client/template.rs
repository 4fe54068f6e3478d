//! JSON request bodies from the spec (`body: {type: json, data: ...}`), filled with parameters.

use serde_json::Value;

/// A JSON body template from the spec (`body: {type: json, data: ...}`).
#[derive(Debug)]
pub enum JsonTemplate {
    /// A constant, as JSON text.
    Json(&'static str),
    /// The value of parameter `i`, with its JSON type; left out of its object when absent.
    Var(usize),
    /// Text with parameters inside; left out of its object when one is absent.
    Text(&'static [TextPart]),
    Array(&'static [JsonTemplate]),
    Object(&'static [(&'static str, JsonTemplate)]),
}

#[derive(Debug)]
pub enum TextPart {
    Lit(&'static str),
    /// The value of parameter `i`.
    Var(usize),
    /// The value of parameter `i` as JSON text, `null` when absent (a raw JSON body's
    /// placeholder outside a string literal).
    JsonVar(usize),
    /// The value of an environment variable the spec binds, read when the client was built
    /// (listed in `Api::BODY_ENV`).
    Env(&'static str),
}

/// The value of a bound environment variable among those read for bodies (empty if it was not
/// read, which generated code never lets happen).
pub(super) fn env_value<'a>(env: &'a [(&'static str, String)], name: &str) -> &'a str {
    env.iter()
        .find(|(n, _)| *n == name)
        .map_or("", |(_, v)| v.as_str())
}

impl JsonTemplate {
    /// The body for these parameter values (indexed like the operation's parameters).
    pub fn fill(&self, vars: &[Option<Value>]) -> Value {
        self.fill_env(vars, &[])
    }

    /// The body for these parameter values and bound environment variables.
    pub fn fill_env(&self, vars: &[Option<Value>], env: &[(&'static str, String)]) -> Value {
        self.fill_opt(vars, env).unwrap_or(Value::Null)
    }

    fn fill_opt(&self, vars: &[Option<Value>], env: &[(&'static str, String)]) -> Option<Value> {
        match self {
            JsonTemplate::Json(text) => serde_json::from_str(text).ok(),
            JsonTemplate::Var(i) => vars.get(*i).cloned().flatten(),
            JsonTemplate::Text(parts) => {
                let mut out = String::new();
                for p in *parts {
                    match p {
                        TextPart::Lit(s) => out.push_str(s),
                        TextPart::Env(name) => out.push_str(env_value(env, name)),
                        TextPart::Var(i) | TextPart::JsonVar(i) => match vars.get(*i)?.as_ref()? {
                            Value::String(s) => out.push_str(s),
                            other => out.push_str(&other.to_string()),
                        },
                    }
                }
                Some(Value::String(out))
            }
            JsonTemplate::Array(items) => Some(Value::Array(
                items
                    .iter()
                    .map(|t| t.fill_opt(vars, env).unwrap_or(Value::Null))
                    .collect(),
            )),
            JsonTemplate::Object(entries) => Some(Value::Object(
                entries
                    .iter()
                    .filter_map(|(k, t)| t.fill_opt(vars, env).map(|v| ((*k).to_string(), v)))
                    .collect(),
            )),
        }
    }
}

#[cfg(test)]
mod template_tests {
    use super::*;
    use serde_json::json;

    static BODY: JsonTemplate = JsonTemplate::Object(&[
        ("name", JsonTemplate::Var(0)),
        (
            "selector",
            JsonTemplate::Text(&[
                TextPart::Lit("type(\""),
                TextPart::Var(1),
                TextPart::Lit("\")"),
            ]),
        ),
        ("limit", JsonTemplate::Json("10")),
        (
            "tags",
            JsonTemplate::Array(&[JsonTemplate::Var(0), JsonTemplate::Json("\"x\"")]),
        ),
    ]);

    #[test]
    fn fills_variables_with_their_json_type_and_leaves_out_absent_ones() {
        assert_eq!(
            BODY.fill(&[Some(json!(7)), Some(json!("HOST"))]),
            json!({"name": 7, "selector": "type(\"HOST\")", "limit": 10, "tags": [7, "x"]})
        );
        assert_eq!(
            BODY.fill(&[None, None]),
            json!({"limit": 10, "tags": [null, "x"]})
        );
    }
}
