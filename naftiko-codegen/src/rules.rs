//! The Naftiko ruleset (`naftiko-rules.yml`, the Spectral rules published with the alpha2
//! framework), as our own checks on the YAML tree. Each rule keeps its name and severity:
//! `error` is an error, `warn` and `info` are warnings.
//!
//! The rules on exposed `authentication` are checked where it is resolved
//! (`resolve/inbound.rs`). Rules on constructs this generator does not read yet (control and
//! skill adapters, scripts) are left out: those constructs are reported as not supported
//! wherever they appear.

use crate::diag::{Ctxt, Diagnostic, Span};
use crate::yaml::{Kind, Node};

/// [`check`], for a document written in the generation `beta` says (after its rewrite into the
/// alpha shape): an Ikanos beta5 file is told the rules by their `ikanos-*` names (the same
/// rules, renamed with the format; `aggregate-function-description` became
/// `aggregate-flow-description`).
pub fn check_as(root: &Node, beta: bool, d: &mut Ctxt) {
    if !beta {
        return check(root, d);
    }
    let mut own = Ctxt::new();
    check(root, &mut own);
    for mut diag in own.take_all() {
        diag.message = diag
            .message
            .replace(
                "naftiko-aggregate-function-description",
                "ikanos-aggregate-flow-description",
            )
            .replace("(naftiko-", "(ikanos-");
        d.push(diag);
    }
    let _ = own.check();
}

/// Runs every rule that applies to the constructs we read.
pub fn check(root: &Node, d: &mut Ctxt) {
    if let Some(info) = get(root, "info") {
        info_tags(info, d);
        for key in ["description", "label"] {
            markdown(get(info, key), d);
        }
    }
    let Some(cap) = get(root, "capability") else {
        return;
    };
    namespaces_unique(root, cap, d);
    aggregate_semantics(cap, d);
    for c in items(get(cap, "consumes")) {
        if is_imported(c) {
            continue;
        }
        description(c, "naftiko-consumes-description", "a `consumes` entry", d);
        markdown(get(c, "description"), d);
        if let Some(uri) = get(c, "baseUri").filter(|u| u.as_str().is_some()) {
            base_uri(uri, d);
        }
        for r in items(get(c, "resources")) {
            consumed_path_query(r, d);
        }
    }
    for e in items(get(cap, "exposes")) {
        markdown(get(e, "description"), d);
        address(get(e, "address"), d);
        match get(e, "type").and_then(Node::as_str) {
            Some("rest") => rest_resources(e, d),
            Some("mcp") => {
                for t in items(get(e, "tools")) {
                    markdown(get(t, "description"), d);
                    step_names(t, d);
                }
                stdio_listens_nowhere(e, d);
            }
            _ => {}
        }
    }
}

fn get<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    match &node.kind {
        Kind::Map(entries) => entries
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v),
        _ => None,
    }
}

fn items(node: Option<&Node>) -> &[Node] {
    match node.map(|n| &n.kind) {
        Some(Kind::Seq(items)) => items,
        _ => &[],
    }
}

fn is_imported(c: &Node) -> bool {
    get(c, "import").is_some() || get(c, "location").is_some()
}

/// Spectral's `truthy`: present, not null, not `false`, not an empty string, list or mapping.
fn truthy(node: Option<&Node>) -> bool {
    node.is_some_and(|n| match &n.kind {
        Kind::Scalar { value, .. } => {
            !n.is_null() && !value.is_empty() && n.as_bool() != Some(false)
        }
        Kind::Seq(items) => !items.is_empty(),
        Kind::Map(entries) => !entries.is_empty(),
    })
}

fn warn(d: &mut Ctxt, span: Span, rule: &str, message: impl std::fmt::Display) {
    d.push(Diagnostic::warning(span, format!("{message} ({rule})")));
}

/// `naftiko-namespaces-unique` (error): a bind's namespace is no consumed API's or adapter's.
/// (Repeats among binds, and among consumed APIs and adapters, are reported where they are
/// resolved.)
fn namespaces_unique(root: &Node, cap: &Node, d: &mut Ctxt) {
    let mut others: Vec<(&str, Span)> = Vec::new();
    for n in items(get(cap, "consumes"))
        .iter()
        .chain(items(get(cap, "exposes")))
    {
        if let Some(ns) = get(n, "namespace")
            && let Some(text) = ns.as_str()
        {
            others.push((text, ns.span));
        }
    }
    let binds = items(get(root, "binds"))
        .iter()
        .chain(items(get(cap, "binds")));
    for b in binds {
        if let Some(ns) = get(b, "namespace")
            && let Some(text) = ns.as_str()
            && let Some((_, first)) = others.iter().find(|(o, _)| *o == text)
        {
            d.error(
                ns.span,
                format!(
                    "bind namespace `{text}` is also the namespace at line {}: namespaces must be unique across binds, consumed APIs and adapters (naftiko-namespaces-unique)",
                    first.start.line
                ),
            );
        }
    }
}

