//! A successful upstream answer, passed on byte for byte or parsed on demand.

use bytes::Bytes;
use serde_json::Value;
use std::fmt;

/// A successful (2xx) answer: its status and JSON body (`null` when the body is empty).
///
/// The body is checked to be JSON when it arrives but parsed only when asked for, so that a
/// gateway can pass it on unchanged, byte for byte.
#[derive(Clone)]
pub struct Reply {
    pub status: u16,
    operation: &'static str,
    raw: Bytes,
    parsed: std::sync::OnceLock<Value>,
    /// A binary answer (`outputRawFormat: binary`): its bytes and media type, as they came.
    bytes: Option<(Bytes, String)>,
}

impl Reply {
    /// A reply with this status and JSON text (already checked to be JSON).
    pub(super) fn new(operation: &'static str, status: u16, raw: Bytes) -> Self {
        Reply {
            status,
            operation,
            raw,
            parsed: std::sync::OnceLock::new(),
            bytes: None,
        }
    }

    /// A reply whose body was converted to JSON from another format (`outputRawFormat`); its
    /// [`Reply::raw`] is the JSON text of the conversion.
    pub(super) fn converted(operation: &'static str, status: u16, value: Value) -> Self {
        // Serialising a `Value` to a Vec cannot fail.
        let raw = Bytes::from(serde_json::to_vec(&value).unwrap_or_default());
        Reply {
            status,
            operation,
            raw,
            parsed: std::sync::OnceLock::from(value),
            bytes: None,
        }
    }

    /// A binary reply keeps its bytes and media type besides their JSON form.
    pub(super) fn with_bytes(mut self, bytes: Bytes, media_type: String) -> Self {
        self.bytes = Some((bytes, media_type));
        self
    }

    /// A binary answer's bytes and media type (`outputRawFormat: binary`); `None` otherwise.
    pub fn bytes(&self) -> Option<(&Bytes, &str)> {
        self.bytes.as_ref().map(|(b, m)| (b, m.as_str()))
    }

    /// The body as JSON.
    pub fn json(&self) -> &Value {
        self.parsed
            .get_or_init(|| serde_json::from_slice(&self.raw).unwrap_or(Value::Null))
    }

    pub fn into_json(self) -> Value {
        match self.parsed.into_inner() {
            Some(v) => v,
            None => serde_json::from_slice(&self.raw).unwrap_or(Value::Null),
        }
    }

    /// The body as JSON, or why it cannot be a JSON value here (nested deeper than 128 levels):
    /// never `null` in its place.
    pub fn try_into_json(self) -> Result<Value, super::Error> {
        let Reply {
            status,
            operation,
            raw,
            parsed,
            ..
        } = self;
        match parsed.into_inner() {
            Some(v) => Ok(v),
            None => serde_json::from_slice(&raw).map_err(|e| super::Error::Decode {
                operation,
                status,
                format: "json",
                detail: e.to_string(),
            }),
        }
    }

    /// The answer shaped as the consumed operation's `outputParameters` declare, as the typed
    /// result `T` generated for them. A body that does not fit is [`super::Error::Decode`],
    /// naming where.
    pub fn output<T: serde::de::DeserializeOwned>(
        self,
        output: &crate::shape::Output,
    ) -> Result<T, super::Error> {
        let (operation, status) = (self.operation, self.status);
        let decode = |detail: String| super::Error::Decode {
            operation,
            status,
            format: "json",
            detail,
        };
        let value = self.try_into_json()?;
        let shaped = output
            .apply(&value, &[])
            .map_err(|e| decode(e.to_string()))?;
        serde_json::from_value(shaped).map_err(|e| decode(e.to_string()))
    }

    /// The body exactly as the upstream sent it (`null` for an empty body), or the JSON text
    /// of its conversion when the operation declares another `outputRawFormat`.
    pub fn raw(&self) -> &Bytes {
        &self.raw
    }
}

impl std::ops::Deref for Reply {
    type Target = Value;
    fn deref(&self) -> &Value {
        self.json()
    }
}

impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reply")
            .field("status", &self.status)
            .field("body", self.json())
            .finish()
    }
}

impl PartialEq for Reply {
    fn eq(&self, other: &Self) -> bool {
        self.status == other.status && self.json() == other.json()
    }
}
