//! Upstream bodies in formats other than JSON (`outputRawFormat`), turned into JSON before any
//! output mapping, with the shapes of the reference engine's converter:
//!
//! | format | JSON |
//! | --- | --- |
//! | `json` | the body itself |
//! | `xml` | the root element's content: child elements and attributes as fields (strings), a repeated child as an array, text beside children or attributes under `""`, an element with only text as that string, an empty one as `""` |
//! | `yaml` | the first document; plain scalars typed by the YAML 1.2 core schema (`null`, `true`, `12`, `1.5`), anything else a string |
//! | `csv`, `tsv`, `psv` | an array with one object per row, keyed by the header row (`,`, tab, `\|`), values strings; a short row omits its missing columns |
//! | `html` | `{"tables": [[{header: cell}]]}`: the tables in the document, or in what `outputSchema` selects (CSS), headers from the first row of `th` |
//! | `markdown` | `{"frontMatter": {...}, "tables": [[{header: cell}]], "sections": [{"heading", "level", "content"}]}`; `outputSchema` keeps only the sections whose heading starts with it |
//! | `text` | the body as one JSON string (UTF-8) |
//! | `binary` | `{"mimeType": <the upstream's Content-Type>, "data": <base64>}`, MCP's shape for blobs |
//!
//! A body that is not valid in its declared format is an error naming the format, never a
//! panic or a `null`. Nesting is capped at [`MAX_DEPTH`] levels, as serde_json caps JSON, so
//! that no body can overflow the stack when the value is used or dropped.

use serde_json::{Map, Value};
use std::fmt;

/// Nesting deeper than this is refused (serde_json refuses JSON deeper than 128 levels too).
pub const MAX_DEPTH: usize = 128;

/// YAML aliases may repeat a subtree; a document expanding to more nodes than this is refused
/// (the "billion laughs" document).
const MAX_YAML_NODES: usize = 1_000_000;

/// The declared raw format of a consumed operation's answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
    Yaml,
    Csv,
    Tsv,
    Psv,
    /// HTML tables; `selector` (the spec's `outputSchema`) is a CSS selector scoping them. The
    /// generator does not parse CSS: generated clients check their selectors when they are
    /// built ([`check_selector`]).
    Html {
        selector: Option<&'static str>,
    },
    /// Markdown tables and sections; `heading` (the spec's `outputSchema`) keeps only the
    /// sections whose heading starts with it.
    Markdown {
        heading: Option<&'static str>,
    },
    Text,
    Binary,
}

/// An upstream body that is not valid in its declared format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvertError {
    pub format: &'static str,
    pub detail: String,
}

impl fmt::Display for ConvertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not valid {}: {}", self.format, self.detail)
    }
}

impl std::error::Error for ConvertError {}

