//! Serving generated `skill` adapters: a catalog of Agent Skills
//! (<https://agentskills.io/specification>) over HTTP, as the reference engine serves it.
//!
//! - `GET /skills`: `{"count", "skills": [{"name", "description", "license"?, "tools": [names]}]}`.
//! - `GET /skills/{name}`: the skill's frontmatter and its tools; a tool derived `from` a sibling
//!   adapter has `"type": "derived"`, its `invocationRef` (`targetNamespace`, `action`, `mode`
//!   `rest`/`mcp`) and the `inputSchema` (and `outputSchema`) of what it calls; an instruction
//!   tool has `"type": "instruction"` and its file's path.
//! - `GET /skills/{name}/contents`: the skill's files (`path`, `size`, `type`): those of its
//!   `location` directory, read when asked, its instruction files (embedded when the spec was
//!   compiled) and a `SKILL.md` generated from the frontmatter when the directory has none.
//! - `GET /skills/{name}/contents/{path}`: one of those files. Paths never leave the directory
//!   (no `..`, no absolute path, no symbolic link pointing out of it).
//! - `GET /skills/{name}/download`: all of them as a zip archive.
//!
//! Every bound is an [`Options`] field. Unknown skills and files are problem+json 404s.

use crate::rest::Problem;
use axum::Router;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Map, Value, json};
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// A `skill` adapter as the spec declares it (generated as a `static`).
#[derive(Debug)]
pub struct Catalog {
    pub namespace: &'static str,
    pub description: Option<&'static str>,
    pub skills: &'static [SkillDef],
}

/// One skill: its Agent Skills frontmatter, its files and its tools.
#[derive(Debug)]
pub struct SkillDef {
    pub name: &'static str,
    pub description: &'static str,
    pub license: Option<&'static str>,
    pub compatibility: Option<&'static str>,
    pub metadata: &'static [(&'static str, &'static str)],
    pub allowed_tools: Option<&'static str>,
    pub argument_hint: Option<&'static str>,
    pub user_invocable: Option<bool>,
    pub disable_model_invocation: Option<bool>,
    /// The `location` directory (absolute), read at request time.
    pub location: Option<&'static str>,
    /// `SKILL.md` generated from the frontmatter, served when `location` has none.
    pub skill_md: &'static str,
    pub tools: &'static [SkillToolDef],
}

#[derive(Debug)]
pub struct SkillToolDef {
    pub name: &'static str,
    pub description: &'static str,
    pub source: ToolSource,
}

#[derive(Debug)]
pub enum ToolSource {
    /// A tool (`mcp`) or operation (`rest`) of a sibling adapter; schemas are JSON text.
    Derived {
        namespace: &'static str,
        action: &'static str,
        mode: &'static str,
        input_schema: &'static str,
        output_schema: Option<&'static str>,
    },
    /// A file under the skill's `location`, embedded when the spec was compiled.
    Instruction {
        path: &'static str,
        content: &'static [u8],
    },
}

/// The bounds of a skill adapter.
#[derive(Debug, Clone)]
pub struct Options {
    /// Most entries (files and directories) read from one skill's `location` (default 1000):
    /// a directory holding that many is listed cut short and its archive refused (507).
    pub max_files: usize,
    /// Largest single file served from a `location` (default 8 MiB); larger ones answer 413.
    pub max_file_bytes: u64,
    /// Largest total of the files put in one `download` archive (default 32 MiB); beyond it
    /// the download answers 413.
    pub max_archive_bytes: u64,
    /// Deepest directory walked under a `location` (default 16).
    pub max_depth: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_files: 1000,
            max_file_bytes: 8 << 20,
            max_archive_bytes: 32 << 20,
            max_depth: 16,
        }
    }
}

struct Shared {
    catalog: &'static Catalog,
    options: Options,
}

type St = State<Arc<Shared>>;

/// The adapter's routes with default [`Options`].
pub fn router(catalog: &'static Catalog) -> Router {
    router_with(catalog, Options::default())
}

