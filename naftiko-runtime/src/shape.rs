//! Output shaping: how a result is built from the upstream's JSON answer, or from the inputs
//! alone (mock mode), as the spec's `outputParameters` declare it.
//!
//! The generated code holds the shape as a `static` tree of [`Node`]s; the JSONPath queries
//! it names (checked at compile time) are parsed once, on first use. Rules:
//! - [`Kind::Whole`] is the context unchanged; at the top it is passed on byte for byte.
//! - [`Kind::Select`] is a JSONPath from the context: a singular query yields its node or
//!   `null`, any other query an array of the nodes it selects.
//! - An object reads each property from its context: the node its own `from` selects, else its
//!   parent's context. An array's `items` read from each element.
//! - [`Kind::Value`] is text with the inputs' values in it, typed by the node's type.
//! - A declared type is checked: `null` is always allowed (a missing field), lossless
//!   conversions from text are made (`"42"` for an integer, `7` for a string), anything else is
//!   a [`ShapeError`] naming where the answer does not fit.

use crate::mcp::JsonType;
use serde_json::{Map, Value};
use serde_json_path::JsonPath;
use std::fmt;
use std::sync::OnceLock;

/// A result's shape, and the JSONPath queries its nodes refer to by index.
#[derive(Debug)]
pub struct Output {
    root: Node,
    paths: &'static [&'static str],
    compiled: OnceLock<Vec<Option<JsonPath>>>,
}

/// One node of a shape.
#[derive(Debug)]
pub struct Node {
    /// The declared type; `None` leaves it open.
    pub ty: Option<JsonType>,
    /// `const:` as JSON text: the one value allowed besides `null`.
    pub konst: Option<&'static str>,
    pub kind: Kind,
}

#[derive(Debug)]
pub enum Kind {
    /// The context unchanged.
    Whole,
    /// The query `paths[path]` from the context.
    Select(Query),
    /// Text with inputs in it.
    Value(&'static [Part]),
    Object {
        from: Option<Query>,
        properties: &'static [(&'static str, Node)],
    },
    Array {
        from: Option<Query>,
        items: Option<&'static Node>,
    },
}

/// A JSONPath query: its index in the output's `paths`, and whether it is singular.
#[derive(Debug, Clone, Copy)]
pub struct Query {
    pub path: usize,
    pub singular: bool,
}

#[derive(Debug)]
pub enum Part {
    Lit(&'static str),
    /// The text of the input with this index (empty when an optional input is absent, as a
    /// Mustache template renders it).
    Input(usize),
}

/// Where a result does not fit its declared shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeError {
    /// Where in the result: `specs.tonnage`, `[3].imo`, or empty for the result itself.
    pub at: String,
    pub expected: &'static str,
    pub found: String,
    /// True when the value came from the upstream's answer, false when from the inputs.
    pub upstream: bool,
}

impl fmt::Display for ShapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.at.is_empty() {
            "the result".to_string()
        } else {
            format!("`{}`", self.at)
        };
        let whose = if self.upstream {
            "the upstream's answer does not fit the declared output"
        } else {
            "an output value does not fit its declared type"
        };
        write!(
            f,
            "{whose}: {at} must be {}, found {}",
            self.expected, self.found
        )
    }
}

impl std::error::Error for ShapeError {}

impl Node {
    /// The context unchanged: the upstream's answer passed on as it is.
    pub const WHOLE: Node = Node {
        ty: None,
        konst: None,
        kind: Kind::Whole,
    };

    fn is_static(&self) -> bool {
        match &self.kind {
            Kind::Value(_) => true,
            Kind::Whole | Kind::Select(_) => false,
            Kind::Object { from, properties } => {
                from.is_none() && properties.iter().all(|(_, n)| n.is_static())
            }
            Kind::Array { from, items } => from.is_none() && items.is_none_or(Node::is_static),
        }
    }
}

impl Output {
    /// The upstream's answer as it is (the universal `type: object, mapping: $.`).
    pub const fn whole() -> Self {
        Output::new(Node::WHOLE, &[])
    }

