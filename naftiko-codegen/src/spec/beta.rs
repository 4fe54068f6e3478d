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

use crate::diag::{Ctxt, Diagnostic, Span};
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
    walk(&mut root, Mode::Read, d);
    Some(root)
}

/// Walks a document in `mode` (see [`Mode`]): the text edits it records.
pub(crate) fn walk(root: &mut Node, mode: Mode, d: &mut Ctxt) -> Vec<Edit> {
    let mut beta = Beta {
        mode,
        edits: Vec::new(),
    };
    let Kind::Map(entries) = &mut root.kind else {
        return beta.edits;
    };
    let (version_key, target_key, target_version) = match mode {
        Mode::ToBeta => ("naftiko", "ikanos", BETA5),
        Mode::Read | Mode::ToAlpha => ("ikanos", "naftiko", "1.0.0-alpha3"),
    };
    if mode != Mode::ToBeta
        && let Some((k, _)) = entries.iter().find(|(k, _)| k.as_str() == Some("naftiko"))
    {
        d.push(
            Diagnostic::new(
                k.span,
                "a document is either a naftiko alpha spec or an Ikanos beta spec, not both",
            )
            .with_help("an Ikanos 1.0.0-beta5 file declares only `ikanos: \"1.0.0-beta5\"`"),
        );
    }
    for (k, v) in entries.iter_mut() {
        if k.as_str() != Some(version_key) {
            continue;
        }
        if mode != Mode::ToBeta {
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
        }
        beta.edits.push(Edit::Replace {
            span: k.span,
            text: target_key.into(),
        });
        beta.edits.push(Edit::Replace {
            span: v.span,
            text: format!("\"{target_version}\""),
        });
        if mode != Mode::ToBeta {
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
    }
    for (k, v) in entries.iter_mut() {
        match k.as_str() {
            Some("info") => beta.info(v, d),
            Some("consumes") => beta.consumes_list(v, d),
            Some("binds") => beta.binds(v, d),
            Some("capability") => beta.capability(v, d),
            Some("exposes") if mode != Mode::ToBeta => beta.beta_only(
                d,
                k.span,
                "a standalone `exposes` file (imports of exposes: import its adapters by \
                 copying them into the capability)",
            ),
            Some("aggregates") if mode != Mode::ToBeta => beta.beta_only(
                d,
                k.span,
                "a standalone `aggregates` file (imports of aggregates: declare them under \
                 `capability.aggregates`)",
            ),
            _ => {}
        }
    }
    beta.edits
}

/// What a walk over a document does.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Reads a beta document: rewrites its tree into the alpha shape; the half-migrated
    /// spellings and the beta-only constructs are reported.
    Read,
    /// As `Read`, and records the text edits that write the document in alpha3; what alpha3
    /// cannot say is an error.
    ToAlpha,
    /// Walks an alpha document (left as it is) and records the text edits that write it in
    /// beta5.
    ToBeta,
}

/// A change to the text of a document, at positions of its tree (see `crate::convert`).
#[derive(Debug, Clone)]
pub(crate) enum Edit {
    /// The token at `span` (one line) becomes `text`.
    Replace { span: Span, text: String },
    /// An alpha list entry `- name: x` (or one whose `name:` comes later) becomes the beta map
    /// entry `x:`: `entry` is the entry's mapping, `name` its `name` key.
    ListToKeyed {
        entry: Node,
        name_key: Span,
        name: String,
    },
    /// A beta map entry `x:` (its key at `key`) becomes the alpha list entry `- name: x`.
    KeyedToList {
        key: Span,
        name: String,
        value: Node,
    },
    /// The line of the key at `span` goes (alpha's redundant `name:` inside a `properties`
    /// entry, which beta does not allow).
    RemoveLine { span: Span },
}

/// The rewrite, one method per construct of the beta schema that differs from alpha.
pub(crate) struct Beta {
    pub(crate) mode: Mode,
    pub(crate) edits: Vec<Edit>,
}

impl Beta {
    fn reading_beta(&self) -> bool {
        self.mode != Mode::ToBeta
    }

    /// A construct only beta has: not supported yet when reading, not expressible in alpha3
    /// when converting.
    fn beta_only(&mut self, d: &mut Ctxt, span: Span, what: &str) {
        match self.mode {
            Mode::Read => d.unsupported(span, what),
            Mode::ToAlpha => d.push(
                Diagnostic::new(
                    span,
                    format!(
                        "naftiko alpha3 cannot express {}",
                        what.split(" (").next().unwrap_or(what)
                    ),
                )
                .with_help("remove it (or keep the file in Ikanos beta5) to convert"),
            ),
            Mode::ToBeta => {}
        }
    }

