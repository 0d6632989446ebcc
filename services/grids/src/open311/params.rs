//! Request parameters from a query string, a form-urlencoded body or a JSON
//! object body, as one list of `(name, value)` pairs. Hand-rolled because
//! the workspace's axum has no `form` feature; decoding never fails: bytes
//! that are not valid percent escapes are kept as they are.

use super::error::Open311Error;
use axum::http::{HeaderMap, header};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn from_query(raw: Option<&str>) -> Self {
        Self(raw.map(decode_pairs).unwrap_or_default())
    }

    /// The body as a form (`application/x-www-form-urlencoded`, also the
    /// default) or a JSON object (`application/json`).
    pub fn from_body(headers: &HeaderMap, body: &[u8]) -> Result<Self, Open311Error> {
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        if content_type.starts_with("application/json") {
            return from_json(body);
        }
        let text = std::str::from_utf8(body)
            .map_err(|_| Open311Error::bad_request("the form body is not UTF-8"))?;
        Ok(Self(decode_pairs(text)))
    }

    /// The first non-blank value of `name`, trimmed.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.trim())
            .find(|value| !value.is_empty())
    }

    pub fn merged(mut self, other: Params) -> Self {
        self.0.extend(other.0);
        self
    }
}

fn from_json(body: &[u8]) -> Result<Params, Open311Error> {
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|_| Open311Error::bad_request("the JSON body does not parse"))?;
    let serde_json::Value::Object(fields) = value else {
        return Err(Open311Error::bad_request("the JSON body must be an object"));
    };
    let pairs = fields
        .into_iter()
        .filter_map(|(key, value)| match value {
            serde_json::Value::String(text) => Some((key, text)),
            serde_json::Value::Number(number) => Some((key, number.to_string())),
            serde_json::Value::Bool(flag) => Some((key, flag.to_string())),
            _ => None,
        })
        .collect();
    Ok(Params(pairs))
}

fn decode_pairs(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(key), decode(value))
        })
        .collect()
}

fn hex(byte: u8) -> Option<u8> {
    char::from(byte)
        .to_digit(16)
        .and_then(|digit| u8::try_from(digit).ok())
}

fn decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(high), Some(low)) => {
                    out.push(high * 16 + low);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_decode_plus_and_percent_escapes() {
        let params = Params::from_query(Some("a=1+2&b=%E4%BA%95%2F&c=%zz&d"));
        assert_eq!(params.get("a"), Some("1 2"));
        assert_eq!(params.get("b"), Some("井/"));
        assert_eq!(params.get("c"), Some("%zz"));
        assert_eq!(params.get("d"), None);
        assert_eq!(Params::from_query(Some("e=%4")).get("e"), Some("%4"));
    }
}
