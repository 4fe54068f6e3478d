//! Diagnostics: every mistake found in a spec, with the span of the spec it points at, and the
//! [`Ctxt`] every check reports into.

use std::collections::HashSet;
use std::fmt;

/// A 1-based line and column (in characters) in the spec file.
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

/// The part of the spec a value was read from: `start` inclusive, `end` exclusive. A mapping or
/// a list is a point (`start == end`): diagnostics about it show one caret where it begins.
/// `file` says which file: 0 is the spec itself, others are files it imports (see
/// [`SourceFile`]); diagnostics sort by file, then position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Span {
    pub file: u16,
    pub start: Pos,
    pub end: Pos,
}

impl Span {
    pub fn new(start: Pos, end: Pos) -> Self {
        Span {
            file: 0,
            start,
            end,
        }
    }

    /// The same span in file `file`.
    pub fn in_file(self, file: u16) -> Self {
        Span { file, ..self }
    }

    /// The `len` characters from `start`, on one line.
    pub fn at(start: Pos, len: usize) -> Self {
        Span::new(start, Pos::new(start.line, start.col + len))
    }

    /// The `len` characters at character offset `offset` of the text this span holds, when
    /// that can be known: the text is one plain or quoted scalar on one line, so each of its
    /// characters is one column. Otherwise the whole span.
    pub fn sub(self, text: &str, offset: usize, len: usize) -> Self {
        let width = self.end.col.saturating_sub(self.start.col);
        let chars = text.chars().count();
        let quote = match width.checked_sub(chars) {
            Some(0) => 0,
            Some(2) => 1,
            _ => return self,
        };
        if self.start.line != self.end.line || offset + len > chars {
            return self;
        }
        Span::at(
            Pos::new(self.start.line, self.start.col + quote + offset),
            len,
        )
        .in_file(self.file)
    }
}

impl From<Pos> for Span {
    fn from(p: Pos) -> Self {
        Span::new(p, p)
    }
}

/// Whether a diagnostic is the spec's fault or ours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The spec is wrong: it cannot be given a meaning.
    Error,
    /// The spec may well be right, but uses a construct this generator does not implement yet.
    Unsupported,
    /// The spec works, but is likely not what its author meant (or breaks a rule of the
    /// Naftiko ruleset of `warn`/`info` severity). It never stops a build.
    Warning,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
    pub severity: Severity,
}

impl Diagnostic {
    pub fn new(span: impl Into<Span>, message: impl Into<String>) -> Self {
        Diagnostic {
            span: span.into(),
            message: message.into(),
            help: None,
            severity: Severity::Error,
        }
    }

    /// "`<construct>` is not supported yet", for a construct we may implement later.
    pub fn unsupported(span: impl Into<Span>, construct: impl fmt::Display) -> Self {
        Diagnostic {
            severity: Severity::Unsupported,
            ..Diagnostic::new(span, format!("{construct} is not supported yet"))
        }
    }

    /// A warning: the spec works, but is likely not what its author meant.
    pub fn warning(span: impl Into<Span>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::new(span, message)
        }
    }

    pub fn is_warning(&self) -> bool {
        self.severity == Severity::Warning
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Renders the diagnostic like rustc and askama do, underlining the whole token:
    ///
    /// ```text
    /// unknown namespace `m3ter` in `call: m3ter.listbilljobs`
    ///   --> specs/billjob.yaml:12:15
    ///    |
    /// 12 |         call: m3ter.listbilljobs
    ///    |               ^^^^^^^^^^^^^^^^^^
    ///    = help: ...
    /// ```
    pub fn render(&self, file: &str, source: &str) -> String {
        let Span { start, end, .. } = self.span;
        let mut out = self.message.clone();
        let line_no = start.line.max(1);
        let width = line_no.to_string().len();
        let pad = " ".repeat(width);
        out.push_str(&format!("\n{pad}--> {file}:{line_no}:{}", start.col.max(1)));
        if let Some(text) = source.lines().nth(line_no - 1) {
            let text = text.trim_end();
            // Columns as displayed: a tab is shown as four spaces.
            let columns = |skip: usize, take: usize| -> usize {
                text.chars()
                    .skip(skip)
                    .take(take)
                    .map(|c| if c == '\t' { 4 } else { 1 })
                    .sum()
            };
            let from = start.col.saturating_sub(1);
            let to = if end.line == start.line && end.col > start.col {
                end.col - 1
            } else if end.line > start.line {
                // A multi-line token: underline the rest of its first line.
                text.chars().count()
            } else {
                from + 1
            };
            let caret_at = columns(0, from);
            let carets = columns(from, to.saturating_sub(from)).max(1);
            let text = text.replace('\t', "    ");
            out.push_str(&format!(
                "\n{pad} |\n{line_no} | {text}\n{pad} | {}{}",
                " ".repeat(caret_at),
                "^".repeat(carets)
            ));
        }
        if let Some(help) = &self.help {
            out.push_str(&format!("\n{pad} = help: {help}"));
        }
        out
    }
}