impl Format {
    /// The name the spec gives the format (`outputRawFormat`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Xml => "xml",
            Format::Yaml => "yaml",
            Format::Csv => "csv",
            Format::Tsv => "tsv",
            Format::Psv => "psv",
            Format::Html { .. } => "html",
            Format::Markdown { .. } => "markdown",
            Format::Text => "text",
            Format::Binary => "binary",
        }
    }

    /// The `Accept` header for this format: its media types first, anything else last (an
    /// upstream that labels its CSV `text/plain` must not answer 406).
    pub fn accept(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Xml => "application/xml, text/xml;q=0.9, */*;q=0.1",
            Format::Yaml => "application/yaml, text/yaml;q=0.9, */*;q=0.1",
            Format::Csv => "text/csv, */*;q=0.1",
            Format::Tsv => "text/tab-separated-values, */*;q=0.1",
            Format::Psv => "text/plain, */*;q=0.1",
            Format::Html { .. } => "text/html, application/xhtml+xml;q=0.9, */*;q=0.1",
            Format::Markdown { .. } => "text/markdown, text/plain;q=0.9, */*;q=0.1",
            Format::Text => "text/plain, */*;q=0.1",
            Format::Binary => "*/*",
        }
    }

    /// Converts a body in this format to JSON. `content_type` is the upstream's `Content-Type`
    /// (used by `binary` only).
    pub fn convert(self, body: &[u8], content_type: Option<&str>) -> Result<Value, ConvertError> {
        let fail = |detail: String| ConvertError {
            format: self.name(),
            detail,
        };
        if self == Format::Binary {
            use base64::Engine as _;
            // Not text: the bytes as they are, base64-encoded, with their media type.
            let mut out = Map::new();
            out.insert(
                "mimeType".into(),
                Value::String(content_type.unwrap_or("application/octet-stream").into()),
            );
            out.insert(
                "data".into(),
                Value::String(base64::engine::general_purpose::STANDARD.encode(body)),
            );
            return Ok(Value::Object(out));
        }
        let text = std::str::from_utf8(body)
            .map_err(|e| fail(format!("the body is not UTF-8 text ({e})")))?;
        // A byte-order mark is not content.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        match self {
            Format::Json => serde_json::from_str(text).map_err(|e| fail(e.to_string())),
            Format::Xml => xml(text).map_err(fail),
            Format::Yaml => yaml(text).map_err(fail),
            Format::Csv => delimited(text, b',').map_err(fail),
            Format::Tsv => delimited(text, b'\t').map_err(fail),
            Format::Psv => delimited(text, b'|').map_err(fail),
            Format::Html { selector } => html(text, selector).map_err(fail),
            Format::Markdown { heading } => markdown(text, heading).map_err(fail),
            Format::Text | Format::Binary => Ok(Value::String(text.to_string())),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// XML
// ---------------------------------------------------------------------------------------------

/// One open element: its fields (attributes, then children) and its text.
struct Element {
    name: String,
    fields: Map<String, Value>,
    text: String,
}

impl Element {
    fn open(start: &quick_xml::events::BytesStart<'_>) -> Result<Self, String> {
        let name = String::from_utf8_lossy(start.local_name().as_ref().as_bytes()).into_owned();
        let mut fields = Map::new();
        for attr in start.attributes() {
            let attr = attr.map_err(|e| e.to_string())?;
            let key = attr.key;
            // Namespace declarations are not data.
            if key.as_namespace_binding().is_some() {
                continue;
            }
            let value = attr
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|e| e.to_string())?;
            let local = key.local_name();
            let local: &str = local.as_ref();
            insert_repeated(
                &mut fields,
                local.to_string(),
                Value::String(value.into_owned()),
            );
        }
        Ok(Element {
            name,
            fields,
            text: String::new(),
        })
    }

    /// The element's value: its text alone, `""` when empty, else its fields (text under `""`).
    fn close(self) -> (String, Value) {
        let text = self.text.trim();
        let value = if self.fields.is_empty() {
            Value::String(text.to_string())
        } else {
            let mut fields = self.fields;
            if !text.is_empty() {
                insert_repeated(&mut fields, String::new(), Value::String(text.to_string()));
            }
            Value::Object(fields)
        };
        (self.name, value)
    }
}

/// Inserts a field; a name seen before turns into an array of every value, in order.
fn insert_repeated(fields: &mut Map<String, Value>, name: String, value: Value) {
    match fields.get_mut(&name) {
        None => {
            fields.insert(name, value);
        }
        Some(Value::Array(items)) => items.push(value),
        Some(existing) => {
            let first = existing.take();
            *existing = Value::Array(vec![first, value]);
        }
    }
}

