//! Diagnostics: every mistake found in a spec, with the line and column it points at.

use std::fmt;

/// A 1-based line and column in the spec file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

impl Pos {
    pub fn new(line: usize, col: usize) -> Self {
        Pos { line, col }
    }
}

/// Whether a diagnostic is the spec's fault or ours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The spec is wrong: it cannot be given a meaning.
    Error,
    /// The spec may well be right, but uses a construct this generator does not implement yet.
    Unsupported,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub pos: Pos,
    pub message: String,
    pub help: Option<String>,
    pub severity: Severity,
}

impl Diagnostic {
    pub fn new(pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            pos,
            message: message.into(),
            help: None,
            severity: Severity::Error,
        }
    }

    /// "`<construct>` is not supported yet", for a construct we may implement later.
    pub fn unsupported(pos: Pos, construct: impl fmt::Display) -> Self {
        Diagnostic {
            pos,
            message: format!("{construct} is not supported yet"),
            help: None,
            severity: Severity::Unsupported,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Renders the diagnostic like rustc and askama do:
    ///
    /// ```text
    /// unknown namespace `m3ter`
    ///   --> specs/billjob.yaml:12:15
    ///    |
    /// 12 |         call: m3ter.listbilljobs
    ///    |               ^
    ///    = help: ...
    /// ```
    pub fn render(&self, file: &str, source: &str) -> String {
        let mut out = self.message.clone();
        let line_no = self.pos.line.max(1);
        let width = line_no.to_string().len();
        let pad = " ".repeat(width);
        out.push_str(&format!(
            "\n{pad}--> {file}:{}:{}",
            line_no,
            self.pos.col.max(1)
        ));
        if let Some(text) = source.lines().nth(line_no - 1) {
            let text = text.trim_end();
            let caret_at: usize = text
                .chars()
                .take(self.pos.col.saturating_sub(1))
                .map(|c| if c == '\t' { 4 } else { 1 })
                .sum();
            let text = text.replace('\t', "    ");
            out.push_str(&format!(
                "\n{pad} |\n{line_no} | {text}\n{pad} | {}^",
                " ".repeat(caret_at)
            ));
        }
        if let Some(help) = &self.help {
            out.push_str(&format!("\n{pad} = help: {help}"));
        }
        out
    }
}

/// Collects diagnostics so that one run reports every mistake.
#[derive(Debug, Default)]
pub struct Diagnostics {
    list: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.list.push(d);
    }

    pub fn error(&mut self, pos: Pos, message: impl Into<String>) {
        self.push(Diagnostic::new(pos, message));
    }

    pub fn unsupported(&mut self, pos: Pos, construct: impl fmt::Display) {
        self.push(Diagnostic::unsupported(pos, construct));
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The diagnostics in file order, without exact repeats.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.list.sort_by_key(|d| d.pos);
        self.list.dedup();
        self.list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_file_line_column_source_and_caret() {
        let d = Diagnostic::new(Pos::new(2, 9), "unknown namespace `m3ter`").with_help("known: a");
        let r = d.render("specs/x.yaml", "a: 1\n  call: m3ter.x\n");
        assert_eq!(
            r,
            "unknown namespace `m3ter`\n --> specs/x.yaml:2:9\n  |\n2 |   call: m3ter.x\n  |         ^\n  = help: known: a"
        );
    }
}