/// `naftiko-info-tags` (info): `info.tags` present and non-empty.
fn info_tags(info: &Node, d: &mut Ctxt) {
    if !truthy(get(info, "tags")) {
        let span = get(info, "tags").map_or(info.span, |t| t.span);
        warn(
            d,
            span,
            "naftiko-info-tags",
            "`info.tags` should list at least one tag, for discovery",
        );
    }
}

/// `naftiko-consumes-description`, `naftiko-rest-resource-description`,
/// `naftiko-rest-operation-description` (warn, warn, info): a `description`.
fn description(node: &Node, rule: &str, what: &str, d: &mut Ctxt) {
    if !truthy(get(node, "description")) {
        warn(
            d,
            node.span,
            rule,
            format!("{what} should have a `description`: agents read it to choose what to call"),
        );
    }
}

/// `naftiko-no-script-tags-in-markdown`, `naftiko-no-eval-in-markdown` (error): descriptions
/// may be rendered as HTML by documentation or agent tools.
fn markdown(node: Option<&Node>, d: &mut Ctxt) {
    let Some((node, text)) = node.and_then(|n| n.as_str().map(|s| (n, s))) else {
        return;
    };
    let lower = text.to_ascii_lowercase();
    if lower.contains("<script") {
        d.error(
            node.span,
            "a description must not contain a `<script` tag (naftiko-no-script-tags-in-markdown)",
        );
    }
    if text.contains("eval(") {
        d.error(
            node.span,
            "a description must not contain `eval(` (naftiko-no-eval-in-markdown)",
        );
    }
}

/// `naftiko-consumes-baseuri-no-trailing-slash` and `naftiko-baseuri-not-example` (warn).
fn base_uri(uri: &Node, d: &mut Ctxt) {
    let text = uri.as_str().unwrap_or_default();
    if text.ends_with('/') {
        warn(
            d,
            uri.span,
            "naftiko-consumes-baseuri-no-trailing-slash",
            format!(
                "`baseUri` should not end with `/` (it is ignored: `{}`)",
                text.trim_end_matches('/')
            ),
        );
    }
    if text.contains("example.com") {
        warn(
            d,
            uri.span,
            "naftiko-baseuri-not-example",
            "`baseUri` points at example.com, a placeholder host",
        );
    }
}

/// Not a rule of the ruleset: an MCP adapter on stdio listens on no port, so its `port` and
/// `address` are not used; a warning says so rather than dropping them silently.
fn stdio_listens_nowhere(mcp: &Node, d: &mut Ctxt) {
    if get(mcp, "transport").and_then(Node::as_str) != Some("stdio") {
        return;
    }
    for key in ["port", "address"] {
        if let Some(n) = get(mcp, key) {
            d.warn(
                n.span,
                format!(
                    "`{key}` is not used: an MCP adapter with `transport: stdio` listens on no port"
                ),
            );
        }
    }
}

/// `naftiko-consumed-resource-no-query-in-path` (warn).
fn consumed_path_query(resource: &Node, d: &mut Ctxt) {
    if let Some(path) = get(resource, "path")
        && let Some(text) = path.as_str()
        && text.contains('?')
    {
        warn(
            d,
            path.span,
            "naftiko-consumed-resource-no-query-in-path",
            format!(
                "the consumed path `{text}` has a query string: declare query parameters with `in: query` instead"
            ),
        );
    }
}

/// `naftiko-address-not-example` (warn).
fn address(node: Option<&Node>, d: &mut Ctxt) {
    if let Some(a) = node
        && let Some(text) = a.as_str()
        && text.ends_with("example.com")
    {
        warn(
            d,
            a.span,
            "naftiko-address-not-example",
            format!("the adapter's `address` `{text}` is a placeholder host"),
        );
    }
}

/// The REST rules on resources and operations: paths without a trailing slash or a query,
/// descriptions, markdown.
fn rest_resources(rest: &Node, d: &mut Ctxt) {
    for r in items(get(rest, "resources")) {
        description(
            r,
            "naftiko-rest-resource-description",
            "an exposed REST resource",
            d,
        );
        markdown(get(r, "description"), d);
        if let Some(path) = get(r, "path")
            && let Some(text) = path.as_str()
        {
            if text.len() > 1 && text.ends_with('/') {
                warn(
                    d,
                    path.span,
                    "naftiko-rest-resource-path-no-trailing-slash",
                    format!("the exposed path `{text}` should not end with `/`"),
                );
            }
            if text.contains('?') {
                warn(
                    d,
                    path.span,
                    "naftiko-rest-resource-path-no-query",
                    format!(
                        "the exposed path `{text}` has a query string: no request path matches it; declare query inputs with `in: query` instead"
                    ),
                );
            }
        }
        for op in items(get(r, "operations")) {
            // With `ref`, the description is the function's unless given.
            if get(op, "ref").is_none() {
                description(
                    op,
                    "naftiko-rest-operation-description",
                    "an exposed REST operation",
                    d,
                );
            }
            markdown(get(op, "description"), d);
            step_names(op, d);
        }
    }
}

