//! Rust names for spec names: `orgId` → `org_id`, `$filter` → `filter`, `type` → `type_`,
//! and unique within their scope (`maxResults` and `MaxResults` become `max_results`, `max_results_2`).

use std::collections::HashSet;

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop",
    "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return", "self",
    "Self", "static", "struct", "super", "trait", "true", "try", "type", "typeof", "union",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield", "abstract", "become",
];

/// `listBillJobs` → `list_bill_jobs`; anything that is not a letter or digit separates words.
pub fn snake_case(s: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_alphanumeric() {
            let boundary = c.is_ascii_uppercase()
                && i > 0
                && (chars[i - 1].is_ascii_lowercase()
                    || chars[i - 1].is_ascii_digit()
                    || (chars[i - 1].is_ascii_uppercase()
                        && chars.get(i + 1).is_some_and(char::is_ascii_lowercase)));
            if boundary && !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    let mut out = out.trim_end_matches('_').to_string();
    if out.is_empty() {
        out = "value".to_string();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "n_");
    }
    if KEYWORDS.contains(&out.as_str()) {
        out.push('_');
    }
    out
}

/// `list_bill_jobs` → `ListBillJobs`.
pub fn pascal_case(s: &str) -> String {
    snake_case(s)
        .split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// Hands out names unique within one scope.
#[derive(Debug, Default)]
pub struct Names(HashSet<String>);

impl Names {
    pub fn claim(&mut self, base: &str) -> String {
        let mut name = base.to_string();
        let mut n = 2;
        while !self.0.insert(name.clone()) {
            name = format!("{base}_{n}");
            n += 1;
        }
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_spec_names_to_snake_case() {
        assert_eq!(snake_case("orgId"), "org_id");
        assert_eq!(snake_case("pageSize"), "page_size");
        assert_eq!(snake_case("listbilljobs"), "listbilljobs");
        assert_eq!(snake_case("m3ter-billjob"), "m3ter_billjob");
        assert_eq!(snake_case("$filter"), "filter");
        assert_eq!(snake_case("filter[x]"), "filter_x");
        assert_eq!(snake_case("type"), "type_");
        assert_eq!(snake_case("HTTPServer"), "http_server");
        assert_eq!(snake_case("2fa"), "n_2fa");
        assert_eq!(snake_case("---"), "value");
    }

    #[test]
    fn names_collide_into_numbered_variants() {
        let mut n = Names::default();
        assert_eq!(n.claim(&snake_case("maxResults")), "max_results");
        assert_eq!(n.claim(&snake_case("MaxResults")), "max_results_2");
    }

    #[test]
    fn pascal_case_for_types() {
        assert_eq!(pascal_case("listbilljobs"), "Listbilljobs");
        assert_eq!(pascal_case("get-bill_job"), "GetBillJob");
    }
}
