//! Files a spec reads at compile time: imported consumes (`- import: ns, location: ./x.yaml`),
//! whole-file `capability.imports`, and the `location` of binds.
//!
//! Every location is resolved against the directory of the file that writes it. Each file is
//! read once, gets its own number in the diagnostics' spans (so an error inside it points at its
//! own line and column, under its own name), and is listed by [`Loader::imported_paths`] so that
//! the fronts can make the build depend on it.

use super::consumes::read_consumes;
use crate::diag::{Ctxt, Diagnostic, SourceFile, Span};
use crate::spec::obj::{Obj, seq};
use crate::spec::types::*;
use crate::yaml::{self, Kind, Node};
use std::path::{Component, Path, PathBuf};

/// One file read: where it is, how diagnostics name it, its tree (`None` if it did not parse).
#[derive(Debug)]
struct Loaded {
    path: Option<PathBuf>,
    source: SourceFile,
    root: Option<Node>,
    /// Whether the shape of its root (`naftiko`, `consumes`) was checked already.
    checked: bool,
}

/// The spec (file 0) and the files it imports.
#[derive(Debug)]
pub struct Loader {
    files: Vec<Loaded>,
    /// `(file, namespace)` being imported, outermost first: a repeat is a cycle.
    chain: Vec<(u16, String)>,
}

impl Loader {
    /// A loader for the spec at `path` (`None`: a spec given as text, whose relative locations
    /// are resolved against the current directory), named `name` in diagnostics.
    pub fn new(path: Option<&Path>, name: &str, text: &str) -> Self {
        let path = path.map(|p| p.canonicalize().unwrap_or_else(|_| p.to_path_buf()));
        Loader {
            files: vec![Loaded {
                path,
                source: SourceFile {
                    name: name.to_string(),
                    text: text.to_string(),
                },
                root: None,
                checked: true,
            }],
            chain: Vec::new(),
        }
    }

    /// Every file diagnostics may point into, by number.
    pub fn sources(&self) -> Vec<SourceFile> {
        self.files.iter().map(|f| f.source.clone()).collect()
    }

    /// The imported files that were found (the spec itself not included), in the order read.
    pub fn imported_paths(&self) -> Vec<PathBuf> {
        self.files
            .iter()
            .skip(1)
            .filter(|f| f.root.is_some() || f.path.as_ref().is_some_and(|p| p.is_file()))
            .filter_map(|f| f.path.clone())
            .collect()
    }

    /// The directory relative locations written in file `file` are resolved against.
    fn dir(&self, file: u16) -> PathBuf {
        match self
            .files
            .get(usize::from(file))
            .and_then(|f| f.path.as_ref())
        {
            Some(p) => p.parent().map(Path::to_path_buf).unwrap_or_default(),
            None => std::env::current_dir().unwrap_or_default(),
        }
    }

    /// How diagnostics name the file at `rel` written in file `file`: relative to that file's
    /// name when it is relative.
    fn display(&self, file: u16, rel: &Path) -> String {
        if rel.is_absolute() {
            return rel.display().to_string();
        }
        let name = self
            .files
            .get(usize::from(file))
            .map_or("", |f| f.source.name.as_str());
        let base = Path::new(name).parent().unwrap_or(Path::new(""));
        normalize(&base.join(rel)).display().to_string()
    }

    /// Reads (once) the file at `path`; its number, or `None` (reported at `at`) when it
    /// cannot be read. A file that does not parse keeps a number, with its errors reported in it.
    fn load(&mut self, path: &Path, display: String, at: Span, d: &mut Ctxt) -> Option<u16> {
        let canonical = path.canonicalize().ok();
        if let Some(c) = &canonical
            && let Some(i) = self.files.iter().position(|f| f.path.as_ref() == Some(c))
        {
            return u16::try_from(i).ok();
        }
        let Some(canonical) = canonical else {
            d.error(
                at,
                format!(
                    "imported file `{display}` not found (looked for {})",
                    normalize(path).display()
                ),
            );
            return None;
        };
        let text = match std::fs::read_to_string(&canonical) {
            Ok(t) => t,
            Err(e) => {
                d.error(at, format!("cannot read imported file `{display}`: {e}"));
                return None;
            }
        };
        let Ok(id) = u16::try_from(self.files.len()) else {
            d.error(at, "too many imported files (more than 65535)");
            return None;
        };
        let root = match yaml::parse_in(&text, id) {
            // An imported Ikanos beta5 file is read in the alpha shape too.
            Ok(root) => Some(crate::spec::beta::to_alpha(&root, d).unwrap_or(root)),
            Err(errors) => {
                errors.into_iter().for_each(|e| d.push(e));
                None
            }
        };
        self.files.push(Loaded {
            path: Some(canonical),
            source: SourceFile {
                name: display,
                text,
            },
            root,
            checked: false,
        });
        Some(id)
    }