    pub const fn new(root: Node, paths: &'static [&'static str]) -> Self {
        Output {
            root,
            paths,
            compiled: OnceLock::new(),
        }
    }

    /// Whether the result is the upstream's answer unchanged (passed on byte for byte).
    pub fn is_whole(&self) -> bool {
        matches!(self.root.kind, Kind::Whole) && self.root.ty.is_none() && self.root.konst.is_none()
    }

    /// Whether the result reads nothing from an upstream (mock mode).
    pub fn is_static(&self) -> bool {
        self.root.is_static()
    }

    /// Whether the result is an object by its shape (built property by property).
    pub fn is_object(&self) -> bool {
        matches!(self.root.kind, Kind::Object { .. })
    }

    /// The root node.
    pub fn root(&self) -> &Node {
        &self.root
    }

    /// Builds the result from `context` (the upstream's JSON, `Value::Null` in mock mode) and
    /// the inputs' texts (indexed as the call's inputs; `None` when absent).
    pub fn apply(&self, context: &Value, inputs: &[Option<String>]) -> Result<Value, ShapeError> {
        let compiled = self
            .compiled
            .get_or_init(|| self.paths.iter().map(|p| JsonPath::parse(p).ok()).collect());
        let mut at = String::new();
        Eval { compiled, inputs }.node(&self.root, context, &mut at)
    }
}

struct Eval<'a> {
    compiled: &'a [Option<JsonPath>],
    inputs: &'a [Option<String>],
}

impl Eval<'_> {
    fn select(&self, q: Query, context: &Value) -> Value {
        let Some(Some(path)) = self.compiled.get(q.path) else {
            return Value::Null;
        };
        let nodes = path.query(context).all();
        if q.singular {
            nodes.first().map_or(Value::Null, |v| (*v).clone())
        } else {
            Value::Array(nodes.into_iter().cloned().collect())
        }
    }

    fn node(&self, n: &Node, context: &Value, at: &mut String) -> Result<Value, ShapeError> {
        let (v, upstream) = match &n.kind {
            Kind::Whole => (context.clone(), true),
            Kind::Select(q) => {
                let mut v = self.select(*q, context);
                // A scalar output from a query that may select several nodes: one node is
                // the value, none is null, several do not fit.
                let scalar = matches!(
                    n.ty,
                    Some(
                        JsonType::String | JsonType::Integer | JsonType::Number | JsonType::Boolean
                    )
                );
                if scalar
                    && !q.singular
                    && let Value::Array(nodes) = &mut v
                {
                    match nodes.len() {
                        0 => v = Value::Null,
                        1 => v = nodes.pop().unwrap_or(Value::Null),
                        _ => {}
                    }
                }
                (v, true)
            }
            Kind::Value(parts) => (self.render(n.ty, parts, at)?, false),
            Kind::Object { from, properties } => {
                let selected;
                let inner = match from {
                    Some(q) => {
                        selected = self.select(*q, context);
                        if selected.is_null() {
                            return Ok(Value::Null);
                        }
                        &selected
                    }
                    None => context,
                };
                let mut out = Map::with_capacity(properties.len());
                for (name, p) in *properties {
                    let len = at.len();
                    if !at.is_empty() {
                        at.push('.');
                    }
                    at.push_str(name);
                    let v = self.node(p, inner, at)?;
                    at.truncate(len);
                    out.insert((*name).to_string(), v);
                }
                (Value::Object(out), true)
            }
            Kind::Array { from, items } => {
                let selected = match from {
                    Some(q) => self.select(*q, context),
                    None => context.clone(),
                };
                match (selected, items) {
                    (Value::Array(elements), Some(item)) => {
                        let mut out = Vec::with_capacity(elements.len());
                        for (i, e) in elements.iter().enumerate() {
                            let len = at.len();
                            at.push_str(&format!("[{i}]"));
                            out.push(self.node(item, e, at)?);
                            at.truncate(len);
                        }
                        (Value::Array(out), true)
                    }
                    (other, _) => (other, true),
                }
            }
        };
        conform(n, v, at, upstream)
    }

    fn render(&self, ty: Option<JsonType>, parts: &[Part], at: &str) -> Result<Value, ShapeError> {
        let mut text = String::new();
        for p in parts {
            match p {
                Part::Lit(s) => text.push_str(s),
                Part::Input(i) => {
                    if let Some(Some(v)) = self.inputs.get(*i) {
                        text.push_str(v);
                    }
                }
            }
        }
        let bad = |expected| ShapeError {
            at: at.to_string(),
            expected,
            found: format!("`{}`", text.chars().take(64).collect::<String>()),
            upstream: false,
        };
        Ok(match ty {
            None | Some(JsonType::String) => Value::String(text),
            // Only absent inputs and no text: nothing to type.
            Some(_) if text.trim().is_empty() => Value::Null,
            Some(JsonType::Integer) => text
                .trim()
                .parse::<i64>()
                .map(Value::from)
                .map_err(|_| bad("an integer"))?,
            Some(JsonType::Number) => text
                .trim()
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(Value::Number)
                .ok_or_else(|| bad("a number"))?,
            Some(JsonType::Boolean) => text
                .trim()
                .parse::<bool>()
                .map(Value::Bool)
                .map_err(|_| bad("`true` or `false`"))?,
            Some(other) => return Err(bad(other.article())),
        })
    }
}

