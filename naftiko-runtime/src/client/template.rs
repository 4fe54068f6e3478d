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
    Var(usize),
}

impl JsonTemplate {
    /// The body for these parameter values (indexed like the operation's parameters).
    pub fn fill(&self, vars: &[Option<Value>]) -> Value {
        self.fill_opt(vars).unwrap_or(Value::Null)
    }

    fn fill_opt(&self, vars: &[Option<Value>]) -> Option<Value> {
        match self {
            JsonTemplate::Json(text) => serde_json::from_str(text).ok(),
            JsonTemplate::Var(i) => vars.get(*i).cloned().flatten(),
            JsonTemplate::Text(parts) => {
                let mut out = String::new();
                for p in *parts {
                    match p {
                        TextPart::Lit(s) => out.push_str(s),
                        TextPart::Var(i) => match vars.get(*i)?.as_ref()? {
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
                    .map(|t| t.fill_opt(vars).unwrap_or(Value::Null))
                    .collect(),
            )),
            JsonTemplate::Object(entries) => Some(Value::Object(
                entries
                    .iter()
                    .filter_map(|(k, t)| t.fill_opt(vars).map(|v| ((*k).to_string(), v)))
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
