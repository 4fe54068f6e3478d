//! Output mappings: identity or a JSONPath checked at compile time.

use crate::diag::{Ctxt, Diagnostic};
use crate::ir::Mapping;
use crate::spec::{self, S};

pub(super) fn check_jsonpath(m: &S<String>, d: &mut Ctxt) -> Mapping {
    let text = m.v.trim();
    if text == "$." || text == "$" {
        return Mapping::Identity;
    }
    match serde_json_path::JsonPath::parse(text) {
        Ok(_) => Mapping::Path(text.to_string()),
        Err(e) => {
            d.push(
                Diagnostic::new(m.span, format!("bad JSONPath `{text}`: {e}")).with_help(
                    "mappings are RFC 9535 JSONPath, e.g. `$.` (everything) or `$.data[*].id`",
                ),
            );
            Mapping::Identity
        }
    }
}

pub(super) fn resolve_output(outputs: &[spec::Output], d: &mut Ctxt) -> Mapping {
    if outputs.len() > 1 {
        d.unsupported(
            outputs[1].span,
            "more than one output parameter (result shaping)",
        );
    }
    outputs
        .first()
        .and_then(|o| o.mapping.as_ref())
        .map_or(Mapping::Identity, |m| check_jsonpath(m, d))
}
