//! Values of query and header parameters, and how they are percent-encoded.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};
use serde_json::Value;

/// Characters left as they are in a path segment: RFC 3986 unreserved.
pub(super) const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

pub(super) fn form_encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Values that can be sent as a query parameter or header.
pub trait ParamValue {
    fn write(&self, out: &mut Vec<String>);
}

impl ParamValue for str {
    fn write(&self, out: &mut Vec<String>) {
        out.push(self.to_string());
    }
}
impl ParamValue for String {
    fn write(&self, out: &mut Vec<String>) {
        out.push(self.clone());
    }
}
impl<T: ParamValue + ?Sized> ParamValue for &T {
    fn write(&self, out: &mut Vec<String>) {
        (**self).write(out);
    }
}
macro_rules! display_param {
    ($($t:ty),*) => {$(
        impl ParamValue for $t {
            fn write(&self, out: &mut Vec<String>) {
                out.push(self.to_string());
            }
        }
    )*};
}
display_param!(i64, f64, bool);

impl ParamValue for Value {
    /// Arrays repeat the parameter (`a=1&a=2`, OpenAPI's form/explode default); objects are sent as JSON.
    fn write(&self, out: &mut Vec<String>) {
        match self {
            Value::Null => {}
            Value::String(s) => out.push(s.clone()),
            Value::Array(items) => items.iter().for_each(|v| match v {
                Value::Array(_) | Value::Object(_) => out.push(v.to_string()),
                v => v.write(out),
            }),
            other => out.push(other.to_string()),
        }
    }
}
impl ParamValue for Vec<Value> {
    fn write(&self, out: &mut Vec<String>) {
        self.iter().for_each(|v| v.write(out));
    }
}