/// A file diagnostics can point into: the spec (index 0) or a file it imports, under the name
/// diagnostics show for it.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
}

impl Diagnostic {
    /// [`Diagnostic::render`] in the file its span names (`files[span.file]`; the first file
    /// if there is no such file).
    pub fn render_in(&self, files: &[SourceFile]) -> String {
        match files
            .get(usize::from(self.span.file))
            .or_else(|| files.first())
        {
            Some(f) => self.render(&f.name, &f.text),
            None => self.render("<spec>", ""),
        }
    }
}

/// The context every stage reports into, in the manner of serde_derive's `Ctxt`: it collects
/// every diagnostic, so one build shows every mistake, and it remembers what was already
/// reported, so that later stages keep quiet about its consequences instead of the model
/// carrying flags for them.
///
/// It must be consumed by [`Ctxt::check`]; dropping it with its diagnostics unread panics, so no
/// stage can forget to report.
#[derive(Debug)]
pub struct Ctxt {
    list: Option<Vec<Diagnostic>>,
    /// Calls into any unknown namespace are excused: some consumed APIs are imported from
    /// other files (not supported yet, already reported), so their namespaces are unknown.
    any_namespace_excused: bool,
    /// Namespaces of consumed APIs too broken to read (already reported).
    excused_namespaces: HashSet<String>,
    /// `(namespace, operation)` whose request body is not read (already reported): `with` keys
    /// may name that body's variables rather than parameters.
    excused_with_keys: HashSet<(String, String)>,
    /// The spec being read is an Ikanos beta5 document (read through its alpha rewrite): the
    /// keys only beta has are read, not refused.
    beta: bool,
}

impl Ctxt {
    pub fn new() -> Self {
        Ctxt {
            list: Some(Vec::new()),
            any_namespace_excused: false,
            excused_namespaces: HashSet::new(),
            excused_with_keys: HashSet::new(),
            beta: false,
        }
    }

    /// Marks the spec being read as an Ikanos beta5 document.
    pub fn set_beta(&mut self, beta: bool) {
        self.beta = beta;
    }

    /// Whether the spec being read is an Ikanos beta5 document.
    pub fn beta(&self) -> bool {
        self.beta
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.list
            .as_mut()
            .expect("naftiko-codegen bug: a diagnostic reported after `check`")
            .push(d);
    }

    pub fn error(&mut self, span: impl Into<Span>, message: impl Into<String>) {
        self.push(Diagnostic::new(span, message));
    }

    pub fn unsupported(&mut self, span: impl Into<Span>, construct: impl fmt::Display) {
        self.push(Diagnostic::unsupported(span, construct));
    }

    pub fn warn(&mut self, span: impl Into<Span>, message: impl Into<String>) {
        self.push(Diagnostic::warning(span, message));
    }

    /// Every diagnostic reported so far, taken out (for a stage that rewrites its own).
    pub fn take_all(&mut self) -> Vec<Diagnostic> {
        self.list.as_mut().map(std::mem::take).unwrap_or_default()
    }

