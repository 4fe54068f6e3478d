//! Ikanos `1.0.0-beta5`, the successor format, read through the alpha reader.
//!
//! The two generations say the same things with different shapes: named lists became maps keyed
//! by name, `label` became `display`, aggregate `functions` became `flows`, a step mapping's
//! `targetName` became `target`, an import's `location` became `from`. [`to_alpha`] rewrites a
//! beta document's located tree into the alpha shape (every node keeps the span it was read
//! from, so later diagnostics still point into the beta file), and the one reader, resolver and
//! emitter do the rest: both generations have one meaning.
//!
//! The rewrite is also where the mistakes typical of a half-migrated file are caught, because
//! it knows which generation it reads: a `name:` inside a keyed entry, `label` or `functions` or
//! `targetName` or an import's `location` in a beta file, a list where beta wants a map. The
//! constructs only beta has are reported here too: what maps onto existing machinery is
//! rewritten, what does not is a located "not supported yet" naming why.

use crate::diag::{Ctxt, Diagnostic};
use crate::yaml::{Kind, Node};

/// The beta version this reader knows.
pub const BETA5: &str = "1.0.0-beta5";

/// Whether the document's root declares `ikanos:` (the successor format).
pub fn is_beta(root: &Node) -> bool {
    get(root, "ikanos").is_some()
}

/// A beta document rewritten into the alpha shape, or `None` when it is not one (`root` is an
/// alpha document, or not a mapping). Mistakes are reported in `d`; the rewrite still goes on
/// so that one build reports them all.
pub fn to_alpha(root: &Node, d: &mut Ctxt) -> Option<Node> {
    if !is_beta(root) {
        return None;
    }
    let mut root = root.clone();
    let Kind::Map(entries) = &mut root.kind else {
        return None;
    };
    if let Some((k, _)) = entries.iter().find(|(k, _)| k.as_str() == Some("naftiko")) {
        d.push(
            Diagnostic::new(
                k.span,
                "a document is either a naftiko alpha spec or an Ikanos beta spec, not both",
            )
            .with_help("an Ikanos 1.0.0-beta5 file declares only `ikanos: \"1.0.0-beta5\"`"),
        );
    }
    for (k, v) in entries.iter_mut() {
        if k.as_str() != Some("ikanos") {
            continue;
        }
        match v.as_str() {
            Some(BETA5) => {}
            Some(other) => d.push(
                Diagnostic::new(v.span, format!("unsupported ikanos version `{other}`"))
                    .with_help(format!("supported Ikanos version: {BETA5}")),
            ),
            None => d.error(
                v.span,
                format!("`ikanos` must be a version string, found {}", v.describe()),
            ),
        }
        // The alpha reader checks the version key: the beta one is checked above.
        set_text(k, "naftiko");
        *v = Node {
            span: v.span,
            kind: Kind::Scalar {
                value: "1.0.0-alpha3".into(),
                plain: false,
            },
        };
    }
    let beta = Beta;
    for (k, v) in entries.iter_mut() {
        match k.as_str() {
            Some("info") => beta.info(v, d),
            Some("consumes") => beta.consumes_list(v, d),
            Some("binds") => beta.binds(v, d),
            Some("capability") => beta.capability(v, d),
            Some("exposes") => d.unsupported(
                k.span,
                "a standalone `exposes` file (imports of exposes: import its adapters by \
                 copying them into the capability)",
            ),
            Some("aggregates") => d.unsupported(
                k.span,
                "a standalone `aggregates` file (imports of aggregates: declare them under \
                 `capability.aggregates`)",
            ),
            _ => {}
        }
    }
    Some(root)
}

/// The rewrite, one method per construct of the beta schema that differs from alpha.
struct Beta;

impl Beta {
    fn info(&self, info: &mut Node, d: &mut Ctxt) {
        self.display(info, d);
        // `info.version` is new in beta: metadata, like the `created` and `tags` the alpha
        // reader reads and does not publish.
        remove(info, "version");
    }

    fn capability(&self, cap: &mut Node, d: &mut Ctxt) {
        let Some(entries) = map_mut(cap) else { return };
        for (k, v) in entries.iter_mut() {
            match k.as_str() {
                Some("consumes") => self.consumes_list(v, d),
                Some("exposes") => {
                    for e in seq_mut(v) {
                        self.adapter(e, d);
                    }
                }
                Some("aggregates") => {
                    for a in seq_mut(v) {
                        self.aggregate(a, d);
                    }
                }
                Some("binds") => self.binds(v, d),
                _ => {}
            }
        }
    }