    /// Reads (once) the text file at `path` (a script), named `display` in diagnostics: its
    /// number (diagnostics point into it; the build tracks it) and text, or `None` (reported at
    /// `at`) when it cannot be read.
    pub(super) fn read_text(
        &mut self,
        path: &Path,
        display: String,
        at: Span,
        d: &mut Ctxt,
    ) -> Option<(u16, String)> {
        let Ok(canonical) = path.canonicalize() else {
            d.push(
                Diagnostic::new(
                    at,
                    format!(
                        "script file `{display}` not found (looked for {})",
                        normalize(path).display()
                    ),
                )
                .with_help("script files are found under the step's `location`, relative to the spec's directory for `file:///./...`"),
            );
            return None;
        };
        if let Some(i) = self
            .files
            .iter()
            .position(|f| f.path.as_ref() == Some(&canonical))
        {
            let id = u16::try_from(i).ok()?;
            return Some((id, self.files[i].source.text.clone()));
        }
        let text = match std::fs::read_to_string(&canonical) {
            Ok(t) => t,
            Err(e) => {
                d.error(at, format!("cannot read script file `{display}`: {e}"));
                return None;
            }
        };
        let Ok(id) = u16::try_from(self.files.len()) else {
            d.error(at, "too many files read (more than 65535)");
            return None;
        };
        self.files.push(Loaded {
            path: Some(canonical),
            source: SourceFile {
                name: display,
                text: text.clone(),
            },
            root: None,
            checked: true,
        });
        Some((id, text))
    }

    /// Checks the root of imported file `file` once: a `naftiko` version and a `consumes` list.
    fn check_root(&mut self, file: u16, d: &mut Ctxt) {
        let Some(f) = self.files.get_mut(usize::from(file)) else {
            return;
        };
        if std::mem::replace(&mut f.checked, true) {
            return;
        }
        let Some(root) = &f.root else { return };
        let Some(mut top) = Obj::new(root, "an imported file", d) else {
            return;
        };
        if !super::read_version(&mut top, root, d) {
            return;
        }
        match top.take("consumes") {
            None => d.error(
                root.span,
                "an imported file declares its APIs under `consumes` at its root; this one has none",
            ),
            Some(c) => {
                seq(c, "`consumes`", d);
            }
        }
        top.unsupported(
            "binds",
            "`binds` in an imported file (declare them in the importing spec)",
            d,
        );
        // A capability file may be imported from: only its root `consumes` are taken.
        top.ignore(&["info", "capability"]);
        top.finish(d);
    }

    /// The entries of the root `consumes` of file `file`.
    fn consumes_of(&self, file: u16) -> &[Node] {
        let Some(Kind::Map(entries)) = self
            .files
            .get(usize::from(file))
            .and_then(|f| f.root.as_ref())
            .map(|r| &r.kind)
        else {
            return &[];
        };
        match entries.iter().find(|(k, _)| k.as_str() == Some("consumes")) {
            Some((
                _,
                Node {
                    kind: Kind::Seq(items),
                    ..
                },
            )) => items,
            _ => &[],
        }
    }
}

/// The namespace an entry of a `consumes` list declares: its `as`, its `namespace`, or for an
/// import without `as`, the namespace it imports.
fn declared_namespace(entry: &Node) -> Option<&str> {
    let Kind::Map(e) = &entry.kind else {
        return None;
    };
    let get = |key: &str| {
        e.iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .and_then(|(_, v)| v.as_str())
    };
    get("as")
        .or_else(|| get("namespace"))
        .or_else(|| get("import"))
}

