//! The `control` adapter: at most one per capability.

use super::binds::Binds;
use crate::diag::Ctxt;
use crate::ir;
use crate::spec;

pub(super) fn resolve_control(
    c: &spec::ControlExposes,
    binds: &Binds,
    out: &mut Option<ir::ControlAdapter>,
    d: &mut Ctxt,
) {
    if out.is_some() {
        d.error(c.span, "a capability has at most one `control` adapter");
        return;
    }
    let address = c.address.as_ref().map_or("127.0.0.1", |a| a.v.as_str());
    *out = Some(ir::ControlAdapter {
        address: if address == "localhost" {
            "127.0.0.1".to_string()
        } else {
            address.to_string()
        },
        port: c.port.v,
        health: c.health,
        observability: c.observability.as_ref().map(|o| ir::Observability {
            enabled: o.enabled,
            sampling: o.sampling,
            endpoint: o
                .endpoint
                .as_ref()
                .and_then(|e| super::templates::env_template(e, binds, "the OTLP endpoint", d)),
            metrics: o.metrics_local,
        }),
        logs: c.logs,
    });
}
