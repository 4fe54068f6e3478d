//! Exposed adapters: REST resources and operations, MCP tools.

use super::params::{read_method, read_outputs, read_params, read_with};
use crate::diag::{Ctxt, Diagnostic};
use crate::spec::obj::{Obj, node_has_key, one_of};
use crate::spec::types::*;
use crate::yaml::{Kind, Node};

pub(super) fn read_port(o: &mut Obj<'_>, d: &mut Ctxt) -> Option<S<u16>> {
    let n = o.take("port")?;
    match n.as_i64() {
        Some(p) if (1..=65535).contains(&p) => Some(S::new(p as u16, n.span)),
        _ => {
            d.error(
                n.span,
                format!(
                    "`port` must be an integer from 1 to 65535, found `{}`",
                    n.as_str().unwrap_or("?")
                ),
            );
            None
        }
    }
}

/// `ttlMs` and `cacheScope` of an MCP adapter (Ikanos beta5 only).
fn read_cache_hints(o: &mut Obj<'_>, d: &mut Ctxt) -> CacheHints {
    let mut hints = CacheHints::default();
    if let Some(n) = o.beta_key("ttlMs", "caching hints", d) {
        match n.as_i64() {
            Some(ms) if ms >= 0 => hints.ttl_ms = Some(ms as u64),
            _ => d.error(
                n.span,
                format!(
                    "`ttlMs` must be a whole number of milliseconds, 0 or more, found `{}`",
                    n.as_str().unwrap_or("?")
                ),
            ),
        }
    }
    if let Some(n) = o.beta_key("cacheScope", "caching hints", d) {
        hints.public = one_of(
            n,
            "`cacheScope`",
            &[("public", true), ("private", false)],
            d,
        )
        .map(|s| s.v);
    }
    hints
}

pub(super) fn read_exposes(node: &Node, loader: &super::Loader, d: &mut Ctxt) -> Option<Exposes> {
    let mut o = Obj::new(node, "an exposed adapter", d)?;
    let ty = o.req_str("type", d)?;
    match ty.v.as_str() {
        "rest" => {
            let namespace = o.req_str("namespace", d);
            let address = o.opt_str("address", d);
            let port = read_port(&mut o, d);
            let description = o.opt_str("description", d).map(|s| s.v);
            let auth = o
                .take("authentication")
                .and_then(|a| read_inbound_auth(a, d));
            let max_binary = super::binary::read_max_binary(&mut o, d);
            let resources = o
                .list("resources", d, read_exposed_resource)
                .unwrap_or_else(|| {
                    d.error(
                        node.span,
                        "missing required key `resources` in a `rest` adapter",
                    );
                    Vec::new()
                });
            o.finish(d);
            if port.is_none() && !node_has_key(node, "port") {
                d.error(node.span, "missing required key `port` in a `rest` adapter");
            }
            Some(Exposes::Rest(RestExposes {
                span: node.span,
                namespace: namespace?,
                address,
                port: port?,
                description,
                auth,
                resources,
                max_binary,
            }))
        }
        "mcp" => {
            let namespace = o.req_str("namespace", d);
            let address = o.opt_str("address", d);
            let port = read_port(&mut o, d);
            let description = o.opt_str("description", d).map(|s| s.v);
            let transport = match o.opt_str("transport", d) {
                None => Transport::Http,
                Some(t) if t.v == "http" => Transport::Http,
                Some(t) if t.v == "stdio" => Transport::Stdio,
                Some(t) => {
                    d.push(
                        Diagnostic::new(t.span, format!("unknown MCP transport `{}`", t.v))
                            .with_help("expected `http` or `stdio`"),
                    );
                    Transport::Http
                }
            };
            let auth = o
                .take("authentication")
                .and_then(|a| read_inbound_auth(a, d));
            let resources = o
                .list("resources", d, |r, d| {
                    super::resources::read_resource(r, loader, d)
                })
                .unwrap_or_default();
            let prompts = o
                .list("prompts", d, |p, d| {
                    super::resources::read_prompt(p, loader, d)
                })
                .unwrap_or_default();
            let cache = read_cache_hints(&mut o, d);
            let max_binary = super::binary::read_max_binary(&mut o, d);
            let tools = o
                .list("tools", d, |t, d| {
                    read_exposed_operation(t, OpKind::Tool, d)
                })
                .unwrap_or_else(|| {
                    d.error(
                        node.span,
                        "missing required key `tools` in an `mcp` adapter",
                    );
                    Vec::new()
                });
            o.finish(d);
            Some(Exposes::Mcp(McpExposes {
                span: node.span,
                namespace: namespace?,
                address,
                port,
                transport,
                description,
                auth,
                tools,
                resources,
                prompts,
                cache,
                max_binary,
            }))
        }
        "skill" => super::skill::read_skill_exposes(node, o, loader, d),
        "control" => super::control::read_control_exposes(node, o, d),
        "http" => {
            o.ignore_all();
            d.unsupported(ty.span, format!("`{}` exposes", ty.v));
            None
        }
        other => {
            o.ignore_all();
            d.push(
                Diagnostic::new(ty.span, format!("unknown exposed adapter type `{other}`"))
                    .with_help("expected `rest`, `mcp`, `skill` or `control`"),
            );
            None
        }
    }
}