    fn binds(&self, binds: &mut Node, d: &mut Ctxt) {
        for b in seq_mut(binds) {
            if let Some(k) = key_of(b, "import") {
                d.unsupported(
                    k.span,
                    "an imported `binds` entry (declare the bind in the importing spec)",
                );
            }
        }
    }

    fn consumes_list(&self, list: &mut Node, d: &mut Ctxt) {
        for c in seq_mut(list) {
            if get(c, "import").is_some() {
                self.import_entry(c, d);
            } else {
                self.consumes(c, d);
            }
        }
    }

    /// `{import, from, as, description}`: alpha writes `location` for `from`.
    fn import_entry(&self, entry: &mut Node, d: &mut Ctxt) {
        if let Some(k) = key_of(entry, "location") {
            d.push(
                Diagnostic::new(
                    k.span,
                    "`location` in an import is the naftiko alpha spelling: an Ikanos beta5 \
                     import names its file with `from`",
                )
                .with_help("write `from: ./shared/file.yaml`"),
            );
            return;
        }
        rename(entry, "from", "location");
    }

    fn consumes(&self, c: &mut Node, d: &mut Ctxt) {
        if let Some(k) = key_of(c, "tunnel") {
            d.unsupported(
                k.span,
                "`consumes.tunnel` (an OpenZiti overlay network needs the Ziti SDK, which has \
                 no maintained Rust binding)",
            );
            remove(c, "tunnel");
        }
        keyed(c, "inputParameters", "the API's `inputParameters`", d);
        keyed(c, "resources", "a consumed API's `resources`", d);
        for r in values_mut(c, "resources") {
            self.display(r, d);
            remove(r, "tags");
            keyed(r, "inputParameters", "a resource's `inputParameters`", d);
            keyed(r, "operations", "a resource's `operations`", d);
            for op in values_mut(r, "operations") {
                self.display(op, d);
                remove(op, "tags");
                keyed(op, "inputParameters", "an operation's `inputParameters`", d);
                keyed(
                    op,
                    "outputParameters",
                    "a consumed operation's `outputParameters`",
                    d,
                );
                self.binary(op, d);
                if let Some(k) = key_of(op, "mappings") {
                    d.unsupported(
                        k.span,
                        "`mappings` on a consumed operation (map its outputs in the adapter \
                         that calls it)",
                    );
                }
            }
        }
    }

    fn adapter(&self, e: &mut Node, d: &mut Ctxt) {
        if let Some(k) = key_of(e, "import") {
            d.unsupported(
                k.span,
                "an imported `exposes` entry (declare the adapter in the importing spec)",
            );
            return;
        }
        if let Some(k) = key_of(e, "maxBinarySize") {
            d.unsupported(k.span, BINARY);
        }
        match get(e, "type").and_then(Node::as_str) {
            Some("rest") => {
                keyed(e, "resources", "a REST adapter's `resources`", d);
                for r in values_mut(e, "resources") {
                    self.display(r, d);
                    remove(r, "tags");
                    keyed(r, "inputParameters", "a resource's `inputParameters`", d);
                    keyed(r, "operations", "a resource's `operations`", d);
                    for op in values_mut(r, "operations") {
                        self.display(op, d);
                        for key in ["responses", "responseBinary"] {
                            if let Some(k) = key_of(op, key) {
                                d.unsupported(k.span, BINARY);
                            }
                        }
                        self.unit(op, d);
                    }
                }
            }
            Some("mcp") => {
                for key in ["ttlMs", "cacheScope"] {
                    if let Some(k) = key_of(e, key) {
                        d.unsupported(
                            k.span,
                            format!(
                                "`{key}` (caching of tool results: the generated server keeps \
                                 no result cache)"
                            ),
                        );
                    }
                }
                keyed(e, "tools", "an MCP adapter's `tools`", d);
                for t in values_mut(e, "tools") {
                    self.display(t, d);
                    self.unit(t, d);
                }
                keyed(e, "resources", "an MCP adapter's `resources`", d);
                for r in values_mut(e, "resources") {
                    self.display(r, d);
                    if let Some(k) = key_of(r, "binary") {
                        d.unsupported(k.span, BINARY);
                    }
                    self.steps(r, d);
                }
                keyed(e, "prompts", "an MCP adapter's `prompts`", d);
                for p in values_mut(e, "prompts") {
                    self.display(p, d);
                    keyed(p, "arguments", "a prompt's `arguments`", d);
                    for a in values_mut(p, "arguments") {
                        self.display(a, d);
                    }
                }
            }
            Some("skill") => {
                keyed(e, "skills", "a skill adapter's `skills`", d);
                for s in values_mut(e, "skills") {
                    keyed(s, "tools", "a skill's `tools`", d);
                }
            }
            _ => {}
        }
    }