fn xml(text: &str) -> Result<Value, String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Value> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("{e} (at byte {})", reader.error_position()))?;
        match event {
            Event::Start(start) => {
                if root.is_some() {
                    return Err("more than one root element".into());
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(format!("elements nested deeper than {MAX_DEPTH} levels"));
                }
                stack.push(Element::open(&start)?);
            }
            Event::Empty(start) => {
                if root.is_some() {
                    return Err("more than one root element".into());
                }
                let element = Element::open(&start)?;
                close_element(&mut stack, &mut root, element);
            }
            Event::End(_) => {
                let Some(element) = stack.pop() else {
                    return Err("a closing tag without its opening tag".into());
                };
                close_element(&mut stack, &mut root, element);
            }
            Event::Text(t) => push_text(&mut stack, &t.xml10_content())?,
            Event::CData(t) => push_text(&mut stack, &t.xml10_content())?,
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().map_err(|e| e.to_string())? {
                    Some(c) => c.to_string(),
                    None => {
                        let name = r.xml10_content();
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .ok_or_else(|| format!("unknown entity `&{name};`"))?
                            .to_string()
                    }
                };
                push_text(&mut stack, &resolved)?;
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err(format!(
            "unclosed element `<{}>`",
            stack[stack.len() - 1].name
        ));
    }
    root.ok_or_else(|| "no root element".to_string())
}

/// A closed element goes into its parent, or is the document (the root's content: the root
/// element's own name is not kept, as in the reference engine).
fn close_element(stack: &mut [Element], root: &mut Option<Value>, element: Element) {
    let (name, value) = element.close();
    match stack.last_mut() {
        Some(parent) => insert_repeated(&mut parent.fields, name, value),
        None => *root = Some(value),
    }
}

fn push_text(stack: &mut [Element], text: &str) -> Result<(), String> {
    match stack.last_mut() {
        Some(open) => {
            open.text.push_str(text);
            Ok(())
        }
        None if text.trim().is_empty() => Ok(()),
        None => Err("text outside the root element".into()),
    }
}

// ---------------------------------------------------------------------------------------------
// YAML
// ---------------------------------------------------------------------------------------------

/// The first YAML document as JSON (an empty document is `null`).
pub(crate) fn yaml(text: &str) -> Result<Value, String> {
    use saphyr_parser::{Event, Parser};
    // Open collections: the value, its anchor, and for mappings a pending key.
    let mut stack: Vec<(Value, usize, Option<String>)> = Vec::new();
    let mut anchors: std::collections::HashMap<usize, Value> = std::collections::HashMap::new();
    let mut root: Option<Value> = None;
    let mut nodes = 0usize;
    let mut parser = Parser::new_from_str(text);
    while let Some(next) = parser.next_event() {
        let (event, _) = next.map_err(|e| {
            let m = e.marker();
            format!("{} (line {}, column {})", e.info(), m.line(), m.col() + 1)
        })?;
        let (value, anchor) = match event {
            Event::DocumentEnd if root.is_some() => break,
            Event::Scalar(value, style, anchor, tag) => {
                let plain = matches!(style, saphyr_parser::ScalarStyle::Plain);
                let is_str = tag.as_ref().is_some_and(|t| t.suffix == "str");
                let v = if plain && !is_str {
                    yaml_scalar(&value)
                } else {
                    Value::String(value.into_owned())
                };
                (v, anchor)
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(format!("collections nested deeper than {MAX_DEPTH} levels"));
                }
                let empty = if matches!(event, Event::MappingStart(..)) {
                    Value::Object(Map::new())
                } else {
                    Value::Array(Vec::new())
                };
                stack.push((empty, anchor, None));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some((v, anchor, _)) => (v, anchor),
                None => continue,
            },
            Event::Alias(id) => {
                let v = anchors
                    .get(&id)
                    .cloned()
                    .ok_or_else(|| "an alias to an unknown anchor".to_string())?;
                // Aliases inside anchors could otherwise stack depths without a bracket each.
                if stack.len() + depth(&v) > MAX_DEPTH {
                    return Err(format!("collections nested deeper than {MAX_DEPTH} levels"));
                }
                nodes = nodes.saturating_add(count_nodes(&v));
                (v, 0)
            }
            _ => continue,
        };
        nodes += 1;
        if nodes > MAX_YAML_NODES {
            return Err(format!(
                "the document expands to more than {MAX_YAML_NODES} values"
            ));
        }
        if anchor != 0 {
            anchors.insert(anchor, value.clone());
        }
        match stack.last_mut() {
            None => root = Some(value),
            Some((Value::Array(items), _, _)) => items.push(value),
            Some((Value::Object(map), _, pending)) => match pending.take() {
                None => {
                    *pending = Some(match value {
                        Value::String(s) => s,
                        Value::Null => "null".into(),
                        Value::Bool(_) | Value::Number(_) => value.to_string(),
                        Value::Array(_) | Value::Object(_) => {
                            return Err("a mapping key that is a collection".into());
                        }
                    });
                }
                Some(key) => {
                    map.insert(key, value);
                }
            },
            Some(_) => {}
        }
    }
    Ok(root.unwrap_or(Value::Null))
}