/// `naftiko-steps-name-pattern`: step names are references (`$.step-name.x`), so they keep
/// to letters, digits, `_` and `-`.
fn step_names(op: &Node, d: &mut Ctxt) {
    for step in items(get(op, "steps")) {
        if let Some(name) = get(step, "name")
            && let Some(text) = name.as_str()
            && !text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            warn(
                d,
                name.span,
                "naftiko-steps-name-pattern",
                format!(
                    "the step name `{text}` should match ^[A-Za-z0-9_-]+$: it is used in references"
                ),
            );
        }
    }
}

/// `naftiko-aggregate-semantics-consistency` (warn): an MCP tool's explicit hints, or a REST
/// operation's method, should not contradict the `semantics` of the aggregate function it
/// `ref`s (a safe function is read-only, not destructive, and reached with GET; an idempotent
/// one is not reached with POST).
fn aggregate_semantics(cap: &Node, d: &mut Ctxt) {
    const RULE: &str = "naftiko-aggregate-semantics-consistency";
    let mut semantics: Vec<(String, &Node)> = Vec::new();
    for a in items(get(cap, "aggregates")) {
        let Some(ns) = get(a, "namespace").and_then(Node::as_str) else {
            continue;
        };
        for f in items(get(a, "functions")) {
            if let (Some(name), Some(s)) =
                (get(f, "name").and_then(Node::as_str), get(f, "semantics"))
            {
                semantics.push((format!("{ns}.{name}"), s));
            }
        }
    }
    let flag = |s: &Node, key: &str| get(s, key).and_then(Node::as_bool);
    let find = |op: &Node| {
        let r = get(op, "ref").and_then(Node::as_str)?;
        semantics
            .iter()
            .find(|(k, _)| k == r)
            .map(|(k, s)| (k.clone(), *s))
    };
    for e in items(get(cap, "exposes")) {
        for t in items(get(e, "tools")) {
            let (Some((r, s)), Some(h)) = (find(t), get(t, "hints")) else {
                continue;
            };
            let (safe, idem) = (flag(s, "safe"), flag(s, "idempotent"));
            let checks = [
                (
                    "readOnly",
                    safe == Some(true),
                    Some(false),
                    "semantics.safe=true: a safe function is read-only",
                ),
                (
                    "readOnly",
                    safe == Some(false),
                    Some(true),
                    "semantics.safe=false: an unsafe function is not read-only",
                ),
                (
                    "destructive",
                    safe == Some(true),
                    Some(true),
                    "semantics.safe=true: a safe function is not destructive",
                ),
                (
                    "idempotent",
                    idem == Some(true),
                    Some(false),
                    "semantics.idempotent=true",
                ),
                (
                    "idempotent",
                    idem == Some(false),
                    Some(true),
                    "semantics.idempotent=false",
                ),
            ];
            for (key, applies, bad, why) in checks {
                if let Some(v) = get(h, key)
                    && applies
                    && v.as_bool() == bad
                {
                    d.push(
                        Diagnostic::warning(
                            v.span,
                            format!("the hint `{key}: {}` contradicts the function `{r}` ({why}) ({RULE})", v.as_str().unwrap_or("?")),
                        )
                        .with_help(format!("remove the hint: it is derived from the function's semantics; or change `semantics` of `{r}`")),
                    );
                }
            }
        }
        for res in items(get(e, "resources")) {
            for op in items(get(res, "operations")) {
                let (Some((r, s)), Some(m)) = (find(op), get(op, "method")) else {
                    continue;
                };
                let Some(method) = m.as_str().map(str::to_ascii_uppercase) else {
                    continue;
                };
                let (safe, idem) = (flag(s, "safe"), flag(s, "idempotent"));
                let why = if safe == Some(true) && method != "GET" {
                    Some(("semantics.safe=true: a safe function should use GET", "GET"))
                } else if safe == Some(false) && method == "GET" {
                    Some((
                        "semantics.safe=false: an unsafe function should not use GET",
                        "POST, PUT, PATCH or DELETE",
                    ))
                } else if idem == Some(true) && method == "POST" {
                    Some((
                        "semantics.idempotent=true: POST is not idempotent by convention",
                        "PUT, PATCH, DELETE or GET",
                    ))
                } else {
                    None
                };
                if let Some((why, instead)) = why {
                    d.push(
                        Diagnostic::warning(
                            m.span,
                            format!(
                                "method {method} contradicts the function `{r}` ({why}) ({RULE})"
                            ),
                        )
                        .with_help(format!("use {instead}, or change `semantics` of `{r}`")),
                    );
                }
            }
        }
    }
}