/// A `location` naming a file the build reads (an MCP resource or prompt): its absolute path
/// (relative locations are relative to the file that writes them) and how messages name it;
/// `Err` says why it is not a file location.
pub(super) fn compile_time_file(
    loader: &Loader,
    location: &S<String>,
) -> Result<(PathBuf, String), String> {
    let rel = location_path(&location.v, false)?;
    if rel.is_absolute() {
        return Ok((normalize(&rel), rel.display().to_string()));
    }
    let from = location.span.file;
    Ok((
        normalize(&loader.dir(from).join(&rel)),
        loader.display(from, &rel),
    ))
}

/// `a/./b/../c` → `a/c`, without touching the file system.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// A location as a path: a plain path, or a `file://` URI (`file:///./x` and `file://./x` are
/// relative, `file:///x` and `file://localhost/x` absolute; `%XX` escapes are decoded).
/// `Err` says why it is not one.
pub(crate) fn location_path(location: &str, plain_allowed: bool) -> Result<PathBuf, String> {
    let Some((scheme, rest)) = location.split_once("://") else {
        return if plain_allowed && !location.is_empty() {
            Ok(PathBuf::from(location))
        } else {
            Err("expected a `file://` URI (`file:///./secrets.yaml` relative to the spec, `file:///etc/app/secrets.yaml` absolute)".into())
        };
    };
    if !scheme.eq_ignore_ascii_case("file") {
        return Err(format!(
            "`{scheme}://` locations are not supported yet: only `file://`"
        ));
    }
    let path = if rest.starts_with("./") || rest.starts_with("../") {
        rest.to_string()
    } else if let Some(local) = rest.strip_prefix("localhost/") {
        format!("/{local}")
    } else if let Some(abs) = rest.strip_prefix('/') {
        if abs.starts_with("./") || abs.starts_with("../") {
            abs.to_string()
        } else {
            format!("/{abs}")
        }
    } else {
        return Err(format!(
            "`file://{rest}` names a host; write `file:///path` (absolute) or `file:///./path` (relative to the spec)"
        ));
    };
    let decoded = percent_decode(&path).ok_or("its `%XX` escapes are not valid UTF-8")?;
    if decoded.is_empty() || decoded.ends_with('/') {
        return Err("it names a directory, not a file".into());
    }
    Ok(PathBuf::from(decoded))
}

/// `%XX` escapes decoded (a `%` not followed by two hex digits stays as it is); `None` when the
/// result is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push(u8::try_from(h * 16 + l).ok()?);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// An entry `- import: ns, location: ./x.yaml` (with optional `as` and `description`) of a
/// `consumes` list: the API it imports, named `as` (or `ns`) at the entry.
pub(super) fn read_imported(node: &Node, loader: &mut Loader, d: &mut Ctxt) -> Option<Consumes> {
    let mut o = Obj::new(node, "an imported consumes entry", d)?;
    let import = o.req_str("import", d);
    let location = o.req_str("location", d);
    let alias = o.opt_str("as", d);
    let description = o.opt_str("description", d);
    o.finish(d);
    let (import, location) = (import?, location?);
    let local = alias.clone().unwrap_or_else(|| import.clone());
    let found = find_imported(&import, &location, loader, d);
    let Some(mut consumes) = found else {
        // Calls into it are not reported again: why it is missing was.
        d.excuse_namespace(Some(&local.v));
        return None;
    };
    consumes.namespace = local;
    if let Some(desc) = description {
        consumes.description = Some(desc.v);
    }
    Some(consumes)
}

