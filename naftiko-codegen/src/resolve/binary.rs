//! Binary content (Ikanos beta5): a REST operation or an MCP resource that answers the raw
//! bytes of a consumed operation read with `outputRawFormat: binary`.

use crate::diag::{Ctxt, Diagnostic, Span};
use crate::ir;
use crate::spec::{self, S};

/// What a binary answer may weigh when neither the operation nor the adapter says
/// (`maxBinarySize`'s default in the beta5 schema).
pub const DEFAULT_MAX_BINARY: u64 = 10 * 1024 * 1024;

/// The consumed operation whose raw bytes `call` answers, or why not (reported at `span`).
fn binary_source<'a>(
    call: &ir::Call,
    apis: &'a [ir::Api],
    span: Span,
    what: &str,
    d: &mut Ctxt,
) -> Option<&'a ir::Operation> {
    let Some(t) = &call.target else {
        d.error(
            span,
            format!(
                "{what} answers the bytes of one consumed operation: give it a `call`, not steps"
            ),
        );
        return None;
    };
    let api = &apis[t.api];
    let op = &api.operations[t.operation];
    if op.raw_format != ir::RawFormat::Binary {
        d.push(
            Diagnostic::new(
                span,
                format!(
                    "{what} answers raw bytes, but `{}.{}` is not read as binary",
                    api.namespace, op.name
                ),
            )
            .with_help(format!(
                "declare `outputRawFormat: binary` on `{}` in `{}`",
                op.name, api.namespace
            )),
        );
        return None;
    }
    if !call.output.is_whole() {
        d.error(
            span,
            format!(
                "{what} answers the upstream's bytes as they are: it has no `outputParameters`"
            ),
        );
        return None;
    }
    Some(op)
}

/// A REST operation's `responses` / `responseBinary`: the binary answer it gives, if any, and
/// the OpenAPI responses it documents.
pub(super) fn rest_responses(
    op: &spec::ExposedOperation,
    call: &ir::Call,
    apis: &[ir::Api],
    adapter_max: Option<&S<u64>>,
    d: &mut Ctxt,
) -> (Option<ir::BinaryAnswer>, Vec<(String, serde_json::Value)>) {
    let Some(r) = &op.responses else {
        return (None, Vec::new());
    };
    let documented = r
        .documented
        .iter()
        .map(|(code, doc)| (code.v.clone(), doc.clone()))
        .collect();
    let binary = r.binary.as_ref().and_then(|b| {
        let source = binary_source(call, apis, b.span, "a binary response", d)?;
        Some(ir::BinaryAnswer {
            status: b.status,
            media_type: b.media_type.v.clone(),
            max_bytes: source
                .max_binary
                .or(adapter_max.map(|m| m.v))
                .unwrap_or(DEFAULT_MAX_BINARY),
        })
    });
    (binary, documented)
}

/// `binary: true` on an MCP resource read by a call: the largest blob it serves.
pub(super) fn resource_blob(
    binary: Option<&S<bool>>,
    call: &ir::Call,
    apis: &[ir::Api],
    adapter_max: Option<&S<u64>>,
    d: &mut Ctxt,
) -> Option<u64> {
    let b = binary.filter(|b| b.v)?;
    let source = binary_source(call, apis, b.span, "a binary resource", d)?;
    Some(
        source
            .max_binary
            .or(adapter_max.map(|m| m.v))
            .unwrap_or(DEFAULT_MAX_BINARY),
    )
}

/// A consumed operation's `outputMediaType` and `maxBinarySize` say how its raw bytes are read:
/// they need `outputRawFormat: binary`.
pub(super) fn check_consumed(op: &spec::Operation, d: &mut Ctxt) {
    if op.raw_format == spec::RawFormat::Binary {
        return;
    }
    let spans = [
        op.media_type.as_ref().map(|m| (m.span, "outputMediaType")),
        op.max_binary.as_ref().map(|m| (m.span, "maxBinarySize")),
    ];
    for (span, key) in spans.into_iter().flatten() {
        d.push(
            Diagnostic::new(
                span,
                format!(
                    "`{key}` concerns raw bytes, but `{}` is not read as binary",
                    op.name.v
                ),
            )
            .with_help(
                "declare `outputRawFormat: binary` (its answers are then bytes, not parsed)",
            ),
        );
    }
}