    /// Ends the checks: `Ok` with the warnings if no error was reported, else the errors; each
    /// list in file order, without exact repeats. (Warnings are not shown next to errors.)
    pub fn check(mut self) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
        let mut list = self.list.take().unwrap_or_default();
        list.sort_by_key(|d| d.span);
        list.dedup();
        let (warnings, errors): (Vec<_>, Vec<_>) =
            list.into_iter().partition(Diagnostic::is_warning);
        if errors.is_empty() {
            Ok(warnings)
        } else {
            Err(errors)
        }
    }

    /// Calls into the namespace `ns` (with `None`: into any unknown namespace) are not reported:
    /// what makes the namespace unknown was reported already.
    pub fn excuse_namespace(&mut self, ns: Option<&str>) {
        match ns {
            Some(ns) => {
                self.excused_namespaces.insert(ns.to_string());
            }
            None => self.any_namespace_excused = true,
        }
    }

    pub fn namespace_excused(&self, ns: &str) -> bool {
        self.any_namespace_excused || self.excused_namespaces.contains(ns)
    }

    /// `with` keys of operation `op` of `ns` that name no parameter are not reported: its body,
    /// whose variables they may name, is not supported (reported already).
    pub fn excuse_with_keys(&mut self, ns: &str, op: &str) {
        self.excused_with_keys
            .insert((ns.to_string(), op.to_string()));
    }

    pub fn with_keys_excused(&self, ns: &str, op: &str) -> bool {
        self.excused_with_keys
            .contains(&(ns.to_string(), op.to_string()))
    }
}

impl Default for Ctxt {
    fn default() -> Self {
        Ctxt::new()
    }
}

impl Drop for Ctxt {
    fn drop(&mut self) {
        if self.list.is_some() && !std::thread::panicking() {
            panic!("naftiko-codegen bug: a Ctxt was dropped without `check`ing its diagnostics");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_file_line_column_source_and_an_underlined_token() {
        let d = Diagnostic::new(Span::at(Pos::new(2, 9), 7), "unknown namespace `m3ter`")
            .with_help("known: a");
        let r = d.render("specs/x.yaml", "a: 1\n  call: m3ter.x\n");
        assert_eq!(
            r,
            "unknown namespace `m3ter`\n --> specs/x.yaml:2:9\n  |\n2 |   call: m3ter.x\n  |         ^^^^^^^\n  = help: known: a"
        );
    }

    #[test]
    fn a_diagnostic_in_an_imported_file_renders_that_file() {
        let files = [
            SourceFile {
                name: "main.yaml".into(),
                text: "a: 1\n".into(),
            },
            SourceFile {
                name: "shared/x.yaml".into(),
                text: "x: 1\ny: bad\n".into(),
            },
        ];
        let d = Diagnostic::new(Span::at(Pos::new(2, 4), 3).in_file(1), "bad value");
        let r = d.render_in(&files);
        assert!(r.contains("--> shared/x.yaml:2:4"), "{r}");
        assert!(r.contains("2 | y: bad"), "{r}");
        assert_eq!(
            Span::at(Pos::new(1, 1), 3).in_file(1).sub("abc", 1, 1).file,
            1
        );
    }

    #[test]
    fn a_point_renders_one_caret() {
        let d = Diagnostic::new(Pos::new(1, 3), "here");
        assert!(d.render("x", "a: b\n").ends_with("1 | a: b\n  |   ^"));
    }

    #[test]
    fn a_sub_span_skips_the_quote_of_a_quoted_scalar() {
        let plain = Span::at(Pos::new(1, 5), 3);
        assert_eq!(plain.sub("abc", 1, 2), Span::at(Pos::new(1, 6), 2));
        let quoted = Span::at(Pos::new(1, 5), 5);
        assert_eq!(quoted.sub("abc", 1, 2), Span::at(Pos::new(1, 7), 2));
        let escaped = Span::at(Pos::new(1, 5), 9);
        assert_eq!(escaped.sub("abc", 1, 2), escaped);
    }

    #[test]
    fn checking_sorts_and_removes_repeats() {
        let mut cx = Ctxt::new();
        cx.error(Pos::new(3, 1), "b");
        cx.error(Pos::new(1, 1), "a");
        cx.error(Pos::new(3, 1), "b");
        let list = cx.check().unwrap_err();
        assert_eq!(
            list.iter().map(|d| d.message.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert_eq!(Ctxt::new().check(), Ok(Vec::new()));
    }

    #[test]
    fn warnings_alone_pass_and_are_dropped_next_to_errors() {
        let mut cx = Ctxt::new();
        cx.warn(Pos::new(2, 1), "w");
        let warnings = cx.check().unwrap();
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].severity, Severity::Warning);
        let mut cx = Ctxt::new();
        cx.warn(Pos::new(1, 1), "w");
        cx.error(Pos::new(2, 1), "e");
        let errors = cx.check().unwrap_err();
        assert_eq!(
            errors
                .iter()
                .map(|d| d.message.as_str())
                .collect::<Vec<_>>(),
            ["e"]
        );
    }
}