/// The adapter's routes (see the [module docs](self)), plus `GET /healthz`.
pub fn router_with(catalog: &'static Catalog, options: Options) -> Router {
    let shared = Arc::new(Shared { catalog, options });
    let router = Router::new()
        .route("/skills", get(catalog_json))
        .route("/skills/{name}", get(detail))
        .route("/skills/{name}/download", get(download))
        .route("/skills/{name}/contents", get(contents))
        .route("/skills/{name}/contents/{*file}", get(file));
    let router = crate::rest::health_and_fallbacks(router).with_state(shared);
    crate::rest::log::layer(router)
}

fn json_response(v: Value) -> Response {
    let mut r = v.to_string().into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

fn not_found(detail: String) -> Problem {
    Problem::new(StatusCode::NOT_FOUND, "Not found", detail)
}

fn find(catalog: &Catalog, name: &str) -> Result<&'static SkillDef, Problem> {
    catalog
        .skills
        .iter()
        .find(|s| s.name == name)
        .ok_or_else(|| not_found(format!("Skill not found: {name}")))
}

impl Catalog {
    /// `GET /skills`.
    pub fn catalog_json(&self) -> Value {
        let skills: Vec<Value> = self
            .skills
            .iter()
            .map(|s| {
                let mut e = Map::new();
                e.insert("name".into(), s.name.into());
                e.insert("description".into(), s.description.into());
                if let Some(l) = s.license {
                    e.insert("license".into(), l.into());
                }
                e.insert(
                    "tools".into(),
                    s.tools.iter().map(|t| Value::from(t.name)).collect(),
                );
                Value::Object(e)
            })
            .collect();
        json!({"count": skills.len(), "skills": skills})
    }
}

impl SkillDef {
    /// `GET /skills/{name}`.
    pub fn detail_json(&self) -> Value {
        let mut r = Map::new();
        r.insert("name".into(), self.name.into());
        r.insert("description".into(), self.description.into());
        let opt = [
            ("license", self.license),
            ("compatibility", self.compatibility),
            ("argument-hint", self.argument_hint),
            ("allowed-tools", self.allowed_tools),
        ];
        for (k, v) in opt {
            if let Some(v) = v {
                r.insert(k.into(), v.into());
            }
        }
        if let Some(b) = self.user_invocable {
            r.insert("user-invocable".into(), b.into());
        }
        if let Some(b) = self.disable_model_invocation {
            r.insert("disable-model-invocation".into(), b.into());
        }
        if !self.metadata.is_empty() {
            let m: Map<String, Value> = self
                .metadata
                .iter()
                .map(|(k, v)| (k.to_string(), Value::from(*v)))
                .collect();
            r.insert("metadata".into(), Value::Object(m));
        }
        let tools: Vec<Value> = self.tools.iter().map(SkillToolDef::json).collect();
        r.insert("tools".into(), Value::Array(tools));
        Value::Object(r)
    }
}

impl SkillToolDef {
    fn json(&self) -> Value {
        let mut t = Map::new();
        t.insert("name".into(), self.name.into());
        t.insert("description".into(), self.description.into());
        match &self.source {
            ToolSource::Derived {
                namespace,
                action,
                mode,
                input_schema,
                output_schema,
            } => {
                t.insert("type".into(), "derived".into());
                t.insert(
                    "invocationRef".into(),
                    json!({"targetNamespace": namespace, "action": action, "mode": mode}),
                );
                let parse = |s: &str| serde_json::from_str::<Value>(s).unwrap_or(Value::Null);
                t.insert("inputSchema".into(), parse(input_schema));
                if let Some(o) = output_schema {
                    t.insert("outputSchema".into(), parse(o));
                }
            }
            ToolSource::Instruction { path, .. } => {
                t.insert("type".into(), "instruction".into());
                t.insert("instruction".into(), (*path).into());
            }
        }
        Value::Object(t)
    }
}

async fn catalog_json(State(s): St) -> Response {
    json_response(s.catalog.catalog_json())
}

async fn detail(State(s): St, UrlPath(name): UrlPath<String>) -> Result<Response, Problem> {
    Ok(json_response(find(s.catalog, &name)?.detail_json()))
}

