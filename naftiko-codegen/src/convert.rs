//! `naftiko-codegen convert`: a spec rewritten into the other generation of the format
//! (naftiko alpha3 <-> Ikanos beta5).
//!
//! The rewrite edits the source text in place rather than re-serialising a tree, so comments,
//! blank lines, quoting and key order survive. The walk that reads a beta document
//! ([`crate::spec::beta`]) knows every place where the generations differ; in a converting mode
//! it records, at the positions of the tree, the edits that write the other spelling: a key
//! renamed (`label`/`display`, `functions`/`flows`, `targetName`/`target`, an import's
//! `location`/`from`, the version line), a named list entry `- name: x` turned into the keyed
//! entry `x:` (its lines indented two columns more) and back. What the target cannot express is
//! an error at its line, and nothing is written.
//!
//! Block-style YAML is rewritten; an entry to re-shape written in flow style (`{name: x}`) is
//! refused with its line. Files the spec imports are not converted: convert each one.

use crate::diag::{Ctxt, Diagnostic, Span};
use crate::spec::beta::{self, Edit, Mode};
use crate::yaml::{self, Kind, Node};

/// A generation of the format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `naftiko: 1.0.0-alpha3`.
    Alpha3,
    /// `ikanos: 1.0.0-beta5`.
    Beta5,
}

/// `source` written in `to`: unchanged when it already is; else every error that stops the
/// conversion.
pub fn convert(source: &str, to: Format) -> Result<String, Vec<Diagnostic>> {
    let mut root = yaml::parse(source)?;
    let mode = match (beta::is_beta(&root), to) {
        (true, Format::Beta5) | (false, Format::Alpha3) => return Ok(source.to_owned()),
        (true, Format::Alpha3) => Mode::ToAlpha,
        (false, Format::Beta5) => Mode::ToBeta,
    };
    if !matches!(root.kind, Kind::Map(_)) {
        return Err(vec![Diagnostic::new(
            root.span,
            format!("a spec is a mapping, found {}", root.describe()),
        )]);
    }
    let mut d = Ctxt::new();
    let edits = beta::walk(&mut root, mode, &mut d);
    let mut text = Text::new(source);
    for edit in &edits {
        text.plan(edit, &mut d);
    }
    d.check()?;
    Ok(text.render())
}

/// The source as lines, with what happens to each.
struct Text {
    lines: Vec<Line>,
    ends_with_newline: bool,
}

#[derive(Default, Clone)]
struct Line {
    chars: Vec<char>,
    /// Columns to add in front (a re-shaped entry's lines move two columns right per entry).
    indent: usize,
    /// Dropped (a `name:` line whose name became the entry's key).
    removed: bool,
    /// Token replacements on this line: (start column, end column, text), 1-based, end
    /// exclusive, applied right to left.
    replace: Vec<(usize, usize, String)>,
    /// A line written in place of this one, before indentation.
    whole: Option<String>,
    /// Lines inserted before this one (with the indentation of the enclosing entries only).
    before: Vec<String>,
}

impl Text {
    fn new(source: &str) -> Self {
        Text {
            lines: source
                .lines()
                .map(|l| Line {
                    chars: l.chars().collect(),
                    ..Line::default()
                })
                .collect(),
            ends_with_newline: source.ends_with('\n'),
        }
    }

    fn line(&mut self, n: usize) -> Option<&mut Line> {
        self.lines.get_mut(n.checked_sub(1)?)
    }

    fn plan(&mut self, edit: &Edit, d: &mut Ctxt) {
        match edit {
            Edit::Replace { span, text } => {
                if span.start.line != span.end.line {
                    d.error(
                        *span,
                        "a key or version written over several lines: convert it by hand",
                    );
                    return;
                }
                if let Some(l) = self.line(span.start.line) {
                    l.replace.push((span.start.col, span.end.col, text.clone()));
                }
            }
            Edit::ListToKeyed {
                entry,
                name_key,
                name,
            } => self.list_to_keyed(entry, *name_key, name, d),
            Edit::KeyedToList { key, name, value } => self.keyed_to_list(*key, name, value, d),
            Edit::RemoveLine { span } => {
                if let Some(l) = self.line(span.start.line) {
                    l.removed = true;
                }
            }
        }
    }

