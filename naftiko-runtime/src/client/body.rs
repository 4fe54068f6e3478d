//! Request bodies other than JSON, from the spec's `body:` templates: text (`text`, `xml`,
//! `sparql`, a pre-encoded form, `binary`, a raw string), structured data in another encoding
//! (`yaml`, `application/cbor`, `formUrlEncoded`) and `multipart/form-data`.

use super::params::{ParamValue, form_encode};
use super::template::{TextPart, env_value};
use serde_json::Value;

/// How a structured body template is put on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// `application/yaml`, written as JSON text: JSON is YAML 1.2, and no YAML writer is needed.
    Yaml,
    /// `application/cbor` (RFC 8949): maps, arrays, text, integers, `f64`s, booleans, null.
    Cbor,
    /// `application/x-www-form-urlencoded` from an object's fields (arrays repeat the field).
    Form,
}

/// How a value inserted into a text body is escaped, so that it cannot change its structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escape {
    /// As it is.
    None,
    /// As the content of a JSON string.
    Json,
    /// As XML character data.
    Xml,
    /// As the content of a SPARQL string literal.
    Sparql,
    /// Form-encoded.
    Form,
}

/// A text body from the spec: its media type (`None` when a header parameter sets it) and text
/// with variables.
#[derive(Debug)]
pub struct TextBody {
    pub media_type: Option<&'static str>,
    pub escape: Escape,
    pub parts: &'static [TextPart],
}

/// One part of a `multipart/form-data` body.
#[derive(Debug)]
pub struct MultipartPart {
    pub name: &'static str,
    pub filename: Option<&'static str>,
    pub content_type: Option<&'static str>,
    pub value: &'static [TextPart],
}

/// A variable's value as text: strings as they are, other values as JSON.
fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl TextBody {
    /// The body for these parameter values; an absent (optional) value is empty text.
    pub fn fill(&self, vars: &[Option<Value>]) -> String {
        self.fill_env(vars, &[])
    }

    /// The body for these parameter values and bound environment variables (escaped like
    /// parameter values).
    pub fn fill_env(&self, vars: &[Option<Value>], env: &[(&'static str, String)]) -> String {
        let mut out = String::new();
        for p in self.parts {
            match p {
                TextPart::Lit(s) => out.push_str(s),
                TextPart::Env(name) => escape_into(&mut out, env_value(env, name), self.escape),
                TextPart::Var(i) => {
                    if let Some(v) = vars.get(*i).and_then(Option::as_ref) {
                        escape_into(&mut out, &text_of(v), self.escape);
                    }
                }
                TextPart::JsonVar(i) => match vars.get(*i).and_then(Option::as_ref) {
                    Some(v) => out.push_str(&v.to_string()),
                    None => out.push_str("null"),
                },
            }
        }
        out
    }
}

fn escape_into(out: &mut String, value: &str, escape: Escape) {
    match escape {
        Escape::None => out.push_str(value),
        Escape::Json => {
            let quoted = Value::String(value.to_string()).to_string();
            out.push_str(&quoted[1..quoted.len() - 1]);
        }
        Escape::Xml => {
            for c in value.chars() {
                match c {
                    '&' => out.push_str("&amp;"),
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    '"' => out.push_str("&quot;"),
                    '\'' => out.push_str("&apos;"),
                    c => out.push(c),
                }
            }
        }
        Escape::Sparql => {
            for c in value.chars() {
                match c {
                    '\t' => out.push_str("\\t"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\u{8}' => out.push_str("\\b"),
                    '\u{c}' => out.push_str("\\f"),
                    '"' => out.push_str("\\\""),
                    '\'' => out.push_str("\\'"),
                    '\\' => out.push_str("\\\\"),
                    c => out.push(c),
                }
            }
        }
        Escape::Form => out.push_str(&form_encode(value)),
    }
}

impl Encoding {
    /// The media type of the encoding.
    pub fn media_type(self) -> &'static str {
        match self {
            Encoding::Yaml => "application/yaml",
            Encoding::Cbor => "application/cbor",
            Encoding::Form => "application/x-www-form-urlencoded",
        }
    }

    /// `value` in this encoding.
    pub fn encode(self, value: &Value) -> Vec<u8> {
        match self {
            // Serialising a `Value` to a Vec cannot fail.
            Encoding::Yaml => serde_json::to_vec(value).unwrap_or_default(),
            Encoding::Cbor => {
                let mut out = Vec::new();
                cbor(&mut out, value);
                out
            }
            Encoding::Form => {
                let mut form = form_urlencoded::Serializer::new(String::new());
                if let Value::Object(fields) = value {
                    for (k, v) in fields {
                        let mut values = Vec::new();
                        v.write(&mut values);
                        for v in values {
                            form.append_pair(k, &v);
                        }
                    }
                }
                form.finish().into_bytes()
            }
        }
    }
}

/// The head of a CBOR data item: major type and argument, in the shortest form.
fn cbor_head(out: &mut Vec<u8>, major: u8, n: u64) {
    let m = major << 5;
    match n {
        0..=23 => out.push(m | n as u8),
        24..=0xff => out.extend_from_slice(&[m | 24, n as u8]),
        0x100..=0xffff => {
            out.push(m | 25);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(m | 26);
            out.extend_from_slice(&(n as u32).to_be_bytes());
        }
        _ => {
            out.push(m | 27);
            out.extend_from_slice(&n.to_be_bytes());
        }
    }
}

fn cbor(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Null => out.push(0xf6),
        Value::Bool(false) => out.push(0xf4),
        Value::Bool(true) => out.push(0xf5),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                cbor_head(out, 0, u);
            } else if let Some(i) = n.as_i64() {
                // A negative integer `i` is encoded as `-1 - i`, which is `!i`.
                cbor_head(out, 1, !i as u64);
            } else {
                out.push(0xfb);
                out.extend_from_slice(&n.as_f64().unwrap_or(f64::NAN).to_be_bytes());
            }
        }
        Value::String(s) => {
            cbor_head(out, 3, s.len() as u64);
            out.extend_from_slice(s.as_bytes());
        }
        Value::Array(items) => {
            cbor_head(out, 4, items.len() as u64);
            items.iter().for_each(|i| cbor(out, i));
        }
        Value::Object(fields) => {
            cbor_head(out, 5, fields.len() as u64);
            for (k, v) in fields {
                cbor_head(out, 3, k.len() as u64);
                out.extend_from_slice(k.as_bytes());
                cbor(out, v);
            }
        }
    }
}