/// Where a file of a skill comes from.
enum Origin {
    Embedded(&'static [u8]),
    Disk(PathBuf),
}

struct Entry {
    path: String,
    size: u64,
    origin: Origin,
}

/// The skill's files, sorted by path: the embedded instructions, the `location`'s files (not
/// those the instructions already are) and the generated `SKILL.md` when there is none.
/// `cut` is set when the bound stopped the walk.
fn files(skill: &SkillDef, o: &Options, cut: &mut bool) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    if let Some(root) = skill.location {
        let root = Path::new(root);
        let mut stack = vec![(root.to_path_buf(), 0usize)];
        // Every entry read counts, directories too, so that no tree makes the walk unbounded.
        let mut seen = 0usize;
        while let Some((dir, depth)) = stack.pop() {
            let Ok(read) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in read.flatten() {
                if seen >= o.max_files {
                    *cut = true;
                    break;
                }
                seen += 1;
                let Ok(ty) = e.file_type() else { continue };
                let p = e.path();
                if ty.is_dir() {
                    if depth + 1 < o.max_depth {
                        stack.push((p, depth + 1));
                    }
                } else if ty.is_file()
                    && let (Ok(rel), Ok(meta)) = (p.strip_prefix(root), e.metadata())
                {
                    let rel: Vec<String> = rel
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy().into_owned())
                        .collect();
                    out.push(Entry {
                        path: rel.join("/"),
                        size: meta.len(),
                        origin: Origin::Disk(p),
                    });
                }
            }
        }
    }
    for t in skill.tools {
        if let ToolSource::Instruction { path, content } = t.source {
            out.retain(|e| e.path != path);
            out.push(Entry {
                path: path.to_string(),
                size: content.len() as u64,
                origin: Origin::Embedded(content),
            });
        }
    }
    if !out.iter().any(|e| e.path == "SKILL.md") {
        out.push(Entry {
            path: "SKILL.md".into(),
            size: skill.skill_md.len() as u64,
            origin: Origin::Embedded(skill.skill_md.as_bytes()),
        });
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

fn media_type(path: &str) -> String {
    match path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .as_deref()
    {
        Some("md" | "markdown") => "text/markdown".into(),
        Some("yml" | "yaml") => "application/yaml".into(),
        _ => mime_guess::from_path(path)
            .first_raw()
            .unwrap_or("application/octet-stream")
            .to_string(),
    }
}

async fn contents(State(s): St, UrlPath(name): UrlPath<String>) -> Result<Response, Problem> {
    let skill = find(s.catalog, &name)?;
    let shared = s.clone();
    let listed = tokio::task::spawn_blocking(move || files(skill, &shared.options, &mut false))
        .await
        .unwrap_or_default();
    let files: Vec<Value> = listed
        .iter()
        .map(|e| json!({"path": e.path, "size": e.size, "type": media_type(&e.path)}))
        .collect();
    Ok(json_response(json!({"name": skill.name, "files": files})))
}

/// The file's bytes, or `None` when it holds more than `max` (never reading more than that,
/// even if it grew since its size was read).
fn read_bounded(path: &Path, max: u64) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= max).then_some(bytes))
}

/// Refuses a path that is not plainly relative (`..`, `.`, a root, a backslash, a NUL).
fn check_relative(file: &str) -> Result<&Path, Problem> {
    let rel = Path::new(file);
    if file.is_empty()
        || file.contains('\\')
        || file.contains('\0')
        || !rel.components().all(|c| matches!(c, Component::Normal(_)))
    {
        return Err(Problem::bad_request(format!(
            "`{file}` is not a relative path inside the skill"
        )));
    }
    Ok(rel)
}

/// `file` as a path under `root` that stays there, or why not.
fn safe_join(root: &Path, file: &str) -> Result<PathBuf, Problem> {
    let joined = root.join(check_relative(file)?);
    // A symbolic link may point anywhere: the file must resolve inside the directory.
    match (root.canonicalize(), joined.canonicalize()) {
        (Ok(r), Ok(j)) if j.starts_with(&r) => Ok(j),
        (Ok(_), Ok(_)) => Err(Problem::bad_request(format!(
            "`{file}` resolves outside the skill"
        ))),
        _ => Err(not_found(format!("File not found: {file}"))),
    }
}

fn bytes_response(path: &str, bytes: Vec<u8>) -> Response {
    let mut r = bytes.into_response();
    if let Ok(v) = HeaderValue::from_str(&media_type(path)) {
        r.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    r
}

fn too_large(what: String) -> Problem {
    Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "Too large", what)
}

