//! Variables of binds with a `location`: read from a JSON or YAML file when the client (or the
//! adapter) that needs them is built.
//!
//! The generated code holds the file's path and the key of each variable, never a value. A
//! variable's value comes from, in order:
//! 1. [`Builder::var`](super::Builder::var) with the variable's name (`REGISTRY_TOKEN`);
//! 2. the function given to [`Builder::env_source`](super::Builder::env_source), asked for the
//!    variable's name (the process environment is not consulted for a file-bound variable);
//! 3. its key in its file. A file that is missing or does not parse, a missing key, an empty
//!    value or one that is not text (a list, a mapping, `null`) is a [`ConfigError`] naming the
//!    file and the key, never a value.

use super::error::ConfigError;
use serde_json::Value;
use std::collections::HashMap;

/// A variable read from a bind file, as generated code declares it: `var` is read from `key`
/// of the file at `path` (absolute).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BindFile {
    pub var: &'static str,
    pub path: &'static str,
    pub key: &'static str,
}

impl BindFile {
    /// This variable's value, read from its file now. For adapters that need one (an inbound
    /// token); clients read theirs through [`Builder`](super::Builder).
    pub fn read(&self) -> Result<String, ConfigError> {
        lookup(self, &read_file(self.path)?)
    }

    /// The values of `binds` by variable name, each file read once: what an adapter reads at
    /// start-up (its inbound secrets), where a client reads its own through
    /// [`Builder`](super::Builder).
    pub fn read_all(binds: &[BindFile]) -> Result<HashMap<&'static str, String>, ConfigError> {
        let mut vars = HashMap::new();
        read_bind_files(binds, &mut vars, None)?;
        Ok(binds
            .iter()
            .filter_map(|b| vars.remove(b.var).map(|v| (b.var, v)))
            .collect())
    }
}

/// The top-level mapping of the bind file at `path`: JSON if its name ends in `.json`, YAML
/// (of which JSON is a subset) otherwise. Errors name the file and the position, never text
/// from it.
pub(crate) fn read_file(path: &str) -> Result<serde_json::Map<String, Value>, ConfigError> {
    let fail = |reason: String| ConfigError::BindFile {
        path: path.to_string(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
    let value = if path.to_ascii_lowercase().ends_with(".json") {
        serde_json::from_str::<Value>(&text).map_err(|e| {
            fail(format!(
                "not valid JSON (line {}, column {})",
                e.line(),
                e.column()
            ))
        })?
    } else {
        crate::convert::yaml(&text).map_err(|e| fail(format!("not valid YAML: {e}")))?
    };
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(fail(
            "expected a mapping of keys to values at its root".into(),
        )),
    }
}

/// The value of `bind` in its file's mapping `map`: text as it is, a number or a boolean as
/// written.
fn lookup(bind: &BindFile, map: &serde_json::Map<String, Value>) -> Result<String, ConfigError> {
    let fail = |reason: &'static str| ConfigError::BindKey {
        path: bind.path.to_string(),
        key: bind.key.to_string(),
        var: bind.var.to_string(),
        reason,
    };
    match map.get(bind.key) {
        None => Err(fail("is missing")),
        Some(Value::String(s)) if s.is_empty() => Err(fail("is empty")),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(v @ (Value::Number(_) | Value::Bool(_))) => Ok(v.to_string()),
        Some(_) => Err(fail("is not a text value")),
    }
}

/// A user-given source of variables ([`Builder::env_source`](super::Builder::env_source)).
type EnvFn = dyn Fn(&str) -> Option<String> + Send + Sync;