    /// `- name: x` + the entry's keys (at column `c`) becomes `x:` at column `c` with the
    /// entry's keys two columns further right.
    fn list_to_keyed(&mut self, entry: &Node, name_key: Span, name: &str, d: &mut Ctxt) {
        let (first, c) = (entry.span.start.line, entry.span.start.col);
        let Some(line) = self.line(first) else { return };
        // The entry's dash: the last non-blank character before its first key.
        let before: Vec<char> = line
            .chars
            .iter()
            .take(c.saturating_sub(1))
            .copied()
            .collect();
        let dash = before.iter().rposition(|ch| !ch.is_whitespace());
        let Some(dash) = dash.filter(|&i| before[i] == '-') else {
            d.error(
                entry.span,
                "an entry written in flow style (`{...}`): write it in block style to convert",
            );
            return;
        };
        line.chars[dash] = ' ';
        let last = last_line(entry);
        let key_line = format!("{}{}:", " ".repeat(c - 1), yaml_key(name));
        if name_key.start.line == first {
            // `- name: x` opened the entry: its line becomes `x:` (keeping a trailing comment).
            let comment = comment_after(&line.chars, name_key.end.col);
            line.whole = Some(format!("{key_line}{comment}"));
        } else {
            line.before.push(key_line);
            if let Some(n) = self.line(name_key.start.line) {
                n.removed = true;
            }
            if let Some(l) = self.line(first) {
                l.indent += 2;
            }
        }
        for n in first + 1..=last {
            if let Some(l) = self.line(n) {
                l.indent += 2;
            }
        }
    }

    /// `x:` + the entry's keys becomes `- name: x` with the dash two columns left of the
    /// entry's keys, which stay where they are.
    fn keyed_to_list(&mut self, key: Span, name: &str, value: &Node, d: &mut Ctxt) {
        let col = match &value.kind {
            Kind::Map(fields) => match fields.first() {
                Some((k, _)) if k.span.start.line > key.start.line => k.span.start.col,
                Some(_) => {
                    d.error(
                        value.span,
                        "an entry written in flow style (`{...}`): write it in block style to convert",
                    );
                    return;
                }
                None => key.start.col + 2,
            },
            _ => key.start.col + 2,
        };
        let Some(line) = self.line(key.start.line) else {
            return;
        };
        let comment = comment_after(&line.chars, key.end.col);
        line.whole = Some(format!(
            "{}- name: {}{comment}",
            " ".repeat(col.saturating_sub(3)),
            yaml_key(name)
        ));
    }

    fn render(self) -> String {
        let mut out = String::new();
        for line in self.lines {
            if line.removed {
                continue;
            }
            // Lines inserted before a re-shaped entry's first line (its key) are outside the
            // entry: they have the indentation of the entries around it only.
            for b in &line.before {
                push_line(&mut out, line.indent.saturating_sub(2), b);
            }
            let text = match line.whole {
                Some(w) => w,
                None => {
                    let mut chars = line.chars;
                    let mut replace = line.replace;
                    replace.sort_by_key(|r| std::cmp::Reverse(r.0));
                    for (start, end, text) in replace {
                        let (s, e) = (start.saturating_sub(1), end.saturating_sub(1));
                        if s <= e && e <= chars.len() {
                            chars.splice(s..e, text.chars());
                        }
                    }
                    chars.into_iter().collect()
                }
            };
            push_line(&mut out, line.indent, &text);
        }
        if !self.ends_with_newline {
            out.pop();
        }
        out
    }
}

fn push_line(out: &mut String, indent: usize, text: &str) {
    if !text.trim().is_empty() {
        out.extend(std::iter::repeat_n(' ', indent));
    }
    out.push_str(text);
    out.push('\n');
}

/// A trailing `# comment` after column `from` (1-based), with the spaces before it.
fn comment_after(chars: &[char], from: usize) -> String {
    let rest: String = chars.iter().skip(from.saturating_sub(1)).collect();
    match rest.find('#') {
        Some(i) if rest[..i].trim().trim_start_matches(':').trim().is_empty() => {
            let spaces = rest[..i].len() - rest[..i].trim_start_matches(':').len();
            format!("{}{}", &rest[spaces..i].replace(':', ""), &rest[i..])
        }
        _ => String::new(),
    }
}

/// A name as a YAML key: plain when it can be, else double-quoted.
fn yaml_key(name: &str) -> String {
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.*$/".contains(c))
        && !name.starts_with(['-', '*', '$']);
    if plain {
        name.to_owned()
    } else {
        serde_json::Value::String(name.to_owned()).to_string()
    }
}

/// The last line a node's text takes.
fn last_line(node: &Node) -> usize {
    match &node.kind {
        Kind::Scalar { .. } => {
            let (s, e) = (node.span.start, node.span.end);
            // A block scalar ends at the start of the line after its text.
            if e.line > s.line && e.col == 1 {
                e.line - 1
            } else {
                e.line
            }
        }
        Kind::Seq(items) => items
            .iter()
            .map(last_line)
            .max()
            .unwrap_or(node.span.start.line),
        Kind::Map(entries) => entries
            .iter()
            .map(|(k, v)| last_line(k).max(last_line(v)))
            .max()
            .unwrap_or(node.span.start.line),
    }
}
