//! `control` adapters: the management plane (health, Prometheus metrics) on its own address.
//! The endpoints are the engine's, not the spec's: the spec only says where and which groups.

use crate::diag::{Ctxt, Diagnostic};
use crate::spec::obj::{Obj, seq};
use crate::spec::types::*;
use crate::yaml::Node;

pub(super) fn read_control_exposes(node: &Node, mut o: Obj<'_>, d: &mut Ctxt) -> Option<Exposes> {
    let address = o.opt_str("address", d);
    let port = super::exposes::read_port(&mut o, d);
    if port.is_none() && !o.has("port") {
        d.error(
            node.span,
            "missing required key `port` in a `control` adapter",
        );
    }
    o.unsupported(
        "authentication",
        "`authentication` on a `control` adapter (bind it to localhost instead)",
        d,
    );
    let observability = o
        .take("observability")
        .and_then(|n| read_observability(n, d));
    let mut health = true;
    let mut scripting = None;
    let mut logs = false;
    if let Some(m) = o.take("management")
        && let Some(mut m) = Obj::new(m, "`management` of a `control` adapter", d)
    {
        health = m.opt_bool("health", d).unwrap_or(true);
        for (key, what) in [
            ("info", "`management.info` (the /info endpoint)"),
            ("reload", "`management.reload` (hot reload of the spec)"),
            ("validate", "`management.validate` (the /validate endpoint)"),
        ] {
            if let Some(n) = m.take(key) {
                match n.as_bool() {
                    Some(false) => {}
                    Some(true) => d.unsupported(n.span, what),
                    None => d.error(n.span, format!("`{key}` must be `true` or `false`")),
                }
            }
        }
        if let Some(n) = m.take("logs") {
            logs = read_logs(n, d);
        }
        if let Some(s) = m.take("scripting") {
            scripting = read_scripting(s, d);
        }
        m.finish(d);
    }
    o.finish(d);
    Some(Exposes::Control(ControlExposes {
        span: node.span,
        address,
        port: port?,
        health,
        scripting,
        observability,
        logs,
    }))
}

/// `management.logs`: `true`, `false`, or `{level-control, stream, max-subscribers}`; whether
/// `/logs` (level control) is served.
fn read_logs(n: &Node, d: &mut Ctxt) -> bool {
    if let Some(b) = n.as_bool() {
        return b;
    }
    let Some(mut o) = Obj::new(n, "`management.logs`", d) else {
        return false;
    };
    let level = o.opt_bool("level-control", d).unwrap_or(true);
    let stream_key = o.key_span("stream");
    if o.opt_bool("stream", d) == Some(true) {
        d.unsupported(
            stream_key.unwrap_or(n.span),
            "`logs.stream` (log lines streamed over SSE): collect stderr instead",
        );
    }
    o.ignore(&["max-subscribers"]);
    o.finish(d);
    level
}

/// A mapping under `observability` with only `enabled` (default true), or `None` when absent.
fn local_enabled(node: Option<&Node>, what: &'static str, d: &mut Ctxt) -> Option<bool> {
    let mut o = Obj::new(node?, what, d)?;
    let enabled = o.opt_bool("enabled", d).unwrap_or(true);
    o.finish(d);
    Some(enabled)
}