async fn file(
    State(s): St,
    UrlPath((name, file)): UrlPath<(String, String)>,
) -> Result<Response, Problem> {
    let skill = find(s.catalog, &name)?;
    for t in skill.tools {
        if let ToolSource::Instruction { path, content } = t.source
            && path == file
        {
            return Ok(bytes_response(&file, content.to_vec()));
        }
    }
    let on_disk = match skill.location {
        Some(root) => {
            let max = s.options.max_file_bytes;
            let root = root.to_string();
            let f = file.clone();
            tokio::task::spawn_blocking(move || -> Result<Option<Vec<u8>>, Problem> {
                let p = match safe_join(Path::new(&root), &f) {
                    Ok(p) => p,
                    Err(e) if e.status == StatusCode::NOT_FOUND => return Ok(None),
                    Err(e) => return Err(e),
                };
                let meta =
                    std::fs::metadata(&p).map_err(|_| not_found(format!("File not found: {f}")))?;
                if !meta.is_file() {
                    return Ok(None);
                }
                if meta.len() > max {
                    return Err(too_large(format!(
                        "`{f}` is larger than the {max} bytes served"
                    )));
                }
                match read_bounded(&p, max) {
                    Ok(Some(bytes)) => Ok(Some(bytes)),
                    Ok(None) => Err(too_large(format!(
                        "`{f}` is larger than the {max} bytes served"
                    ))),
                    Err(_) => Err(not_found(format!("File not found: {f}"))),
                }
            })
            .await
            .unwrap_or_else(|_| Err(not_found(format!("File not found: {file}"))))?
        }
        None => {
            check_relative(&file)?;
            None
        }
    };
    match on_disk {
        Some(bytes) => Ok(bytes_response(&file, bytes)),
        None if file == "SKILL.md" => Ok(bytes_response(&file, skill.skill_md.as_bytes().to_vec())),
        None => Err(not_found(format!("File not found: {file}"))),
    }
}

async fn download(State(s): St, UrlPath(name): UrlPath<String>) -> Result<Response, Problem> {
    let skill = find(s.catalog, &name)?;
    let shared = s.clone();
    let zipped = tokio::task::spawn_blocking(move || archive(skill, &shared.options))
        .await
        .unwrap_or_else(|_| {
            Err(Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Archive failed",
                "the archive could not be built",
            ))
        })?;
    let mut r = zipped.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}.zip\"", skill.name)) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(r)
}

/// The skill's files as a zip archive (stored, not compressed), within the bounds.
fn archive(skill: &SkillDef, o: &Options) -> Result<Vec<u8>, Problem> {
    let mut cut = false;
    let listed = files(skill, o, &mut cut);
    if cut {
        return Err(Problem::new(
            StatusCode::INSUFFICIENT_STORAGE,
            "Too many files",
            format!(
                "the skill's directory has more than the {} entries archived",
                o.max_files
            ),
        ));
    }
    let total: u64 = listed.iter().map(|e| e.size).sum();
    if total > o.max_archive_bytes {
        return Err(too_large(format!(
            "the skill's files total more than the {} bytes archived",
            o.max_archive_bytes
        )));
    }
    let failed = |e: &dyn std::fmt::Display| {
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Archive failed",
            e.to_string(),
        )
    };
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut written = 0u64;
    for e in &listed {
        let bytes = match &e.origin {
            Origin::Embedded(b) => b.to_vec(),
            // A file removed since it was listed is left out; one grown past the bound is not
            // read beyond it.
            Origin::Disk(p) => match read_bounded(p, o.max_archive_bytes.saturating_sub(written)) {
                Ok(Some(b)) => b,
                Ok(None) => {
                    return Err(too_large(format!(
                        "the skill's files total more than the {} bytes archived",
                        o.max_archive_bytes
                    )));
                }
                Err(_) => continue,
            },
        };
        written += bytes.len() as u64;
        if written > o.max_archive_bytes {
            return Err(too_large(format!(
                "the skill's files total more than the {} bytes archived",
                o.max_archive_bytes
            )));
        }
        zip.start_file(e.path.as_str(), opts)
            .map_err(|e| failed(&e))?;
        zip.write_all(&bytes).map_err(|e| failed(&e))?;
    }
    zip.finish()
        .map(std::io::Cursor::into_inner)
        .map_err(|e| failed(&e))
}
