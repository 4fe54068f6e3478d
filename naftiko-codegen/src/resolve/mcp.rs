//! MCP adapters: tools.

use super::binds::Binds;
use super::exposed::{Exposure, resolve_exposed_call};
use super::is_duplicate;
use crate::diag::{Ctxt, Span};
use crate::ir;
use crate::names::{Names, snake_case};
use crate::spec;
use std::collections::HashMap;

pub(super) fn resolve_mcp(
    m: &spec::McpExposes,
    apis: &[ir::Api],
    binds: &Binds,
    namespaces: &[String],
    modules: &mut Names,
    d: &mut Ctxt,
) -> ir::McpAdapter {
    let mut tools = Vec::new();
    let mut seen: HashMap<String, Span> = HashMap::new();
    let mut idents = Names::default();
    for t in &m.tools {
        let Some(name) = &t.name else { continue };
        let what = || format!("tool `{}` in `{}`", name.v, m.namespace.v);
        let duplicate = is_duplicate(&mut seen, name.v.clone(), name.span, what, d);
        if name.v.is_empty()
            || name.v.len() > 128
            || !name
                .v
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
        {
            d.error(
                name.span,
                format!(
                    "tool name `{}` must be 1–128 characters of letters, digits, `_`, `-` or `.`",
                    name.v
                ),
            );
        }
        let ex = Exposure {
            prefixes: ["tools", &m.namespace.v],
            path_vars: Vec::new(),
            is_tool: true,
            namespaces,
        };
        let ident = idents.claim(&snake_case(&name.v));
        let call = resolve_exposed_call(t, &name.v, ident, &ex, apis, binds, d);
        if let Some(call) = call.filter(|_| !duplicate) {
            tools.push(ir::Tool {
                title: t.label.clone(),
                read_only: t.hints.read_only,
                destructive: t.hints.destructive,
                idempotent: t.hints.idempotent,
                open_world: t.hints.open_world.unwrap_or(true),
                call,
            });
        }
    }
    ir::McpAdapter {
        namespace: m.namespace.v.clone(),
        module: modules.claim(&snake_case(&m.namespace.v)),
        address: m
            .address
            .as_ref()
            .map_or_else(|| "127.0.0.1".to_string(), |a| a.v.clone()),
        port: m.port.as_ref().map(|p| p.v),
        transport: m.transport,
        description: m.description.clone(),
        auth: m.auth.as_ref().and_then(|a| {
            super::inbound::resolve_inbound(a, binds, m.transport == spec::Transport::Stdio, d)
        }),
        tools,
        resources: super::resources::resolve_resources(m, apis, binds, namespaces, d),
        prompts: super::resources::resolve_prompts(m, d),
        ttl_ms: m.cache.ttl_ms,
        cache_public: m.cache.public,
    }
}