/// `observability` (`ObservabilitySpec`).
fn read_observability(node: &Node, d: &mut Ctxt) -> Option<ObservabilitySpec> {
    let mut o = Obj::new(node, "`observability`", d)?;
    let enabled = o.opt_bool("enabled", d).unwrap_or(true);
    let mut metrics_local = true;
    if let Some(m) = o.take("metrics")
        && let Some(mut m) = Obj::new(m, "`observability.metrics`", d)
    {
        metrics_local =
            local_enabled(m.take("local"), "`observability.metrics.local`", d).unwrap_or(true);
        m.finish(d);
    }
    let mut sampling = 1.0;
    if let Some(t) = o.take("traces")
        && let Some(mut t) = Obj::new(t, "`observability.traces`", d)
    {
        if let Some(n) = t.take("sampling") {
            match n.as_str().and_then(|s| s.parse::<f64>().ok()) {
                Some(r) if (0.0..=1.0).contains(&r) => sampling = r,
                _ => d.error(
                    n.span,
                    format!(
                        "`sampling` must be a number from 0 to 1, found `{}`",
                        n.as_str().unwrap_or("?")
                    ),
                ),
            }
        }
        if let Some(p) = t.take("propagation") {
            match p.as_str() {
                Some("w3c") => {}
                Some("b3") => d.unsupported(
                    p.span,
                    "`propagation: b3` (trace context is propagated as W3C `traceparent`)",
                ),
                _ => d.push(
                    Diagnostic::new(
                        p.span,
                        format!("unknown trace propagation `{}`", p.as_str().unwrap_or("?")),
                    )
                    .with_help("expected `w3c` or `b3`"),
                ),
            }
        }
        let local_key = t.key_span("local");
        if let Some(local) = t.take("local") {
            let mut l = Obj::new(local, "`observability.traces.local`", d);
            let on = l.as_mut().map_or(Some(false), |l| {
                let on = l.opt_bool("enabled", d).unwrap_or(true);
                l.ignore(&["buffer-size"]);
                Some(on)
            });
            if let Some(l) = l {
                l.finish(d);
            }
            if on == Some(true) {
                d.unsupported(
                    local_key.unwrap_or(local.span),
                    "`traces.local` (the /traces endpoint of recent trace summaries): export them by OTLP",
                );
            }
        }
        t.finish(d);
    }
    let mut endpoint = None;
    if let Some(e) = o.take("exporters")
        && let Some(mut e) = Obj::new(e, "`observability.exporters`", d)
    {
        if let Some(otlp) = e.take("otlp")
            && let Some(mut otlp) = Obj::new(otlp, "`exporters.otlp`", d)
        {
            endpoint = otlp.req_str("endpoint", d);
            otlp.finish(d);
        }
        e.finish(d);
    }
    o.finish(d);
    Some(ObservabilitySpec {
        span: node.span,
        enabled,
        sampling,
        endpoint,
        metrics_local,
    })
}

/// `management.scripting`: defaults and limits for script steps (`ScriptingManagementSpec`),
/// which `spec::read::scripts` applies to each script step.
fn read_scripting(node: &Node, d: &mut Ctxt) -> Option<ScriptingLimits> {
    let mut s = Obj::new(node, "`management.scripting`", d)?;
    let mut limits = ScriptingLimits {
        enabled: s.opt_bool("enabled", d),
        default_location: s.opt_str("defaultLocation", d),
        default_language: s.opt_str("defaultLanguage", d),
        ..ScriptingLimits::default()
    };
    for key in ["timeout", "statementLimit"] {
        if let Some(n) = s.take(key) {
            match n.as_str().and_then(|v| v.parse::<u64>().ok()) {
                Some(v) if v >= 1 => {
                    if key == "timeout" {
                        limits.timeout_ms = Some(v);
                    } else {
                        limits.statement_limit = Some(v);
                    }
                }
                _ => d.push(
                    Diagnostic::new(n.span, format!("`{key}` must be a positive integer"))
                        .with_help(if key == "timeout" {
                            "milliseconds, e.g. `timeout: 3000` (default 60000)"
                        } else {
                            "e.g. `statementLimit: 50000` (default 100000)"
                        }),
                ),
            }
        }
    }
    if let Some(n) = s.take("allowedLanguages") {
        limits.allowed_languages = Some(
            seq(n, "`allowedLanguages`", d)
                .iter()
                .filter_map(|l| match l.as_str() {
                    Some(v) => Some(S::new(v.to_string(), l.span)),
                    None => {
                        d.error(
                            l.span,
                            format!("a script language is a name, found {}", l.describe()),
                        );
                        None
                    }
                })
                .collect(),
        );
    }
    s.finish(d);
    Some(limits)
}
