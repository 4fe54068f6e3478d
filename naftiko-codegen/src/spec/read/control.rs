//! `control` adapters: the management plane (health, Prometheus metrics) on its own address.
//! The endpoints are the engine's, not the spec's: the spec only says where and which groups.

use crate::diag::Ctxt;
use crate::spec::obj::Obj;
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
    o.unsupported(
        "observability",
        "`observability` (OTLP trace export is not implemented yet)",
        d,
    );
    let mut health = true;
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
        m.unsupported(
            "logs",
            "`management.logs` (runtime log level control and streaming)",
            d,
        );
        if let Some(s) = m.take("scripting") {
            read_scripting(s, d);
        }
        m.finish(d);
    }
    o.finish(d);
    Some(Exposes::Control(ControlExposes {
        span: node.span,
        address,
        port: port?,
        health,
    }))
}

/// `management.scripting`: defaults and limits for script steps. Its shape is checked here;
/// the values belong to the script steps' runtime (hook: the scripts reader consumes them).
fn read_scripting(node: &Node, d: &mut Ctxt) {
    let Some(mut s) = Obj::new(node, "`management.scripting`", d) else {
        return;
    };
    s.opt_bool("enabled", d);
    s.opt_str("defaultLocation", d);
    s.opt_str("defaultLanguage", d);
    for key in ["timeout", "statementLimit"] {
        if let Some(n) = s.take(key)
            && n.as_str().and_then(|v| v.parse::<u64>().ok()).is_none()
        {
            d.error(n.span, format!("`{key}` must be a non-negative integer"));
        }
    }
    s.take("allowedLanguages");
    s.finish(d);
}