/// The API `import` declared in the file at `location`: read from its own file, following
/// further imports; cycles, missing files and missing namespaces are reported.
fn find_imported(
    import: &S<String>,
    location: &S<String>,
    loader: &mut Loader,
    d: &mut Ctxt,
) -> Option<Consumes> {
    let from = location.span.file;
    let rel = match location_path(&location.v, true) {
        Ok(p) => p,
        Err(why) => {
            d.error(
                location.span,
                format!("`location: {}` cannot be read: {why}", location.v),
            );
            return None;
        }
    };
    let path = loader.dir(from).join(&rel);
    let display = loader.display(from, &rel);
    let file = loader.load(&path, display, location.span, d)?;
    loader.check_root(file, d);
    if let Some(start) = loader
        .chain
        .iter()
        .position(|(f, ns)| *f == file && *ns == import.v)
    {
        let mut names: Vec<String> = loader.chain[start..]
            .iter()
            .map(|(f, _)| format!("`{}`", loader.files[usize::from(*f)].source.name))
            .collect();
        names.push(format!("`{}`", loader.files[usize::from(file)].source.name));
        d.push(
            Diagnostic::new(
                location.span,
                format!(
                    "import cycle: `{}` is imported from {}",
                    import.v,
                    names.join(" → ")
                ),
            )
            .with_help("declare the API in one of these files instead of importing it back"),
        );
        return None;
    }
    // A file that does not parse has had its syntax errors reported in it.
    loader.files[usize::from(file)].root.as_ref()?;
    let entries: Vec<Node> = loader.consumes_of(file).to_vec();
    let mut matching = entries
        .iter()
        .filter(|e| declared_namespace(e) == Some(import.v.as_str()));
    let Some(entry) = matching.next() else {
        let known: Vec<String> = entries
            .iter()
            .filter_map(declared_namespace)
            .map(|n| format!("`{n}`"))
            .collect();
        let name = &loader.files[usize::from(file)].source.name;
        let mut diag = Diagnostic::new(
            import.span,
            format!("`{name}` declares no consumed API `{}`", import.v),
        );
        if !known.is_empty() {
            diag = diag.with_help(format!("it declares: {}", known.join(", ")));
        }
        d.push(diag);
        return None;
    };
    if let Some(second) = matching.next() {
        d.error(
            second.span,
            format!(
                "duplicate consumed namespace `{}` in an imported file (first at line {})",
                import.v, entry.span.start.line
            ),
        );
    }
    loader.chain.push((file, import.v.clone()));
    let is_import = matches!(&entry.kind, Kind::Map(e) if e.iter().any(|(k, _)| matches!(k.as_str(), Some("import" | "location"))));
    let read = if is_import {
        read_imported(entry, loader, d)
    } else {
        read_consumes(entry, d)
    };
    loader.chain.pop();
    read
}

/// `capability.imports`: files (`- shared/x.yaml` or `- location: shared/x.yaml`) whose every
/// consumed API is imported under its own namespace.
pub(super) fn read_imports_list(node: &Node, loader: &mut Loader, d: &mut Ctxt) -> Vec<Consumes> {
    let mut out = Vec::new();
    for item in seq(node, "`capability.imports`", d) {
        let location = match &item.kind {
            Kind::Scalar { value, .. } if !item.is_null() => S::new(value.clone(), item.span),
            Kind::Map(_) => {
                let Some(mut o) = Obj::new(item, "an entry of `capability.imports`", d) else {
                    continue;
                };
                let location = o.req_str("location", d);
                o.opt_str("description", d);
                o.finish(d);
                match location {
                    Some(l) => l,
                    None => continue,
                }
            }
            _ => {
                d.error(
                    item.span,
                    format!(
                        "an entry of `capability.imports` is a file location, found {}",
                        item.describe()
                    ),
                );
                continue;
            }
        };
        let rel = match location_path(&location.v, true) {
            Ok(p) => p,
            Err(why) => {
                d.error(
                    location.span,
                    format!("`{}` cannot be read: {why}", location.v),
                );
                continue;
            }
        };
        let from = location.span.file;
        let path = loader.dir(from).join(&rel);
        let display = loader.display(from, &rel);
        let Some(file) = loader.load(&path, display, location.span, d) else {
            d.excuse_namespace(None);
            continue;
        };
        loader.check_root(file, d);
        let entries: Vec<Node> = loader.consumes_of(file).to_vec();
        for entry in &entries {
            let is_import = matches!(&entry.kind, Kind::Map(e) if e.iter().any(|(k, _)| matches!(k.as_str(), Some("import" | "location"))));
            let read = if is_import {
                loader.chain.push((file, String::new()));
                let r = read_imported(entry, loader, d);
                loader.chain.pop();
                r
            } else {
                read_consumes(entry, d)
            };
            out.extend(read);
        }
    }
    out
}