    /// What REST operations, MCP tools and aggregate flows share: inputs, steps, mappings,
    /// outputs.
    fn unit(&self, u: &mut Node, d: &mut Ctxt) {
        remove(u, "tags");
        if let Some(k) = key_of(u, "outputMediaType") {
            d.unsupported(k.span, BINARY);
        }
        keyed(u, "inputParameters", "`inputParameters`", d);
        self.steps(u, d);
        if let Some(outputs) = field_mut(u, "outputParameters") {
            // A call-style unit's outputs stay a list; named (orchestrated or mock) outputs
            // became a map.
            if matches!(outputs.kind, Kind::Map(_)) {
                keyed_node(outputs, "named `outputParameters`", d);
            }
            for o in seq_mut(outputs) {
                named_items(o, d);
            }
        }
    }

    fn steps(&self, u: &mut Node, d: &mut Ctxt) {
        keyed(u, "steps", "`steps`", d);
        if let Some(m) = field_mut(u, "mappings") {
            for m in seq_mut(m) {
                if let Some(k) = key_of(m, "targetName") {
                    d.push(
                        Diagnostic::new(
                            k.span,
                            "`targetName` is the naftiko alpha spelling: an Ikanos beta5 step \
                             mapping names its target with `target`",
                        )
                        .with_help("write `target:`"),
                    );
                    // Read on as what it says, so that this one error is all the build shows.
                    continue;
                }
                rename(m, "target", "targetName");
            }
        }
    }

    fn aggregate(&self, a: &mut Node, d: &mut Ctxt) {
        self.display(a, d);
        if let Some(k) = key_of(a, "functions") {
            let both = get(a, "flows").is_some();
            d.push(
                Diagnostic::new(
                    k.span,
                    if both {
                        "`functions` next to `flows`: `functions` is the naftiko alpha name of \
                         an aggregate's `flows`"
                    } else {
                        "`functions` is the naftiko alpha spelling: an Ikanos beta5 aggregate \
                         declares `flows`"
                    },
                )
                .with_help("write the functions as `flows:`, a map keyed by flow name"),
            );
            if both {
                remove(a, "functions");
            } else {
                // Read on as flows, so that this one error is all the build shows.
                rename(a, "functions", "flows");
            }
        }
        keyed(a, "flows", "an aggregate's `flows`", d);
        for f in values_mut(a, "flows") {
            self.unit(f, d);
        }
        rename(a, "flows", "functions");
    }

    /// `display` for alpha's `label`; `label` in a beta file is the half-migrated spelling.
    fn display(&self, node: &mut Node, d: &mut Ctxt) {
        if let Some(k) = key_of(node, "label") {
            d.push(
                Diagnostic::new(
                    k.span,
                    "`label` is the naftiko alpha spelling: an Ikanos beta5 file writes `display`",
                )
                .with_help("rename `label:` to `display:`"),
            );
            if get(node, "display").is_some() {
                remove(node, "label");
            }
        }
        rename(node, "display", "label");
    }

    fn binary(&self, op: &mut Node, d: &mut Ctxt) {
        for key in ["outputMediaType", "maxBinarySize"] {
            if let Some(k) = key_of(op, key) {
                d.unsupported(k.span, BINARY);
            }
        }
    }
}

const BINARY: &str = "binary content (`outputMediaType`, `maxBinarySize`, `responses`, binary \
                      MCP resources): the generated adapters serve JSON and text; read a \
                      binary upstream with `outputRawFormat: binary`";

/// An orchestrated output's `items` as a map of named items (beta) becomes the alpha list of
/// named items; an `items` that is one schema (it has a scalar `type`) stays.
fn named_items(output: &mut Node, d: &mut Ctxt) {
    if let Some(items) = field_mut(output, "items") {
        let named = matches!(&items.kind, Kind::Map(e)
            if !e.is_empty() && e.iter().all(|(_, v)| v.is_null() || matches!(v.kind, Kind::Map(_))));
        if named {
            keyed_node(items, "named `items`", d);
            for i in seq_mut(items) {
                named_items(i, d);
            }
        }
    }
}

/// Field `key` of a mapping, if it is a keyed map, rewritten into a list of entries with `name`.
fn keyed(node: &mut Node, key: &str, what: &str, d: &mut Ctxt) {
    if let Some(v) = field_mut(node, key) {
        keyed_node(v, what, d);
    }
}

