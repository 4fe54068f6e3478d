//! A YAML document as a tree of nodes that keep their line and column.
//!
//! Why not serde: a spec must report *every* mistake in one build, each at its own line and
//! column, and must tell "missing key", "unknown key" and "wrong type" apart. A derive-based
//! deserializer stops at the first error and loses positions of values it has already accepted
//! (serde-saphyr's `Spanned<T>` keeps them only where the model asks for them). So we read the
//! event stream of `saphyr-parser` (the maintained successor of yaml-rust) into this small tree,
//! and the spec reader in [`crate::spec`] walks it by hand, collecting diagnostics as it goes.

use crate::diag::{Diagnostic, Pos, Span};
use saphyr_parser::{Event, Parser, ScalarStyle};
use std::collections::HashMap;

/// One YAML node with the span it was read from: the whole token for a scalar, the point where
/// it starts for a list or a mapping.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Span,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// A scalar; `plain` is false when it was quoted or a block scalar (then it is always a string).
    Scalar {
        value: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    /// Keys keep their own positions, in document order.
    Map(Vec<(Node, Node)>),
}

impl Node {
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    /// True for an absent value written as `key:` or `~` / `null`.
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, Kind::Scalar { value, plain: true } if value.is_empty() || value == "~" || value == "null" || value == "Null" || value == "NULL")
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.kind {
            Kind::Scalar { value, plain: true } => match value.as_str() {
                "true" | "True" | "TRUE" => Some(true),
                "false" | "False" | "FALSE" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match &self.kind {
            Kind::Scalar { value, plain: true } => value.parse().ok(),
            _ => None,
        }
    }

    /// A short name of the node's kind for "expected X, found Y" messages.
    pub fn describe(&self) -> &'static str {
        match &self.kind {
            Kind::Scalar { .. } if self.is_null() => "null",
            Kind::Scalar { .. } => "a scalar",
            Kind::Seq(_) => "a list",
            Kind::Map(_) => "a mapping",
        }
    }

    /// Converts a node to JSON, following the YAML 1.2 core schema for plain scalars.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.kind {
            Kind::Scalar { value, plain } => {
                if !plain {
                    return Value::String(value.clone());
                }
                if self.is_null() {
                    return Value::Null;
                }
                if let Some(b) = self.as_bool() {
                    return Value::Bool(b);
                }
                if let Ok(i) = value.parse::<i64>() {
                    return Value::from(i);
                }
                if let Ok(f) = value.parse::<f64>()
                    && f.is_finite()
                    && value.chars().any(|c| c.is_ascii_digit())
                    && let Some(n) = serde_json::Number::from_f64(f)
                {
                    return Value::Number(n);
                }
                Value::String(value.clone())
            }
            Kind::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            Kind::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.as_str().unwrap_or_default().to_string(), v.to_json()))
                    .collect(),
            ),
        }
    }
}

/// [`parse`] for file number `file` (see [`crate::diag::SourceFile`]): every span of the tree,
/// and of the errors, is in that file.
pub fn parse_in(src: &str, file: u16) -> Result<Node, Vec<Diagnostic>> {
    fn relabel(node: &mut Node, file: u16) {
        node.span = node.span.in_file(file);
        match &mut node.kind {
            Kind::Scalar { .. } => {}
            Kind::Seq(items) => items.iter_mut().for_each(|n| relabel(n, file)),
            Kind::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
                relabel(k, file);
                relabel(v, file);
            }),
        }
    }
    match parse(src) {
        Ok(mut root) => {
            if file != 0 {
                relabel(&mut root, file);
            }
            Ok(root)
        }
        Err(mut errors) => {
            for e in &mut errors {
                e.span = e.span.in_file(file);
            }
            Err(errors)
        }
    }
}