fn read_exposed_resource(node: &Node, d: &mut Ctxt) -> Option<ExposedResource> {
    let mut o = Obj::new(node, "an exposed resource", d)?;
    let path = o.req_str("path", d);
    o.ignore(&["name", "label"]);
    let description = o.opt_str("description", d).map(|s| s.v);
    let forward = o.take("forward").and_then(|f| read_forward(f, d));
    o.unsupported("inputParameters", "resource-level `inputParameters`", d);
    let operations = o
        .list("operations", d, |op, d| {
            read_exposed_operation(op, OpKind::Rest, d)
        })
        .unwrap_or_else(|| {
            if !node_has_key(node, "forward") {
                d.error(
                    node.span,
                    "missing required key `operations` in an exposed resource",
                );
            }
            Vec::new()
        });
    o.finish(d);
    Some(ExposedResource {
        span: node.span,
        path: path?,
        description,
        operations,
        forward,
    })
}

fn read_forward(node: &Node, d: &mut Ctxt) -> Option<Forward> {
    let mut o = Obj::new(node, "`forward`", d)?;
    let target_namespace = o.req_str("targetNamespace", d);
    let trusted_headers = o
        .list("trustedHeaders", d, |n, d| match &n.kind {
            Kind::Scalar { value, .. } => Some(S::new(value.clone(), n.span)),
            _ => {
                d.error(
                    n.span,
                    format!("a trusted header must be a string, found {}", n.describe()),
                );
                None
            }
        })
        .unwrap_or_default();
    o.finish(d);
    Some(Forward {
        span: node.span,
        target_namespace: target_namespace?,
        trusted_headers,
    })
}

/// What [`read_exposed_operation`] reads: the three share call, steps, inputs and outputs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum OpKind {
    Rest,
    Tool,
    /// A function of `capability.aggregates`: `semantics` instead of `method`, `hints`, `ref`.
    Function,
}

pub(super) fn read_exposed_operation(
    node: &Node,
    kind: OpKind,
    d: &mut Ctxt,
) -> Option<ExposedOperation> {
    let what = match kind {
        OpKind::Tool => "an MCP tool",
        OpKind::Rest => "an exposed operation",
        OpKind::Function => "an aggregate function",
    };
    let tool = kind != OpKind::Rest;
    let mut o = Obj::new(node, what, d)?;
    let name = if tool {
        o.req_str("name", d)
    } else {
        o.opt_str("name", d)
    };
    let method = if tool {
        None
    } else {
        match o.take("method") {
            Some(m) => read_method(m, d),
            None => {
                d.error(
                    node.span,
                    "missing required key `method` in an exposed operation",
                );
                None
            }
        }
    };
    let label = if kind == OpKind::Function {
        None
    } else {
        o.opt_str("label", d).map(|s| s.v)
    };
    let description = o.opt_str("description", d).map(|s| s.v);
    let call = o.opt_str("call", d);
    let with = read_with(o.take("with"), d);
    let inputs = o.take("inputParameters").map(|p| read_params(p, tool, d));
    let outputs = o
        .take("outputParameters")
        .map(|p| read_outputs(p, false, d))
        .unwrap_or_default();
    let mut hints = Hints::default();
    let mut semantics = Semantics::default();
    if kind == OpKind::Function {
        if let Some(n) = o.take("semantics")
            && let Some(mut s) = Obj::new(n, "`semantics`", d)
        {
            semantics.safe = s.opt_bool("safe", d);
            semantics.idempotent = s.opt_bool("idempotent", d);
            semantics.cacheable = s.opt_bool("cacheable", d);
            s.finish(d);
        }
    } else if let Some(h) = o.take("hints")
        && let Some(mut h) = Obj::new(h, "`hints`", d)
    {
        hints.read_only = h.opt_bool("readOnly", d);
        hints.destructive = h.opt_bool("destructive", d);
        hints.idempotent = h.opt_bool("idempotent", d);
        hints.open_world = h.opt_bool("openWorld", d);
        h.finish(d);
    }
    let steps = o
        .take("steps")
        .map(|n| super::steps::read_steps(n, d))
        .unwrap_or_default();
    let mappings = o
        .take("mappings")
        .map(|n| super::steps::read_mappings(n, d))
        .unwrap_or_default();
    let reference = if kind == OpKind::Function {
        None
    } else {
        o.opt_str("ref", d)
    };
    let responses = if kind == OpKind::Rest {
        super::binary::read_responses(&mut o, d)
    } else {
        None
    };
    o.finish(d);
    // Without `call`, outputs with `value`s answer on their own (mock mode).
    if call.is_none()
        && outputs.is_empty()
        && !node_has_key(node, "steps")
        && !node_has_key(node, "ref")
        && !node_has_key(node, "mappings")
    {
        d.push(
            Diagnostic::new(node.span, format!("missing required key `call` in {what}")).with_help(
                "or answer without an upstream: `outputParameters` with `value`s (mock mode)",
            ),
        );
    }
    if !tool && method.is_none() {
        return None;
    }
    Some(ExposedOperation {
        span: node.span,
        name,
        method,
        label,
        description,
        call,
        with,
        inputs,
        outputs,
        hints,
        orchestrated: ["steps", "ref", "mappings"]
            .iter()
            .any(|k| node_has_key(node, k)),
        steps,
        mappings,
        reference,
        responses,
        semantics,
    })
}