/// A bind's `location`: the absolute path of its file, read at start-up. A relative location
/// is resolved against the spec's directory; if that file exists now, every key is checked
/// against it (a missing key is an error at the key), else a warning says it must exist at
/// start-up. An absolute location is a deployment path, not read at compile time.
pub(super) fn bind_file(
    location: &S<String>,
    keys: &[(S<String>, S<String>)],
    loader: &Loader,
    d: &mut Ctxt,
) -> Option<S<String>> {
    let rel = match location_path(&location.v, false) {
        Ok(p) => p,
        Err(why) => {
            if why.contains("not supported yet") {
                d.unsupported(
                    location.span,
                    format!("a bind `location` other than `file://` (`{}`)", location.v),
                );
            } else {
                d.error(
                    location.span,
                    format!("bind `location: {}` is not a file: {why}", location.v),
                );
            }
            return None;
        }
    };
    if rel.is_absolute() {
        return Some(S::new(rel.display().to_string(), location.span));
    }
    let from = location.span.file;
    let path = normalize(&loader.dir(from).join(&rel));
    let display = loader.display(from, &rel);
    match std::fs::read_to_string(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => d.warn(
            location.span,
            format!(
                "bind file `{display}` does not exist now; it must exist at {} when the server starts",
                path.display()
            ),
        ),
        Err(e) => d.error(
            location.span,
            format!("cannot read bind file `{display}`: {e}"),
        ),
        // Its values are secrets: only its keys are looked at, and no error quotes its text.
        Ok(text) => match yaml::parse(&text) {
            Ok(Node {
                kind: Kind::Map(entries),
                ..
            }) => {
                for (var, source) in keys {
                    let value = entries
                        .iter()
                        .find(|(k, _)| k.as_str() == Some(source.v.as_str()))
                        .map(|(_, v)| v);
                    match value {
                        None => d.push(
                            Diagnostic::new(
                                source.span,
                                format!(
                                    "bind file `{display}` has no key `{}` (for `{}`)",
                                    source.v, var.v
                                ),
                            )
                            .with_help(format!(
                                "add `{}: ...` to `{display}`, or fix the key",
                                source.v
                            )),
                        ),
                        Some(v) if v.is_null() || !matches!(v.kind, Kind::Scalar { .. }) => {
                            d.error(
                                source.span,
                                format!(
                                    "key `{}` of bind file `{display}` is not a text value (for `{}`)",
                                    source.v, var.v
                                ),
                            );
                        }
                        Some(_) => {}
                    }
                }
            }
            Ok(_) => d.error(
                location.span,
                format!("bind file `{display}` must map keys to values (a YAML or JSON mapping)"),
            ),
            Err(errors) => {
                let at = errors.first().map(|e| e.span.start).unwrap_or_default();
                d.error(
                    location.span,
                    format!(
                        "bind file `{display}` is not valid YAML or JSON (line {}, column {})",
                        at.line, at.col
                    ),
                );
            }
        },
    }
    Some(S::new(path.display().to_string(), location.span))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_locations() {
        let p = |s| location_path(s, false);
        assert_eq!(
            p("file:///./shared/s.yaml"),
            Ok(PathBuf::from("./shared/s.yaml"))
        );
        assert_eq!(p("file://./s.json"), Ok(PathBuf::from("./s.json")));
        assert_eq!(
            p("file:///etc/app/s.yaml"),
            Ok(PathBuf::from("/etc/app/s.yaml"))
        );
        assert_eq!(
            p("file://localhost/etc/s.yaml"),
            Ok(PathBuf::from("/etc/s.yaml"))
        );
        assert_eq!(
            p("file:///my%20dir/s.yaml"),
            Ok(PathBuf::from("/my dir/s.yaml"))
        );
        assert!(p("file://host/s.yaml").is_err());
        assert!(p("./s.yaml").is_err());
        assert!(p("vault://x/y").unwrap_err().contains("not supported yet"));
        assert_eq!(
            location_path("./shared/x.yaml", true),
            Ok(PathBuf::from("./shared/x.yaml"))
        );
    }

    #[test]
    fn normalizes_without_the_file_system() {
        assert_eq!(normalize(Path::new("a/./b/../c")), PathBuf::from("a/c"));
        assert_eq!(normalize(Path::new("../x")), PathBuf::from("../x"));
    }
}