/// A keyed map (`x: {...}`) becomes a list of entries each with `name: x` (at the key's
/// position). A list there is the alpha shape: an error in a beta file, left as it is so that
/// its entries are still read.
fn keyed_node(v: &mut Node, what: &str, d: &mut Ctxt) {
    let (null, span, describe) = (v.is_null(), v.span, v.describe());
    match &mut v.kind {
        Kind::Seq(items) => {
            let example = items
                .first()
                .and_then(|i| get(i, "name"))
                .and_then(Node::as_str)
                .unwrap_or("entry-name")
                .to_owned();
            d.push(
                Diagnostic::new(
                    span,
                    format!(
                        "{what} is a list, the naftiko alpha shape: in an Ikanos beta5 file it is \
                         a map keyed by name"
                    ),
                )
                .with_help(format!(
                    "write `{example}:` followed by the entry's other keys, instead of \
                     `- name: {example}`"
                )),
            );
        }
        Kind::Map(entries) => {
            let list = std::mem::take(entries)
                .into_iter()
                .map(|(key, mut value)| {
                    let name = (
                        Node {
                            span: key.span,
                            kind: Kind::Scalar {
                                value: "name".into(),
                                plain: true,
                            },
                        },
                        key.clone(),
                    );
                    let null = value.is_null();
                    match &mut value.kind {
                        Kind::Map(fields) => {
                            if let Some((k, n)) = fields.iter().find(|(k, _)| k.as_str() == Some("name")) {
                                d.push(
                                    Diagnostic::new(
                                        k.span,
                                        format!(
                                            "`name:` inside a keyed entry: in an Ikanos beta5 file the key `{}` is the name{}",
                                            key.as_str().unwrap_or("?"),
                                            match n.as_str() {
                                                Some(n) if Some(n) != key.as_str() => format!(", and this `name: {n}` differs from it"),
                                                _ => String::new(),
                                            }
                                        ),
                                    )
                                    .with_help("remove the `name:` line; the map key names the entry"),
                                );
                                fields.retain(|(k, _)| k.as_str() != Some("name"));
                            }
                            fields.insert(0, name);
                        }
                        _ if null => {
                            value.kind = Kind::Map(vec![name]);
                        }
                        _ => {
                            d.error(
                                value.span,
                                format!(
                                    "the entry `{}` of {what} must be a mapping, found {}",
                                    key.as_str().unwrap_or("?"),
                                    value.describe()
                                ),
                            );
                        }
                    }
                    value
                })
                .collect();
            v.kind = Kind::Seq(list);
        }
        _ if null => {}
        _ => d.error(
            span,
            format!("{what} must be a map keyed by name, found {describe}"),
        ),
    }
}

fn get<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    match &node.kind {
        Kind::Map(e) => e
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v),
        _ => None,
    }
}

fn key_of<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    match &node.kind {
        Kind::Map(e) => e
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(k, _)| k),
        _ => None,
    }
}

fn map_mut(node: &mut Node) -> Option<&mut Vec<(Node, Node)>> {
    match &mut node.kind {
        Kind::Map(e) => Some(e),
        _ => None,
    }
}

fn field_mut<'a>(node: &'a mut Node, key: &str) -> Option<&'a mut Node> {
    map_mut(node)?
        .iter_mut()
        .find(|(k, _)| k.as_str() == Some(key))
        .map(|(_, v)| v)
}

fn seq_mut(node: &mut Node) -> impl Iterator<Item = &mut Node> {
    match &mut node.kind {
        Kind::Seq(items) => items.iter_mut(),
        _ => [].iter_mut(),
    }
}

/// The entries of list field `key` (already rewritten from a keyed map).
fn values_mut<'a>(node: &'a mut Node, key: &str) -> impl Iterator<Item = &'a mut Node> {
    field_mut(node, key).into_iter().flat_map(seq_mut)
}

fn set_text(node: &mut Node, text: &str) {
    if let Kind::Scalar { value, .. } = &mut node.kind {
        *value = text.into();
    }
}

fn rename(node: &mut Node, from: &str, to: &str) {
    if let Some(e) = map_mut(node) {
        for (k, _) in e.iter_mut() {
            if k.as_str() == Some(from) {
                set_text(k, to);
            }
        }
    }
}

fn remove(node: &mut Node, key: &str) {
    if let Some(e) = map_mut(node) {
        e.retain(|(k, _)| k.as_str() != Some(key));
    }
}