    /// A construct only beta has and that is read (its reader refuses it in an alpha file):
    /// not expressible in alpha3 when converting.
    fn beta_read(&mut self, d: &mut Ctxt, node: &Node, key: &str, what: &str) {
        if self.mode == Mode::ToAlpha
            && let Some(k) = key_of(node, key)
        {
            let span = k.span;
            self.beta_only(d, span, what);
        }
    }

    /// Metadata beta added (`info.version`, `tags` on resources, operations, tools and flows):
    /// read and not published, like alpha's `info.tags`; alpha3 has no place for it.
    fn metadata(&mut self, node: &mut Node, key: &str, d: &mut Ctxt) {
        if self.mode == Mode::ToAlpha
            && let Some(k) = key_of(node, key)
        {
            d.push(
                Diagnostic::new(k.span, format!("naftiko alpha3 has no `{key}` here"))
                    .with_help("remove it (or keep the file in Ikanos beta5) to convert"),
            );
        }
        if self.reading_beta() {
            remove(node, key);
        }
    }

    /// Key `beta` of a beta document is alpha's `alpha` (renamed in the tree when reading
    /// beta); the edit that writes the other spelling.
    fn rename(&mut self, node: &mut Node, beta: &str, alpha: &str) {
        let (from, to) = if self.reading_beta() {
            (beta, alpha)
        } else {
            (alpha, beta)
        };
        if let Some(e) = map_mut(node) {
            for (k, _) in e.iter_mut() {
                if k.as_str() == Some(from) {
                    self.edits.push(Edit::Replace {
                        span: k.span,
                        text: to.into(),
                    });
                    if self.mode != Mode::ToBeta {
                        set_text(k, alpha);
                    }
                }
            }
        }
    }

    fn info(&mut self, info: &mut Node, d: &mut Ctxt) {
        self.display(info, d);
        self.metadata(info, "version", d);
    }