/// `authentication` on an exposed adapter: the schema's `Authentication` (`bearer`, `apikey`,
/// `basic`, `digest`, `oauth2`), as what a caller must present.
pub(super) fn read_inbound_auth(node: &Node, d: &mut Ctxt) -> Option<ExposedAuth> {
    let mut o = Obj::new(node, "`authentication`", d)?;
    let ty = o.req_str("type", d)?;
    let kind = match ty.v.to_ascii_lowercase().as_str() {
        "bearer" => {
            let token = o.req_str("token", d);
            o.finish(d);
            ExposedAuthKind::Bearer { token: token? }
        }
        "basic" | "digest" => {
            let username = o.req_str("username", d);
            let password = o.req_str("password", d);
            o.finish(d);
            let (username, password) = (username?, password?);
            if ty.v.eq_ignore_ascii_case("basic") {
                ExposedAuthKind::Basic { username, password }
            } else {
                ExposedAuthKind::Digest { username, password }
            }
        }
        "apikey" => {
            let name = o.req_str("key", d);
            let value = o.req_str("value", d);
            let placement = o.opt_str("placement", d);
            o.finish(d);
            let in_query = match placement {
                None => false,
                Some(p) if p.v == "header" => false,
                Some(p) if p.v == "query" => true,
                Some(p) => {
                    d.push(
                        Diagnostic::new(p.span, format!("unknown API key placement `{}`", p.v))
                            .with_help("expected `header` or `query`"),
                    );
                    return None;
                }
            };
            ExposedAuthKind::ApiKey {
                name: name?,
                value: value?,
                in_query,
            }
        }
        "oauth2" => {
            let authorization_server = o.req_str("authorizationServerUri", d);
            let resource = o.req_str("resource", d);
            let audience = o.opt_str("audience", d);
            // The client credentials token URL named by the OpenAPI document.
            let token_endpoint = o.opt_str("tokenEndpoint", d);
            let mut scopes = Vec::new();
            if let Some(list) = o.take("scopes") {
                match &list.kind {
                    Kind::Seq(items) => {
                        for i in items {
                            match i.as_str() {
                                Some(s) if !s.is_empty() && !s.contains(char::is_whitespace) => {
                                    scopes.push(S::new(s.to_string(), i.span));
                                }
                                _ => d.error(
                                    i.span,
                                    "a scope must be a non-empty string without spaces",
                                ),
                            }
                        }
                    }
                    _ => d.error(
                        list.span,
                        format!(
                            "`scopes` must be a list of strings, found {}",
                            list.describe()
                        ),
                    ),
                }
            }
            // The resource server's own credentials, for introspection (off-schema, as the
            // consumed `oauth2` spells them).
            let client_id = o.opt_str("clientId", d);
            let client_secret = o.opt_str("clientSecret", d);
            let mut introspection = None;
            match o.opt_str("tokenValidation", d) {
                Some(v) if v.v == "introspection" => match (client_id, client_secret) {
                    (Some(id), Some(secret)) => introspection = Some((id, secret)),
                    _ => d.push(
                        Diagnostic::new(
                            v.span,
                            "token introspection (RFC 7662) needs the resource server's `clientId` and `clientSecret` at the authorization server",
                        )
                        .with_help("add `clientId: '{{ID}}'` and `clientSecret: '{{SECRET}}'` (binds), or validate JWTs with `tokenValidation: jwks`"),
                    ),
                },
                other => {
                    if let Some(v) = &other
                        && v.v != "jwks"
                    {
                        d.push(
                            Diagnostic::new(v.span, format!("unknown `tokenValidation` `{}`", v.v))
                                .with_help("expected `jwks` or `introspection`"),
                        );
                    }
                    for c in [client_id, client_secret].into_iter().flatten() {
                        d.error(
                            c.span,
                            "`clientId` and `clientSecret` are only used with `tokenValidation: introspection`",
                        );
                    }
                }
            }
            o.finish(d);
            ExposedAuthKind::OAuth2(Box::new(ExposedOAuth2 {
                authorization_server: authorization_server?,
                resource: resource?,
                audience,
                scopes,
                token_endpoint,
                introspection,
            }))
        }
        _ => {
            o.ignore_all();
            d.push(
                Diagnostic::new(
                    ty.span,
                    format!(
                        "unknown authentication type `{}` for an exposed adapter",
                        ty.v
                    ),
                )
                .with_help("expected one of: bearer, apikey, basic, digest, oauth2"),
            );
            return None;
        }
    };
    Some(ExposedAuth {
        span: node.span,
        kind,
    })
}