/// Parses one YAML document. Syntax errors, a second document, non-scalar or duplicate keys
/// are reported with their positions.
pub fn parse(src: &str) -> Result<Node, Vec<Diagnostic>> {
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(src);
    let mut documents = 0;
    while let Some(next) = parser.next_event() {
        let (event, span) = match next {
            Ok(ev) => ev,
            Err(e) => {
                let m = e.marker();
                return Err(vec![Diagnostic::new(
                    Pos::new(m.line(), m.col() + 1),
                    format!("YAML syntax error: {}", e.info()),
                )]);
            }
        };
        let pos = Pos::new(span.start.line(), span.start.col() + 1);
        let token = Span::new(pos, Pos::new(span.end.line(), span.end.col() + 1));
        match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(vec![Diagnostic::new(
                        pos,
                        "a spec file holds exactly one YAML document; found a second one",
                    )]);
                }
            }
            Event::Scalar(value, style, anchor, _tag) => {
                let plain = matches!(style, ScalarStyle::Plain);
                builder.push(
                    Node {
                        span: token,
                        kind: Kind::Scalar {
                            value: value.into_owned(),
                            plain,
                        },
                    },
                    anchor,
                );
            }
            Event::SequenceStart(anchor, _) => builder.open(pos, anchor, false),
            Event::MappingStart(anchor, _) => builder.open(pos, anchor, true),
            Event::SequenceEnd | Event::MappingEnd => builder.close(),
            Event::Alias(id) => match builder.anchors.get(&id).cloned() {
                Some(node) => builder.push(
                    Node {
                        span: token,
                        ..node
                    },
                    0,
                ),
                None => builder
                    .errors
                    .push(Diagnostic::new(pos, "alias to an unknown anchor")),
            },
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
    }
    if !builder.errors.is_empty() {
        return Err(builder.errors);
    }
    builder
        .root
        .ok_or_else(|| vec![Diagnostic::new(Pos::new(1, 1), "the spec file is empty")])
}

#[derive(Default)]
struct Builder {
    /// Open collections: the node, its anchor, and for mappings a pending key.
    stack: Vec<(Node, usize, Option<Node>)>,
    anchors: HashMap<usize, Node>,
    root: Option<Node>,
    errors: Vec<Diagnostic>,
}

impl Builder {
    fn open(&mut self, pos: Pos, anchor: usize, map: bool) {
        let kind = if map {
            Kind::Map(Vec::new())
        } else {
            Kind::Seq(Vec::new())
        };
        let span = pos.into();
        self.stack.push((Node { span, kind }, anchor, None));
    }

    fn close(&mut self) {
        if let Some((node, anchor, _)) = self.stack.pop() {
            self.push(node, anchor);
        }
    }

    fn push(&mut self, node: Node, anchor: usize) {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
        let Some((parent, _, pending)) = self.stack.last_mut() else {
            self.root = Some(node);
            return;
        };
        match &mut parent.kind {
            Kind::Seq(items) => items.push(node),
            Kind::Map(entries) => match pending.take() {
                None => {
                    if node.as_str().is_none() {
                        self.errors.push(Diagnostic::new(
                            node.span,
                            "mapping keys must be plain strings",
                        ));
                    } else if let Some((first, _)) =
                        entries.iter().find(|(k, _)| k.as_str() == node.as_str())
                    {
                        self.errors.push(Diagnostic::new(
                            node.span,
                            format!(
                                "duplicate key `{}` (first defined at line {})",
                                node.as_str().unwrap_or_default(),
                                first.span.start.line
                            ),
                        ));
                    }
                    *pending = Some(node);
                }
                Some(key) => entries.push((key, node)),
            },
            Kind::Scalar { .. } => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_positions_of_keys_and_values() {
        let n = parse("a:\n  b: [1, 'x']\n").unwrap();
        let Kind::Map(e) = &n.kind else { panic!() };
        assert_eq!(e[0].0.span, Span::at(Pos::new(1, 1), 1));
        let Kind::Map(inner) = &e[0].1.kind else {
            panic!()
        };
        assert_eq!(inner[0].0.span, Span::at(Pos::new(2, 3), 1));
        assert_eq!(inner[0].1.span, Span::from(Pos::new(2, 6)));
    }

    #[test]
    fn a_scalar_spans_its_whole_token_quotes_included() {
        let n = parse("a: rest.orgId\nb: '{{x}}'\nc: \"y\"\n").unwrap();
        let Kind::Map(e) = &n.kind else { panic!() };
        assert_eq!(e[0].1.span, Span::at(Pos::new(1, 4), 10));
        assert_eq!(e[1].1.span, Span::at(Pos::new(2, 4), 7));
        assert_eq!(e[2].1.span, Span::at(Pos::new(3, 4), 3));
    }

    #[test]
    fn reports_syntax_errors_with_position() {
        let e = parse("a: [1, 2\nb: c\n").unwrap_err();
        assert!(
            e[0].message.starts_with("YAML syntax error"),
            "{}",
            e[0].message
        );
    }

    #[test]
    fn reports_duplicate_keys() {
        let e = parse("a: 1\na: 2\n").unwrap_err();
        assert_eq!(e[0].span, Span::at(Pos::new(2, 1), 1));
        assert!(e[0].message.contains("duplicate key `a`"));
    }

    #[test]
    fn quoted_scalars_stay_strings() {
        let n = parse("a: '1'\nb: 1\nc: true\nd:\n").unwrap();
        assert_eq!(
            n.to_json(),
            serde_json::json!({"a": "1", "b": 1, "c": true, "d": null})
        );
    }
}