/// A quoted `Content-Disposition` parameter, as browsers write it: `"`, CR and LF
/// percent-encoded, so that a name cannot end the header.
fn disposition_param(out: &mut Vec<u8>, key: &str, value: &str) {
    out.extend_from_slice(format!("; {key}=\"").as_bytes());
    for c in value.chars() {
        match c {
            '"' => out.extend_from_slice(b"%22"),
            '\r' => out.extend_from_slice(b"%0D"),
            '\n' => out.extend_from_slice(b"%0A"),
            c => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
        }
    }
    out.push(b'"');
}

/// A `multipart/form-data` body with this boundary; a part with an absent variable is left out.
pub(super) fn multipart(
    parts: &[MultipartPart],
    vars: &[Option<Value>],
    env: &[(&'static str, String)],
    boundary: &str,
) -> Vec<u8> {
    let mut out = Vec::new();
    'parts: for p in parts {
        let mut value = String::new();
        for piece in p.value {
            match piece {
                TextPart::Lit(s) => value.push_str(s),
                TextPart::Env(name) => value.push_str(env_value(env, name)),
                TextPart::Var(i) | TextPart::JsonVar(i) => {
                    match vars.get(*i).and_then(Option::as_ref) {
                        Some(v) => value.push_str(&text_of(v)),
                        None => continue 'parts,
                    }
                }
            }
        }
        out.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data").as_bytes());
        disposition_param(&mut out, "name", p.name);
        if let Some(f) = p.filename {
            disposition_param(&mut out, "filename", f);
        }
        out.extend_from_slice(b"\r\n");
        if let Some(ct) = p.content_type {
            out.extend_from_slice(format!("Content-Type: {ct}\r\n").as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    static XML: TextBody = TextBody {
        media_type: Some("application/xml"),
        escape: Escape::Xml,
        parts: &[
            TextPart::Lit("<ship name=\""),
            TextPart::Var(0),
            TextPart::Lit("\">"),
            TextPart::Var(1),
            TextPart::Lit("</ship>"),
        ],
    };

    #[test]
    fn json_slots_take_json_values_and_null_when_absent() {
        static RAW: TextBody = TextBody {
            media_type: Some("application/json"),
            escape: Escape::Json,
            parts: &[
                TextPart::Lit("{\"name\": \""),
                TextPart::Var(0),
                TextPart::Lit("\", \"ids\": "),
                TextPart::JsonVar(1),
                TextPart::Lit("}"),
            ],
        };
        let body = RAW.fill(&[Some(json!("a\"b")), Some(json!(["x", 1]))]);
        assert_eq!(
            serde_json::from_str::<Value>(&body).unwrap(),
            json!({"name": "a\"b", "ids": ["x", 1]})
        );
        assert_eq!(
            RAW.fill(&[Some(json!("n")), None]),
            "{\"name\": \"n\", \"ids\": null}"
        );
    }

    #[test]
    fn text_values_are_escaped_for_their_body() {
        assert_eq!(
            XML.fill(&[Some(json!("a\"<&>'")), Some(json!(7))]),
            "<ship name=\"a&quot;&lt;&amp;&gt;&apos;\">7</ship>"
        );
        assert_eq!(XML.fill(&[None, None]), "<ship name=\"\"></ship>");
        let mut s = String::new();
        escape_into(&mut s, "a\"b\\c\n", Escape::Json);
        assert_eq!(s, "a\\\"b\\\\c\\n");
        s.clear();
        escape_into(&mut s, "x\" . }'\\", Escape::Sparql);
        assert_eq!(s, "x\\\" . }\\'\\\\");
        s.clear();
        escape_into(&mut s, "a b&c=d", Escape::Form);
        assert_eq!(s, "a+b%26c%3Dd");
    }

    #[test]
    fn cbor_follows_rfc_8949_examples() {
        // RFC 8949 Appendix A.
        let enc = |v: Value| Encoding::Cbor.encode(&v);
        assert_eq!(enc(json!(0)), [0x00]);
        assert_eq!(enc(json!(23)), [0x17]);
        assert_eq!(enc(json!(24)), [0x18, 0x18]);
        assert_eq!(enc(json!(1000)), [0x19, 0x03, 0xe8]);
        assert_eq!(enc(json!(1_000_000)), [0x1a, 0x00, 0x0f, 0x42, 0x40]);
        assert_eq!(
            enc(json!(1_000_000_000_000u64)),
            [0x1b, 0x00, 0x00, 0x00, 0xe8, 0xd4, 0xa5, 0x10, 0x00]
        );
        assert_eq!(enc(json!(-1)), [0x20]);
        assert_eq!(enc(json!(-1000)), [0x39, 0x03, 0xe7]);
        assert_eq!(
            enc(json!(1.1)),
            [0xfb, 0x3f, 0xf1, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a]
        );
        assert_eq!(enc(json!(false)), [0xf4]);
        assert_eq!(enc(json!(null)), [0xf6]);
        assert_eq!(enc(json!("IETF")), [0x64, 0x49, 0x45, 0x54, 0x46]);
        assert_eq!(enc(json!([1, [2, 3]])), [0x82, 0x01, 0x82, 0x02, 0x03]);
        assert_eq!(
            enc(json!({"a": 1, "b": [2, 3]})),
            [0xa2, 0x61, 0x61, 0x01, 0x61, 0x62, 0x82, 0x02, 0x03]
        );
    }

    #[test]
    fn form_and_yaml_encodings() {
        assert_eq!(
            Encoding::Form
                .encode(&json!({"grant_type": "client credentials", "n": 2, "tag": ["a", "b&c"]})),
            b"grant_type=client+credentials&n=2&tag=a&tag=b%26c"
        );
        assert_eq!(
            Encoding::Yaml.encode(&json!({"spec": "x: 1"})),
            b"{\"spec\":\"x: 1\"}"
        );
    }

    #[test]
    fn multipart_parts_leave_out_absent_values_and_quote_names() {
        static PARTS: &[MultipartPart] = &[
            MultipartPart {
                name: "prompt",
                filename: None,
                content_type: None,
                value: &[TextPart::Var(0)],
            },
            MultipartPart {
                name: "seed",
                filename: None,
                content_type: None,
                value: &[TextPart::Var(1)],
            },
            MultipartPart {
                name: "file\"x",
                filename: Some("a\r\n.txt"),
                content_type: Some("text/plain"),
                value: &[TextPart::Lit("hello "), TextPart::Var(0)],
            },
        ];
        let body = multipart(PARTS, &[Some(json!("a cat")), None], &[], "B");
        assert_eq!(
            String::from_utf8(body).expect("utf-8"),
            "--B\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\na cat\r\n\
             --B\r\nContent-Disposition: form-data; name=\"file%22x\"; filename=\"a%0D%0A.txt\"\r\nContent-Type: text/plain\r\n\r\nhello a cat\r\n\
             --B--\r\n"
        );
    }
}