    fn capability(&mut self, cap: &mut Node, d: &mut Ctxt) {
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
                Some("imports") if self.mode == Mode::ToBeta => d.push(
                    Diagnostic::new(
                        k.span,
                        "Ikanos beta5 has no whole-file `capability.imports`",
                    )
                    .with_help(
                        "import each API as a `consumes` entry (`- import: ns` with \
                         `location:`) before converting",
                    ),
                ),
                _ => {}
            }
        }
    }

    fn binds(&mut self, binds: &mut Node, d: &mut Ctxt) {
        for b in seq_mut(binds) {
            if let Some(k) = key_of(b, "import") {
                let span = k.span;
                self.beta_only(
                    d,
                    span,
                    "an imported `binds` entry (declare the bind in the importing spec)",
                );
            }
        }
    }

    fn consumes_list(&mut self, list: &mut Node, d: &mut Ctxt) {
        for c in seq_mut(list) {
            if get(c, "import").is_some() {
                self.import_entry(c, d);
            } else {
                self.consumes(c, d);
            }
        }
    }

    /// `{import, from, as, description}`: alpha writes `location` for `from`.
    fn import_entry(&mut self, entry: &mut Node, d: &mut Ctxt) {
        if self.reading_beta()
            && let Some(k) = key_of(entry, "location")
        {
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
        self.rename(entry, "from", "location");
    }

    fn consumes(&mut self, c: &mut Node, d: &mut Ctxt) {
        if let Some(k) = key_of(c, "tunnel") {
            let span = k.span;
            self.beta_only(
                d,
                span,
                "`consumes.tunnel` (an OpenZiti overlay network needs the Ziti SDK, which has \
                 no maintained Rust binding)",
            );
            if self.reading_beta() {
                remove(c, "tunnel");
            }
        }
        self.keyed(c, "inputParameters", "the API's `inputParameters`", d);
        self.keyed(c, "resources", "a consumed API's `resources`", d);
        for r in values_mut(c, "resources") {
            self.display(r, d);
            self.metadata(r, "tags", d);
            self.keyed(r, "inputParameters", "a resource's `inputParameters`", d);
            self.keyed(r, "operations", "a resource's `operations`", d);
            for op in values_mut(r, "operations") {
                self.display(op, d);
                self.metadata(op, "tags", d);
                self.keyed(op, "inputParameters", "an operation's `inputParameters`", d);
                self.keyed(
                    op,
                    "outputParameters",
                    "a consumed operation's `outputParameters`",
                    d,
                );
                self.binary(op, d);
                if let Some(k) = key_of(op, "mappings") {
                    let span = k.span;
                    self.beta_only(
                        d,
                        span,
                        "`mappings` on a consumed operation (map its outputs in the adapter \
                         that calls it)",
                    );
                }
            }
        }
    }

    fn adapter(&mut self, e: &mut Node, d: &mut Ctxt) {
        if let Some(k) = key_of(e, "import") {
            let span = k.span;
            self.beta_only(
                d,
                span,
                "an imported `exposes` entry (declare the adapter in the importing spec)",
            );
            return;
        }
        self.beta_read(d, e, "maxBinarySize", BINARY);
        match get(e, "type").and_then(Node::as_str) {
            Some("rest") => {
                self.keyed(e, "resources", "a REST adapter's `resources`", d);
                for r in values_mut(e, "resources") {
                    self.display(r, d);
                    self.metadata(r, "tags", d);
                    self.keyed(r, "inputParameters", "a resource's `inputParameters`", d);
                    self.keyed(r, "operations", "a resource's `operations`", d);
                    for op in values_mut(r, "operations") {
                        self.display(op, d);
                        for key in ["responses", "responseBinary"] {
                            self.beta_read(d, op, key, BINARY);
                        }
                        self.unit(op, d);
                    }
                }
            }
            Some("mcp") => {
                // Freshness hints: alpha3 has no place for them.
                for key in ["ttlMs", "cacheScope"] {
                    self.beta_read(d, e, key, &format!("`{key}` (MCP caching hints)"));
                }
                self.keyed(e, "tools", "an MCP adapter's `tools`", d);
                for t in values_mut(e, "tools") {
                    self.display(t, d);
                    self.unit(t, d);
                }
                self.keyed(e, "resources", "an MCP adapter's `resources`", d);
                for r in values_mut(e, "resources") {
                    self.display(r, d);
                    self.beta_read(d, r, "binary", BINARY);
                    self.steps(r, d);
                }
                self.keyed(e, "prompts", "an MCP adapter's `prompts`", d);
                for p in values_mut(e, "prompts") {
                    self.display(p, d);
                    self.keyed(p, "arguments", "a prompt's `arguments`", d);
                    for a in values_mut(p, "arguments") {
                        self.display(a, d);
                    }
                }
            }
            Some("skill") => {
                self.keyed(e, "skills", "a skill adapter's `skills`", d);
                for s in values_mut(e, "skills") {
                    self.keyed(s, "tools", "a skill's `tools`", d);
                }
            }
            _ => {}
        }
    }

    /// What REST operations, MCP tools and aggregate flows share: inputs, steps, mappings,
    /// outputs.
    fn unit(&mut self, u: &mut Node, d: &mut Ctxt) {
        self.metadata(u, "tags", d);
        if let Some(k) = key_of(u, "outputMediaType") {
            let span = k.span;
            self.beta_only(
                d,
                span,
                "`outputMediaType` on a flow, tool or exposed operation (the media type of \
                 binary answers is the consumed operation's `outputMediaType`)",
            );
        }
        self.keyed(u, "inputParameters", "`inputParameters`", d);
        self.steps(u, d);
        if let Some(outputs) = field_mut(u, "outputParameters") {
            // A call-style unit's outputs stay a list; named (orchestrated or mock) outputs
            // became a map.
            let named = match &outputs.kind {
                Kind::Map(_) => self.reading_beta(),
                Kind::Seq(items) => {
                    !self.reading_beta()
                        && !items.is_empty()
                        && items.iter().all(|o| get(o, "name").is_some())
                }
                _ => false,
            };
            if named {
                self.keyed_node(outputs, "named `outputParameters`", d);
            }
            for o in seq_mut(outputs) {
                self.named_items(o, d);
            }
        }
    }

    fn steps(&mut self, u: &mut Node, d: &mut Ctxt) {
        self.keyed(u, "steps", "`steps`", d);
        if let Some(m) = field_mut(u, "mappings") {
            for m in seq_mut(m) {
                if self.reading_beta()
                    && let Some(k) = key_of(m, "targetName")
                {
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
                self.rename(m, "target", "targetName");
            }
        }
    }

    fn aggregate(&mut self, a: &mut Node, d: &mut Ctxt) {
        self.display(a, d);
        if self.reading_beta()
            && let Some(k) = key_of(a, "functions")
        {
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
                set_key(a, "functions", "flows");
            }
        }
        self.rename(a, "flows", "functions");
        self.keyed(a, "functions", "an aggregate's `flows`", d);
        for f in values_mut(a, "functions") {
            self.unit(f, d);
        }
    }

    /// `display` for alpha's `label`; `label` in a beta file is the half-migrated spelling.
    fn display(&mut self, node: &mut Node, d: &mut Ctxt) {
        if self.reading_beta()
            && let Some(k) = key_of(node, "label")
        {
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
        self.rename(node, "display", "label");
    }

    fn binary(&mut self, op: &mut Node, d: &mut Ctxt) {
        for key in ["outputMediaType", "maxBinarySize"] {
            self.beta_read(d, op, key, BINARY);
        }
    }

    /// An orchestrated output's `items` as a map of named items (beta) is the alpha list of
    /// named items; an `items` that is one schema (it has a scalar `type`) is the same in both.
    fn named_items(&mut self, output: &mut Node, d: &mut Ctxt) {
        if let Some(items) = field_mut(output, "items") {
            let named = match &items.kind {
                Kind::Map(e) => {
                    // One schema has a scalar `type` (or only `properties`/`items`); named
                    // items are all mappings.
                    self.reading_beta()
                        && !e.is_empty()
                        && e.iter()
                            .all(|(_, v)| v.is_null() || matches!(v.kind, Kind::Map(_)))
                        && !e
                            .iter()
                            .all(|(k, _)| matches!(k.as_str(), Some("properties" | "items")))
                }
                Kind::Seq(e) => {
                    !self.reading_beta()
                        && !e.is_empty()
                        && e.iter().all(|o| get(o, "name").is_some())
                }
                _ => false,
            };
            if named {
                self.keyed_node(items, "named `items`", d);
            }
            for i in seq_mut(items) {
                self.named_items(i, d);
            }
            if matches!(items.kind, Kind::Map(_)) {
                self.named_items(items, d);
            }
        }
        if let Some(Node {
            kind: Kind::Map(properties),
            ..
        }) = field_mut(output, "properties")
        {
            for (key, p) in properties.iter_mut() {
                if self.mode == Mode::ToBeta
                    && let Some(k) = key_of(p, "name")
                {
                    if get(p, "name").and_then(Node::as_str) == key.as_str() {
                        self.edits.push(Edit::RemoveLine { span: k.span });
                    } else {
                        d.push(
                            Diagnostic::new(
                                k.span,
                                "a property whose `name` differs from its key: Ikanos beta5 \
                                 names a property by its key only",
                            )
                            .with_help("make the key the property's name before converting"),
                        );
                    }
                }
                self.named_items(p, d);
            }
        }
    }

    /// Field `key` of a mapping, a keyed map in beta and a named list in alpha.
    fn keyed(&mut self, node: &mut Node, key: &str, what: &str, d: &mut Ctxt) {
        if let Some(v) = field_mut(node, key) {
            self.keyed_node(v, what, d);
        }
    }

    /// Reading beta, a keyed map (`x: {...}`) becomes a list of entries each with `name: x`
    /// (at the key's position); a list there is the alpha shape: an error in a beta file, left
    /// as it is so that its entries are still read. Walking alpha, each named entry of the
    /// list records the edit that writes it keyed.
    fn keyed_node(&mut self, v: &mut Node, what: &str, d: &mut Ctxt) {
        if self.mode == Mode::ToBeta {
            if let Kind::Seq(items) = &v.kind {
                for entry in items {
                    match get(entry, "name").zip(key_of(entry, "name")) {
                        Some((n, k)) if n.as_str().is_some() => {
                            self.edits.push(Edit::ListToKeyed {
                                entry: entry.clone(),
                                name_key: k.span,
                                name: n.as_str().unwrap_or_default().to_owned(),
                            });
                        }
                        _ => d.push(
                            Diagnostic::new(
                                entry.span,
                                format!("an entry of {what} without a `name`: Ikanos beta5 keys it by name"),
                            )
                            .with_help("give the entry a `name:` before converting"),
                        ),
                    }
                }
            }
            return;
        }
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
                            "{what} is a list, the naftiko alpha shape: in an Ikanos beta5 file \
                             it is a map keyed by name"
                        ),
                    )
                    .with_help(format!(
                        "write `{example}:` followed by the entry's other keys, instead of \
                         `- name: {example}`"
                    )),
                );
            }
            Kind::Map(entries) => {
                let mut list = Vec::with_capacity(entries.len());
                for (key, mut value) in std::mem::take(entries) {
                    if self.mode == Mode::ToAlpha {
                        self.edits.push(Edit::KeyedToList {
                            key: key.span,
                            name: key.as_str().unwrap_or_default().to_owned(),
                            value: value.clone(),
                        });
                    }
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
                    let value_null = value.is_null();
                    match &mut value.kind {
                        Kind::Map(fields) => {
                            if let Some((k, n)) =
                                fields.iter().find(|(k, _)| k.as_str() == Some("name"))
                            {
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
                        _ if value_null => {
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
                    list.push(value);
                }
                v.kind = Kind::Seq(list);
            }
            _ if null => {}
            _ => d.error(
                span,
                format!("{what} must be a map keyed by name, found {describe}"),
            ),
        }
    }
}

const BINARY: &str = "binary content (`outputMediaType`, `maxBinarySize`, `responses`, \
                      `responseBinary`, binary MCP resources)";

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

fn set_key(node: &mut Node, from: &str, to: &str) {
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

/// The rules of the Ikanos ruleset (`ikanos-rules.yml`) that only beta documents have, on the
/// beta tree as written: the import rules and `ikanos-standalone-no-imports`. (The others are
/// the alpha rules renamed, run by [`crate::rules::check_as`]; `ikanos-*-namespace-required`
/// and `ikanos-aggregates-unique-function-name` are the reader's own required-key and
/// duplicate checks; the tunnel rules concern `tunnel`, which is not supported yet.)
pub fn rules(root: &Node, d: &mut Ctxt) {
    let sections = ["consumes", "exposes", "aggregates", "binds"];
    if let Some(cap) = get(root, "capability") {
        let mut aliases: Vec<(&str, &Node)> = Vec::new();
        for section in sections {
            for entry in items(get(cap, section)) {
                let (import, from) = (get(entry, "import"), get(entry, "from"));
                if let Some(from) = from {
                    if import.is_none() {
                        d.push(
                            Diagnostic::new(
                                from.span,
                                "an import entry names a file (`from`) but not what it imports \
                                 (`import`) (ikanos-import-from-required)",
                            )
                            .with_help("add `import: <namespace in that file>`"),
                        );
                    }
                    if from
                        .as_str()
                        .is_some_and(|f| f.trim_end_matches('/') == ".")
                    {
                        d.warn(
                            from.span,
                            "an import's `from` should name a file, not the current directory \
                             (ikanos-import-from-not-self)",
                        );
                    }
                }
                if let Some(import) = import
                    && get(entry, "type").is_none()
                {
                    if from.is_none() {
                        d.push(
                            Diagnostic::new(
                                import.span,
                                "an import entry names what it imports but not the file \
                                 (`from`) (ikanos-import-import-required)",
                            )
                            .with_help("add `from: ./shared/file.yaml`"),
                        );
                    }
                    let alias = get(entry, "as").unwrap_or(import);
                    if let Some(name) = alias.as_str() {
                        if let Some((_, first)) = aliases.iter().find(|(n, _)| *n == name) {
                            d.error(
                                alias.span,
                                format!(
                                    "`{name}` is imported twice (first at line {}): each import \
                                     needs its own name (ikanos-import-unique-alias)",
                                    first.span.start.line
                                ),
                            );
                        } else {
                            aliases.push((name, alias));
                        }
                    }
                }
            }
        }
        return;
    }
    // A standalone file (shared consumes, exposes, aggregates or binds) is what others import:
    // it imports nothing itself.
    for section in sections {
        for entry in items(get(root, section)) {
            if let Some(k) = key_of(entry, "import").or_else(|| key_of(entry, "from")) {
                d.error(
                    k.span,
                    "a standalone file declares its entries inline: it cannot import \
                     (ikanos-standalone-no-imports)",
                );
            }
        }
    }
}

fn items(node: Option<&Node>) -> &[Node] {
    match node.map(|n| &n.kind) {
        Some(Kind::Seq(items)) => items,
        _ => &[],
    }
}

/// A message of the alpha reader in the words of a beta file: its renamed keys spelled as beta
/// spells them.
pub fn beta_spelling(message: &str) -> String {
    // The messages about the two spellings (a half-migrated file) name both already.
    if message.contains("alpha") {
        return message.to_owned();
    }
    let mut m = message
        .replace("`label`", "`display`")
        .replace("`functions`", "`flows`")
        .replace("`targetName`", "`target`");
    if m.contains("import") {
        m = m.replace("`location`", "`from`");
    }
    m
}
