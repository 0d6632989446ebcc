//! A small YAML writer for JSON values: block style, every string quoted
//! (JSON escapes are valid YAML) except multi-line text, which becomes a
//! literal block so embedded proto sources stay readable.

use serde_json::Value;

pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    write_block(&mut out, value, 0);
    out
}

fn write_block(out: &mut String, value: &Value, indent: usize) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                out.push_str(&format!("{pad}{}:", key_text(key)));
                write_after_key(out, item, indent);
            }
        }
        Value::Array(items) => {
            for item in items {
                out.push_str(&format!("{pad}-"));
                write_after_key(out, item, indent);
            }
        }
        scalar => {
            out.push_str(&pad);
            out.push_str(&scalar_text(scalar, indent));
            out.push('\n');
        }
    }
}

/// Writes what follows `key:` or `-`: an inline scalar or a nested block.
fn write_after_key(out: &mut String, item: &Value, indent: usize) {
    match item {
        Value::Object(map) if map.is_empty() => out.push_str(" {}\n"),
        Value::Array(items) if items.is_empty() => out.push_str(" []\n"),
        Value::Object(_) | Value::Array(_) => {
            out.push('\n');
            write_block(out, item, indent + 2);
        }
        scalar => {
            out.push(' ');
            out.push_str(&scalar_text(scalar, indent + 2));
            out.push('\n');
        }
    }
}

fn scalar_text(value: &Value, indent: usize) -> String {
    match value {
        Value::String(text) if text.contains('\n') => literal_block(text, indent),
        Value::String(text) => quoted(text),
        other => other.to_string(),
    }
}

/// `|` keeps one final newline, `|-` none; blank lines stay blank.
fn literal_block(text: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let indicator = if text.ends_with('\n') { "|" } else { "|-" };
    let mut block = String::from(indicator);
    for line in text.trim_end_matches('\n').split('\n') {
        block.push('\n');
        if !line.is_empty() {
            block.push_str(&pad);
            block.push_str(line);
        }
    }
    block
}

fn key_text(key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if plain { key.to_owned() } else { quoted(key) }
}

fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| format!("\"{}\"", text.escape_default()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn writes_block_yaml_with_literal_blocks() {
        let value = json!({
            "a": {"$ref": "#/x", "list": [1, {"b": "c"}], "empty": {}},
            "text": "line one\n  indented\n\nlast\n",
        });
        assert_eq!(
            to_yaml(&value),
            "a:\n  \"$ref\": \"#/x\"\n  empty: {}\n  list:\n    - 1\n    -\n      b: \"c\"\n\
             text: |\n  line one\n    indented\n\n  last\n"
        );
    }
}