/// `v` as the node's declared type: unchanged when it is of that type (or `null`), converted
/// when the conversion loses nothing, else an error.
fn conform(n: &Node, v: Value, at: &str, upstream: bool) -> Result<Value, ShapeError> {
    let err = |expected: &'static str, v: &Value| ShapeError {
        at: at.to_string(),
        expected,
        found: crate::mcp::json_kind(v).to_string(),
        upstream,
    };
    let v = match (n.ty, v) {
        (None, v) | (_, v @ Value::Null) => v,
        (Some(t), v) if t.matches(&v) => v,
        (Some(JsonType::String), Value::Number(x)) => Value::String(x.to_string()),
        (Some(JsonType::String), Value::Bool(b)) => Value::String(b.to_string()),
        (Some(JsonType::Integer), Value::String(s)) => match s.trim().parse::<i64>() {
            Ok(i) => Value::from(i),
            Err(_) => return Err(err("an integer", &Value::String(s))),
        },
        (Some(JsonType::Integer), Value::Number(x)) => match x.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Value::from(f as i64),
            _ => return Err(err("an integer", &Value::Number(x))),
        },
        (Some(JsonType::Number), Value::String(s)) => {
            match s
                .trim()
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
            {
                Some(x) => Value::Number(x),
                None => return Err(err("a number", &Value::String(s))),
            }
        }
        (Some(JsonType::Boolean), Value::String(s)) => match s.trim() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(err("a boolean", &Value::String(s))),
        },
        (Some(t), v) => return Err(err(t.article(), &v)),
    };
    if let Some(k) = n.konst
        && !v.is_null()
        && serde_json::from_str::<Value>(k).is_ok_and(|k| k != v)
    {
        return Err(ShapeError {
            at: at.to_string(),
            expected: "the declared `const`",
            found: short(&v),
            upstream,
        });
    }
    Ok(v)
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 64 {
        format!("{}…", s.chars().take(64).collect::<String>())
    } else {
        s
    }
}

/// The text of an input, as a `value` template shows it: strings as they are, other values as
/// JSON, nothing for an absent optional input.
pub trait Text {
    fn text(&self) -> Option<String>;
}

impl Text for String {
    fn text(&self) -> Option<String> {
        Some(self.clone())
    }
}

macro_rules! text_by_display {
    ($($t:ty),*) => {$(
        impl Text for $t {
            fn text(&self) -> Option<String> {
                Some(self.to_string())
            }
        }
    )*};
}
text_by_display!(i64, f64, bool, Value);

impl Text for Vec<Value> {
    fn text(&self) -> Option<String> {
        serde_json::to_string(self).ok()
    }
}