/// How deeply a value nests (a scalar is 0); values here are at most [`MAX_DEPTH`] deep.
fn depth(v: &Value) -> usize {
    match v {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

fn count_nodes(v: &Value) -> usize {
    match v {
        Value::Array(items) => 1 + items.iter().map(count_nodes).sum::<usize>(),
        Value::Object(map) => 1 + map.values().map(count_nodes).sum::<usize>(),
        _ => 1,
    }
}

/// A plain scalar by the YAML 1.2 core schema; what JSON cannot hold (`.inf`, `.nan`) stays text.
fn yaml_scalar(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    let int_like = !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit());
    if int_like {
        if let Ok(i) = s.parse::<i64>() {
            return Value::from(i);
        }
        if let Ok(u) = s.parse::<u64>() {
            return Value::from(u);
        }
    }
    if let Some(hex) = s.strip_prefix("0x")
        && let Ok(i) = i64::from_str_radix(hex, 16)
    {
        return Value::from(i);
    }
    if let Some(oct) = s.strip_prefix("0o")
        && let Ok(i) = i64::from_str_radix(oct, 8)
    {
        return Value::from(i);
    }
    let float_like = unsigned
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_digit() || b == b'.')
        && unsigned
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'));
    if float_like
        && let Ok(f) = s.parse::<f64>()
        && let Some(n) = serde_json::Number::from_f64(f)
    {
        return Value::Number(n);
    }
    Value::String(s.to_string())
}

// ---------------------------------------------------------------------------------------------
// CSV, TSV, PSV
// ---------------------------------------------------------------------------------------------

fn delimited(text: &str, delimiter: u8) -> Result<Value, String> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|e| e.to_string())?.clone();
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| e.to_string())?;
        if record.len() > headers.len() {
            return Err(format!(
                "row {} has {} fields, the header row {}",
                i + 2,
                record.len(),
                headers.len()
            ));
        }
        // A blank line is no row.
        if record.len() == 1 && record[0].is_empty() && headers.len() > 1 {
            continue;
        }
        let row: Map<String, Value> = headers
            .iter()
            .zip(record.iter())
            .map(|(h, v)| (h.to_string(), Value::String(v.to_string())))
            .collect();
        rows.push(Value::Object(row));
    }
    Ok(Value::Array(rows))
}

// ---------------------------------------------------------------------------------------------
// HTML
// ---------------------------------------------------------------------------------------------

/// Text of an element with whitespace collapsed, as a browser shows it.
fn element_text(e: scraper::ElementRef<'_>) -> String {
    let mut out = String::new();
    for piece in e.text() {
        for word in piece.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(word);
        }
    }
    out
}

fn selector(css: &str) -> Result<scraper::Selector, String> {
    scraper::Selector::parse(css).map_err(|e| format!("invalid CSS selector `{css}`: {e}"))
}

/// Whether `css` parses as a selector (for [`Format::Html`]'s `selector`), or why not.
pub fn check_selector(css: &str) -> Result<(), String> {
    selector(css).map(drop)
}