/// Puts the value of each of `binds` that `vars` lacks into `vars`: from `custom_env` (a
/// user-given source) if it has one, else from its file. Each file is read once.
pub(super) fn read_bind_files(
    binds: &[BindFile],
    vars: &mut HashMap<String, String>,
    custom_env: Option<&EnvFn>,
) -> Result<(), ConfigError> {
    let mut files: HashMap<&str, serde_json::Map<String, Value>> = HashMap::new();
    for bind in binds {
        if vars.contains_key(bind.var) {
            continue;
        }
        if let Some(v) = custom_env.and_then(|env| env(bind.var)) {
            vars.insert(bind.var.to_string(), v);
            continue;
        }
        let map = match files.entry(bind.path) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(read_file(bind.path)?),
        };
        vars.insert(bind.var.to_string(), lookup(bind, map)?);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str, text: &str) -> &'static str {
        let dir = std::env::temp_dir().join(format!("naftiko-bind-file-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        Box::leak(path.to_string_lossy().into_owned().into_boxed_str())
    }

    fn bind(path: &'static str, key: &'static str) -> BindFile {
        BindFile {
            var: "TOKEN",
            path,
            key,
        }
    }

    #[test]
    fn reads_yaml_and_json_values_as_text() {
        let yaml = temp("s.yaml", "token: \"s3cret\"\nversion: 2\nflag: true\n");
        assert_eq!(bind(yaml, "token").read().unwrap(), "s3cret");
        assert_eq!(bind(yaml, "version").read().unwrap(), "2");
        assert_eq!(bind(yaml, "flag").read().unwrap(), "true");
        let json = temp("s.json", r#"{"token": "j"}"#);
        assert_eq!(bind(json, "token").read().unwrap(), "j");
    }

    #[test]
    fn a_missing_key_names_the_file_and_the_key_not_the_values() {
        let path = temp("k.yaml", "other: hunter2\n");
        let e = bind(path, "token").read().unwrap_err().to_string();
        assert!(
            e.contains(path) && e.contains("`token`") && e.contains("TOKEN"),
            "{e}"
        );
        assert!(!e.contains("hunter2"), "{e}");
        let empty = temp("e.yaml", "token: ''\nlist: [a]\n");
        assert!(
            bind(empty, "token")
                .read()
                .unwrap_err()
                .to_string()
                .contains("is empty")
        );
        assert!(
            bind(empty, "list")
                .read()
                .unwrap_err()
                .to_string()
                .contains("not a text value")
        );
    }

    #[test]
    fn a_missing_or_broken_file_is_named_without_its_text() {
        let e = bind("/nonexistent/naftiko/secrets.yaml", "k")
            .read()
            .unwrap_err();
        assert!(
            matches!(&e, ConfigError::BindFile { path, .. } if path == "/nonexistent/naftiko/secrets.yaml"),
            "{e}"
        );
        let bad = temp("bad.json", "{\"token\": hunter2}");
        let e = bind(bad, "token").read().unwrap_err().to_string();
        assert!(
            e.contains("not valid JSON") && !e.contains("hunter2"),
            "{e}"
        );
        let list = temp("list.yaml", "- hunter2\n");
        let e = bind(list, "token").read().unwrap_err().to_string();
        assert!(e.contains("mapping") && !e.contains("hunter2"), "{e}");
    }

    #[test]
    fn read_all_gives_every_value_by_variable() {
        let path = temp("all.yaml", "a: 1\nb: two\n");
        let binds = [
            BindFile {
                var: "A",
                path,
                key: "a",
            },
            BindFile {
                var: "B",
                path,
                key: "b",
            },
        ];
        let all = BindFile::read_all(&binds).unwrap();
        assert_eq!((all["A"].as_str(), all["B"].as_str()), ("1", "two"));
        assert!(
            BindFile::read_all(&[BindFile {
                var: "C",
                path,
                key: "c"
            }])
            .is_err()
        );
    }

    #[test]
    fn given_values_come_first_then_the_user_source_then_the_file() {
        let path = temp("p.yaml", "a: from-file\nb: b-file\n");
        let binds = [
            BindFile {
                var: "A",
                path,
                key: "a",
            },
            BindFile {
                var: "B",
                path,
                key: "b",
            },
        ];
        let mut vars = HashMap::from([("A".to_string(), "given".to_string())]);
        read_bind_files(&binds, &mut vars, None).unwrap();
        assert_eq!(vars["A"], "given");
        assert_eq!(vars["B"], "b-file");
        let env = |name: &str| (name == "B").then(|| "from-source".to_string());
        let mut vars = HashMap::new();
        read_bind_files(&binds, &mut vars, Some(&env)).unwrap();
        assert_eq!(vars["A"], "from-file");
        assert_eq!(vars["B"], "from-source");
        // A variable given directly needs no file.
        let missing = [BindFile {
            var: "A",
            path: "/nonexistent/naftiko/p.yaml",
            key: "a",
        }];
        let mut vars = HashMap::from([("A".to_string(), "given".to_string())]);
        assert!(read_bind_files(&missing, &mut vars, None).is_ok());
    }
}