impl<T: Text> Text for Option<T> {
    fn text(&self) -> Option<String> {
        self.as_ref().and_then(Text::text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const fn scalar(ty: JsonType, path: usize) -> Node {
        Node {
            ty: Some(ty),
            konst: None,
            kind: Kind::Select(Query {
                path,
                singular: true,
            }),
        }
    }

    static SHIP: Output = Output::new(
        Node {
            ty: Some(JsonType::Object),
            konst: None,
            kind: Kind::Object {
                from: None,
                properties: &[
                    ("imo", scalar(JsonType::String, 0)),
                    (
                        "specs",
                        Node {
                            ty: Some(JsonType::Object),
                            konst: None,
                            kind: Kind::Object {
                                from: None,
                                properties: &[
                                    ("tonnage", scalar(JsonType::Number, 1)),
                                    ("length", scalar(JsonType::Number, 2)),
                                ],
                            },
                        },
                    ),
                ],
            },
        },
        &[
            "$.imo_number",
            "$.gross_tonnage",
            "$.dimensions.length_overall",
        ],
    );

    #[test]
    fn nested_object_without_mapping_reads_from_the_same_context() {
        let answer = json!({"imo_number": 9321483, "gross_tonnage": "52000", "dimensions": {"length_overall": 300.5}});
        assert_eq!(
            SHIP.apply(&answer, &[]).unwrap(),
            json!({"imo": "9321483", "specs": {"tonnage": 52000.0, "length": 300.5}})
        );
        // Missing fields are null, not errors.
        assert_eq!(
            SHIP.apply(&json!({}), &[]).unwrap(),
            json!({"imo": null, "specs": {"tonnage": null, "length": null}})
        );
    }

    #[test]
    fn a_value_that_does_not_fit_names_where() {
        let e = SHIP
            .apply(&json!({"gross_tonnage": {"t": 1}}), &[])
            .unwrap_err();
        assert_eq!(e.at, "specs.tonnage");
        assert!(e.upstream);
        assert_eq!(
            e.to_string(),
            "the upstream's answer does not fit the declared output: `specs.tonnage` must be a number, found an object"
        );
    }

    static LIST: Output = Output::new(
        Node {
            ty: Some(JsonType::Array),
            konst: None,
            kind: Kind::Array {
                from: Some(Query {
                    path: 0,
                    singular: true,
                }),
                items: Some(&Node {
                    ty: Some(JsonType::Object),
                    konst: None,
                    kind: Kind::Object {
                        from: None,
                        properties: &[("name", scalar(JsonType::String, 1))],
                    },
                }),
            },
        },
        &["$.data", "$.vessel_name"],
    );

    #[test]
    fn array_items_read_from_each_element() {
        let answer = json!({"data": [{"vessel_name": "A"}, {"vessel_name": "B", "x": 1}]});
        assert_eq!(
            LIST.apply(&answer, &[]).unwrap(),
            json!([{"name": "A"}, {"name": "B"}])
        );
        let e = LIST
            .apply(
                &json!({"data": [{"vessel_name": "A"}, {"vessel_name": []}]}),
                &[],
            )
            .unwrap_err();
        assert_eq!(e.at, "[1].name");
        assert_eq!(LIST.apply(&json!({}), &[]).unwrap(), Value::Null);
    }

    #[test]
    fn queries_that_are_not_singular_always_yield_arrays() {
        static IDS: Output = Output::new(
            Node {
                ty: Some(JsonType::Array),
                konst: None,
                kind: Kind::Select(Query {
                    path: 0,
                    singular: false,
                }),
            },
            &["$.data[*].id"],
        );
        assert_eq!(
            IDS.apply(&json!({"data": [{"id": 1}]}), &[]).unwrap(),
            json!([1])
        );
        assert_eq!(IDS.apply(&json!({}), &[]).unwrap(), json!([]));
    }

    #[test]
    fn a_scalar_from_a_query_that_is_not_singular_takes_its_one_node() {
        static NAME: Output = Output::new(
            Node {
                ty: Some(JsonType::String),
                konst: None,
                kind: Kind::Select(Query {
                    path: 0,
                    singular: false,
                }),
            },
            &["$.items[?@.id == 1].name"],
        );
        let one = json!({"items": [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}]});
        assert_eq!(NAME.apply(&one, &[]).unwrap(), json!("a"));
        assert_eq!(NAME.apply(&json!({"items": []}), &[]).unwrap(), Value::Null);
        let two = json!({"items": [{"id": 1, "name": "a"}, {"id": 1, "name": "b"}]});
        assert!(NAME.apply(&two, &[]).is_err());
    }

    #[test]
    fn values_render_inputs_and_take_their_type() {
        static MOCK: Output = Output::new(
            Node {
                ty: Some(JsonType::Object),
                konst: None,
                kind: Kind::Object {
                    from: None,
                    properties: &[
                        (
                            "greeting",
                            Node {
                                ty: Some(JsonType::String),
                                konst: None,
                                kind: Kind::Value(&[
                                    Part::Lit("Hello, "),
                                    Part::Input(0),
                                    Part::Lit("!"),
                                ]),
                            },
                        ),
                        (
                            "count",
                            Node {
                                ty: Some(JsonType::Integer),
                                konst: None,
                                kind: Kind::Value(&[Part::Input(1)]),
                            },
                        ),
                    ],
                },
            },
            &[],
        );
        assert!(MOCK.is_static());
        let v = MOCK
            .apply(&Value::Null, &[Some("Alice".into()), Some("3".into())])
            .unwrap();
        assert_eq!(v, json!({"greeting": "Hello, Alice!", "count": 3}));
        let e = MOCK
            .apply(&Value::Null, &[None, Some("three".into())])
            .unwrap_err();
        assert!(!e.upstream);
        assert_eq!(e.at, "count");
    }

    #[test]
    fn const_is_checked() {
        static K: Output = Output::new(
            Node {
                ty: Some(JsonType::String),
                konst: Some("\"ship\""),
                kind: Kind::Select(Query {
                    path: 0,
                    singular: true,
                }),
            },
            &["$.kind"],
        );
        assert_eq!(
            K.apply(&json!({"kind": "ship"}), &[]).unwrap(),
            json!("ship")
        );
        assert!(K.apply(&json!({"kind": "boat"}), &[]).is_err());
        assert_eq!(K.apply(&json!({}), &[]).unwrap(), Value::Null);
    }

    #[test]
    fn whole_is_the_context() {
        assert!(Output::whole().is_whole());
        let v = json!({"a": [1, 2]});
        assert_eq!(Output::whole().apply(&v, &[]).unwrap(), v);
    }
}