fn html(text: &str, scope: Option<&str>) -> Result<Value, String> {
    let document = scraper::Html::parse_document(text);
    let table = selector("table")?;
    let mut tables: Vec<scraper::ElementRef<'_>> = Vec::new();
    match scope.filter(|s| !s.trim().is_empty()) {
        None => tables.extend(document.select(&table)),
        Some(css) => {
            for e in document.select(&selector(css)?) {
                if e.value().name().eq_ignore_ascii_case("table") {
                    tables.push(e);
                } else {
                    tables.extend(e.select(&table));
                }
            }
        }
    }
    let head_cells = selector("thead tr:first-child th")?;
    let first_row_cells = selector("tr:first-child th")?;
    let body_rows = selector("tbody tr")?;
    let all_rows = selector("tr")?;
    let th = selector("th")?;
    let td = selector("td")?;
    let mut out = Vec::new();
    for t in tables {
        let mut headers: Vec<String> = t.select(&head_cells).map(element_text).collect();
        if headers.is_empty() {
            headers = t.select(&first_row_cells).map(element_text).collect();
        }
        if headers.iter().all(String::is_empty) {
            continue;
        }
        let mut rows: Vec<scraper::ElementRef<'_>> = t.select(&body_rows).collect();
        if rows.is_empty() {
            rows = t.select(&all_rows).collect();
        }
        let mut table = Vec::new();
        for row in rows {
            // A row with a `th` is a header row.
            if row.select(&th).next().is_some() {
                continue;
            }
            let cells: Vec<String> = row.select(&td).map(element_text).collect();
            if cells.is_empty() {
                continue;
            }
            table.push(table_row(&headers, cells));
        }
        out.push(Value::Array(table));
    }
    let mut result = Map::new();
    result.insert("tables".into(), Value::Array(out));
    Ok(Value::Object(result))
}

/// One row as an object keyed by the headers; a missing cell is `""`.
fn table_row(headers: &[String], cells: Vec<String>) -> Value {
    let mut cells = cells.into_iter();
    Value::Object(
        headers
            .iter()
            .map(|h| (h.clone(), Value::String(cells.next().unwrap_or_default())))
            .collect(),
    )
}

// ---------------------------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------------------------

