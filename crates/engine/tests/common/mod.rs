//! Helpers shared by the integration tests that compare reports with the
//! worked examples.

use engagement_engine::timestamp::Timestamp;
use serde_json::Value;

/// Differences between two JSON values, by path.
pub fn diff(path: &str, got: &Value, want: &Value, out: &mut Vec<String>) {
    match (got, want) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                diff(
                    &format!("{path}.{k}"),
                    a.get(k).unwrap_or(&Value::Null),
                    b.get(k).unwrap_or(&Value::Null),
                    out,
                );
            }
            let order_a: Vec<&String> = a.keys().collect();
            let order_b: Vec<&String> = b.keys().collect();
            if order_a != order_b && order_a.len() == order_b.len() {
                out.push(format!("{path}: key order {order_a:?} != {order_b:?}"));
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                out.push(format!("{path}: {} rows, expected {}", a.len(), b.len()));
            }
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                diff(&format!("{path}[{i}]"), x, y, out);
            }
        }
        (Value::Number(a), Value::Number(b))
            if (a.as_f64().unwrap() - b.as_f64().unwrap()).abs() > 0.0101 =>
        {
            out.push(format!("{path}: {a} != {b}"));
        }
        (Value::Number(_), Value::Number(_)) => {}
        (Value::String(a), Value::String(b)) if a != b => {
            match (Timestamp::parse(a), Timestamp::parse(b)) {
                (Ok(x), Ok(y)) if x == y => {}
                _ => out.push(format!("{path}: {a:?} != {b:?}")),
            }
        }
        _ if got != want => out.push(format!("{path}: {got} != {want}")),
        _ => {}
    }
}

/// The folder of a worked example under `tests/fixtures/`.
pub fn fixture(example: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(example)
}

/// Loads every file of a folder (sorted by name) as one bundle.
pub fn load_folder(dir: &std::path::Path) -> engagement_engine::load::Loaded {
    use engagement_engine::load::{Bundle, Limits};
    let mut bundle = Bundle::new(Limits::default());
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        bundle
            .add_bytes(&name, &std::fs::read(&path).unwrap())
            .unwrap();
    }
    bundle.finish().unwrap()
}