fn markdown(text: &str, heading_prefix: Option<&str>) -> Result<Value, String> {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let text = text.replace("\r\n", "\n");
    // Front matter: a YAML mapping between a first line `---` and the next line `---`.
    let mut front = Map::new();
    let mut body = text.as_str();
    if let Some(rest) = text.strip_prefix("---\n")
        && let Some(end) = rest.find("\n---\n")
    {
        if let Value::Object(m) = yaml(&rest[..end]).map_err(|e| format!("front matter: {e}"))? {
            front = m;
        }
        body = &rest[end + 5..];
    }
    let filter = heading_prefix.filter(|h| !h.trim().is_empty());
    let mut tables = Vec::new();
    let mut sections = Vec::new();
    // The section being read: heading, level, the text of its top-level blocks.
    let mut section: Option<(String, u8, Vec<String>)> = None;
    let mut depth = 0usize;
    // What the current top-level block is.
    enum Block {
        Heading(u8, String),
        Table {
            headers: Vec<String>,
            rows: Vec<Vec<String>>,
            row: Vec<String>,
            cell: String,
            in_head: bool,
        },
        Other(String),
    }
    let mut block: Option<Block> = None;
    let finish_section = |section: Option<(String, u8, Vec<String>)>, sections: &mut Vec<Value>| {
        if let Some((heading, level, content)) = section
            && filter.is_none_or(|f| heading.starts_with(f))
        {
            let mut s = Map::new();
            s.insert("heading".into(), Value::String(heading));
            s.insert("level".into(), Value::from(level));
            s.insert("content".into(), Value::String(content.join("\n")));
            sections.push(Value::Object(s));
        }
    };
    for event in Parser::new_ext(body, Options::ENABLE_TABLES) {
        if depth > MAX_DEPTH {
            return Err(format!("blocks nested deeper than {MAX_DEPTH} levels"));
        }
        match event {
            Event::Start(tag) => {
                if depth == 0 {
                    block = Some(match &tag {
                        Tag::Heading { level, .. } => Block::Heading(*level as u8, String::new()),
                        Tag::Table(_) => Block::Table {
                            headers: Vec::new(),
                            rows: Vec::new(),
                            row: Vec::new(),
                            cell: String::new(),
                            in_head: false,
                        },
                        _ => Block::Other(String::new()),
                    });
                }
                depth += 1;
                if let Some(Block::Table { in_head, row, .. }) = &mut block {
                    match tag {
                        Tag::TableHead => *in_head = true,
                        Tag::TableRow => row.clear(),
                        _ => {}
                    }
                }
            }
            Event::End(end) => {
                depth = depth.saturating_sub(1);
                match &mut block {
                    Some(Block::Table {
                        headers,
                        rows,
                        row,
                        cell,
                        in_head,
                    }) => match end {
                        TagEnd::TableCell => {
                            let c = std::mem::take(cell).trim().to_string();
                            if *in_head {
                                headers.push(c);
                            } else {
                                row.push(c);
                            }
                        }
                        TagEnd::TableHead => *in_head = false,
                        TagEnd::TableRow => rows.push(std::mem::take(row)),
                        _ => {}
                    },
                    // Blocks inside a block (list items, paragraphs of a quote) are lines.
                    Some(Block::Other(s))
                        if depth > 0
                            && !s.ends_with('\n')
                            && matches!(
                                end,
                                TagEnd::Paragraph
                                    | TagEnd::Item
                                    | TagEnd::CodeBlock
                                    | TagEnd::Heading(_)
                                    | TagEnd::BlockQuote(_)
                                    | TagEnd::HtmlBlock
                            ) =>
                    {
                        s.push('\n');
                    }
                    _ => {}
                }
                if depth == 0 {
                    match block.take() {
                        Some(Block::Heading(level, text)) => {
                            finish_section(section.take(), &mut sections);
                            section = Some((text.trim().to_string(), level, Vec::new()));
                        }
                        Some(Block::Table { headers, rows, .. })
                            if !headers.iter().all(String::is_empty) =>
                        {
                            tables.push(Value::Array(
                                rows.into_iter().map(|r| table_row(&headers, r)).collect(),
                            ));
                        }
                        Some(Block::Other(text)) => {
                            let text = text.trim();
                            if let Some((_, _, content)) = &mut section
                                && !text.is_empty()
                            {
                                content.push(text.to_string());
                            }
                        }
                        Some(Block::Table { .. }) | None => {}
                    }
                }
            }
            Event::Text(t) | Event::Code(t) => push_block_text(&mut block, &t),
            Event::SoftBreak => push_block_text(&mut block, " "),
            Event::HardBreak => push_block_text(&mut block, "\n"),
            _ => {}
        }
    }
    finish_section(section.take(), &mut sections);
    let mut result = Map::new();
    result.insert("frontMatter".into(), Value::Object(front));
    result.insert("tables".into(), Value::Array(tables));
    result.insert("sections".into(), Value::Array(sections));
    return Ok(Value::Object(result));

    fn push_block_text(block: &mut Option<Block>, t: &str) {
        match block {
            Some(Block::Heading(_, s) | Block::Other(s)) => s.push_str(t),
            Some(Block::Table { cell, .. }) => cell.push_str(t),
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ok(format: Format, body: &str) -> Value {
        format
            .convert(body.as_bytes(), None)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn err(format: Format, body: &[u8]) -> String {
        match format.convert(body, None) {
            Ok(v) => panic!("expected an error, got {v}"),
            Err(e) => {
                assert_eq!(e.format, format.name());
                e.to_string()
            }
        }
    }

    #[test]
    fn xml_drops_the_root_name_and_keeps_fields_as_strings() {
        let v = ok(
            Format::Xml,
            r#"<?xml version="1.0"?>
            <ships xmlns="urn:x" count="2">
              <ship id="1"><name>Mary &amp; Jo</name><imo>9321483</imo></ship>
              <ship id="2"><name><![CDATA[<Ever>]]></name><imo/></ship>
              <note lang="en">hi &#x41;</note>
            </ships>"#,
        );
        assert_eq!(
            v,
            json!({
                "count": "2",
                "ship": [
                    {"id": "1", "name": "Mary & Jo", "imo": "9321483"},
                    {"id": "2", "name": "<Ever>", "imo": ""}
                ],
                "note": {"lang": "en", "": "hi A"}
            })
        );
        assert_eq!(ok(Format::Xml, "<a>text</a>"), json!("text"));
    }

    #[test]
    fn xml_errors_name_the_format() {
        assert!(err(Format::Xml, b"<a><b></a>").starts_with("not valid xml: "));
        assert!(err(Format::Xml, b"").contains("no root element"));
        assert!(err(Format::Xml, b"<a/><b/>").contains("more than one root"));
        assert!(err(Format::Xml, b"<a>&bogus;</a>").contains("unknown entity"));
        assert!(err(Format::Xml, b"<a>").contains("unclosed"));
        let deep = "<a>".repeat(MAX_DEPTH + 1);
        assert!(err(Format::Xml, deep.as_bytes()).contains("deeper than 128"));
    }

    #[test]
    fn yaml_types_plain_scalars_and_keeps_quoted_ones_as_text() {
        let v = ok(
            Format::Yaml,
            "base: &b {port: 8080}\nname: web\nn: 12\nf: 1.5\nneg: -3\non: true\nq: '12'\nnil: ~\nlist: [a, 2]\ncopy: *b\n",
        );
        assert_eq!(
            v,
            json!({"base": {"port": 8080}, "name": "web", "n": 12, "f": 1.5, "neg": -3,
                   "on": true, "q": "12", "nil": null, "list": ["a", 2], "copy": {"port": 8080}})
        );
        assert_eq!(ok(Format::Yaml, ""), Value::Null);
        assert_eq!(ok(Format::Yaml, "--- 1\n--- 2\n"), json!(1));
        assert_eq!(ok(Format::Yaml, "x: .inf"), json!({"x": ".inf"}));
    }

    #[test]
    fn yaml_errors_name_the_format_and_billion_laughs_is_refused() {
        assert!(err(Format::Yaml, b"a: [1, 2").starts_with("not valid yaml: "));
        let mut laughs = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..8u8 {
            let (prev, next) = ((b'a' + i) as char, (b'b' + i) as char);
            laughs.push_str(&format!(
                "{next}: &{next} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        assert!(err(Format::Yaml, laughs.as_bytes()).contains("more than"));
        let deep = "[".repeat(MAX_DEPTH + 1);
        assert!(err(Format::Yaml, deep.as_bytes()).contains("deeper than 128"));
        // Aliases that stack an anchor's depth on top of another's.
        let half = MAX_DEPTH / 2 + 1;
        let nested = |inner: &str| format!("{}{inner}{}", "[".repeat(half), "]".repeat(half));
        let stacked = format!("a: &a {}\nb: &b {}\n", nested("1"), nested("*a"));
        assert!(err(Format::Yaml, stacked.as_bytes()).contains("deeper than 128"));
        let fine = format!("a: &a {}\nb: *a\n", nested("1"));
        assert!(Format::Yaml.convert(fine.as_bytes(), None).is_ok());
    }

    #[test]
    fn delimited_rows_are_objects_keyed_by_the_header_row() {
        assert_eq!(
            ok(Format::Csv, "id,name\n1,\"Smith, J\"\n2,Lee\n\n3\n"),
            json!([{"id": "1", "name": "Smith, J"}, {"id": "2", "name": "Lee"}, {"id": "3"}])
        );
        assert_eq!(
            ok(Format::Tsv, "id\tname\n1\ta|b\n"),
            json!([{"id": "1", "name": "a|b"}])
        );
        assert_eq!(
            ok(Format::Psv, "id|name\n1|a,b\n"),
            json!([{"id": "1", "name": "a,b"}])
        );
        assert_eq!(ok(Format::Csv, ""), json!([]));
        assert!(err(Format::Csv, b"a,b\n1,2,3\n").contains("row 2 has 3 fields"));
        assert!(err(Format::Csv, b"a,b\n\xff,1\n").contains("UTF-8"));
    }

    #[test]
    fn html_tables_are_arrays_of_rows_keyed_by_headers() {
        let page = r#"<html><body>
            <table id="other"><tr><th>x</th></tr><tr><td>1</td></tr></table>
            <div class="results">
              <table>
                <thead><tr><th>Ship</th><th> IMO </th></tr></thead>
                <tbody><tr><td>Ever  Given</td><td>9811000<tr><td>Alone</td></tbody>
              </table>
            </div>
            <table><tr><td>no headers</td></tr></table>
            </body></html>"#;
        let all = ok(Format::Html { selector: None }, page);
        assert_eq!(
            all,
            json!({"tables": [
                [{"x": "1"}],
                [{"Ship": "Ever Given", "IMO": "9811000"}, {"Ship": "Alone", "IMO": ""}]
            ]})
        );
        let scoped = ok(
            Format::Html {
                selector: Some("div.results"),
            },
            page,
        );
        assert_eq!(scoped["tables"].as_array().map(Vec::len), Some(1));
        assert_eq!(scoped["tables"][0][0]["Ship"], "Ever Given");
        assert!(
            err(
                Format::Html {
                    selector: Some("div[")
                },
                b"<p></p>"
            )
            .contains("invalid CSS selector")
        );
    }

    #[test]
    fn markdown_has_front_matter_tables_and_filtered_sections() {
        let doc = "---\ntitle: Fleet\nyear: 2024\n---\n# Fleet\nIntro *text*\nmore.\n\n## Results\n\n| Ship | IMO |\n|---|---|\n| Ever `Given` | 9811000 |\n| Alone |\n\n- a\n- b\n\n## Notes\nNone.\n";
        let v = ok(Format::Markdown { heading: None }, doc);
        assert_eq!(v["frontMatter"], json!({"title": "Fleet", "year": 2024}));
        assert_eq!(
            v["tables"],
            json!([[{"Ship": "Ever Given", "IMO": "9811000"}, {"Ship": "Alone", "IMO": ""}]])
        );
        assert_eq!(
            v["sections"],
            json!([
                {"heading": "Fleet", "level": 1, "content": "Intro text more."},
                {"heading": "Results", "level": 2, "content": "a\nb"},
                {"heading": "Notes", "level": 2, "content": "None."}
            ])
        );
        let filtered = ok(
            Format::Markdown {
                heading: Some("Res"),
            },
            doc,
        );
        assert_eq!(
            filtered["sections"],
            json!([{"heading": "Results", "level": 2, "content": "a\nb"}])
        );
    }

    #[test]
    fn text_is_a_string_and_binary_is_base64_with_its_media_type() {
        assert_eq!(ok(Format::Text, "héllo\n"), json!("héllo\n"));
        assert!(err(Format::Text, b"\xff").contains("not UTF-8"));
        assert_eq!(
            Format::Binary
                .convert(b"\x00\xffab", Some("image/png"))
                .expect("binary"),
            json!({"mimeType": "image/png", "data": "AP9hYg=="})
        );
        assert_eq!(
            Format::Binary.convert(b"", None).expect("binary")["mimeType"],
            "application/octet-stream"
        );
    }

    #[test]
    fn json_is_parsed_and_checked() {
        assert_eq!(ok(Format::Json, "{\"a\": [1]}"), json!({"a": [1]}));
        assert!(err(Format::Json, b"{nope").starts_with("not valid json: "));
    }
}
