//! The metadata fields of an Enterprise record that say which page and version it is, read from its JSON
//! without decoding the rest. The worker that cuts a dump into batches notes every record's page and version
//! while the other workers wait for it; decoding each record whole (half a megabyte of HTML on average) was
//! two fifths of that worker's time.
//!
//! Only strict JSON objects are read here, and a field that is not of the expected shape, or that appears
//! twice, gives None: Python then decodes the record whole as before (transforms/enterprise/reader.py), so
//! what this reads is always what the full decoding would have given.

use std::fmt;

use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde::de::{Deserializer, Error, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

/// The fields read, by name; `html` is whether article_body.html is there and is a string.
#[derive(Default)]
struct Fields {
    scalars: Vec<(String, Value)>,
    html: Option<bool>,
}

const SCALARS: [&str; 6] = ["identifier", "name", "date_modified", "version", "namespace", "is_part_of"];

/// A JSON object's entries, one at a time; serde's derived structs would also take an array.
fn each_entry<'de, A: MapAccess<'de>>(map: &mut A, mut entry: impl FnMut(&str, &mut A) -> Result<(), A::Error>)
                                      -> Result<(), A::Error> {
    let mut seen: Vec<String> = Vec::new();
    while let Some(key) = map.next_key::<String>()? {
        if seen.contains(&key) {
            return Err(A::Error::custom("a field given twice"));
        }
        entry(&key, map)?;
        seen.push(key);
    }
    Ok(())
}

struct RecordVisitor;

impl<'de> Visitor<'de> for RecordVisitor {
    type Value = Fields;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
        let mut fields = Fields::default();
        each_entry(&mut map, |key, map| {
            if SCALARS.contains(&key) {
                fields.scalars.push((key.to_string(), map.next_value::<Value>()?));
            } else if key == "article_body" {
                fields.html = map.next_value::<Body>()?.0;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
            Ok(())
        })?;
        Ok(fields)
    }
}

/// article_body: whether its html is a string (None without one); its text is skipped, not decoded.
struct Body(Option<bool>);

impl<'de> Deserialize<'de> for Body {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Body, D::Error> {
        deserializer.deserialize_map(BodyVisitor)
    }
}

struct BodyVisitor;

impl<'de> Visitor<'de> for BodyVisitor {
    type Value = Body;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Body, A::Error> {
        let mut html = None;
        each_entry(&mut map, |key, map| {
            if key == "html" {
                html = Some(map.next_value::<&RawValue>()?.get().starts_with('"'));
            } else {
                map.next_value::<IgnoredAny>()?;
            }
            Ok(())
        })?;
        Ok(Body(html))
    }
}

/// A number or string as Python has it; None for any other value (never a usable one of these fields).
fn scalar<'py>(py: Python<'py>, value: &Value) -> PyResult<Option<Bound<'py, PyAny>>> {
    Ok(match value {
        Value::Number(number) => match (number.as_i64(), number.as_u64()) {
            (Some(integer), _) => Some(integer.into_pyobject(py)?.into_any()),
            (None, Some(integer)) => Some(integer.into_pyobject(py)?.into_any()),
            _ => None, // a float, or an integer beyond 64 bits (which serde_json reads as a float)
        },
        Value::String(text) => Some(text.into_pyobject(py)?.into_any()),
        _ => None,
    })
}

/// The record's identifier, name, date_modified, version.identifier, namespace.identifier,
/// is_part_of.identifier and article_body.html (as "" when it is a string: the checks only ask whether it
/// is one) in a dict shaped as the record's; None where the full decoding must decide.
#[pyfunction]
pub fn record_fields<'py>(py: Python<'py>, data: &[u8]) -> PyResult<Option<Bound<'py, PyDict>>> {
    // Without the GIL: the worker's other thread decompresses the dump, and needs it between its chunks.
    let read = py.allow_threads(|| {
        let text = std::str::from_utf8(data).ok()?;
        let mut reader = serde_json::Deserializer::from_str(text);
        let fields = reader.deserialize_map(RecordVisitor).ok()?;
        reader.end().ok().map(|_| fields)
    });
    let Some(read) = read else { return Ok(None) };
    let record = PyDict::new(py);
    for (name, value) in &read.scalars {
        if matches!(name.as_str(), "version" | "namespace" | "is_part_of") {
            let Value::Object(part) = value else { return Ok(None) };
            let Some(identifier) = part.get("identifier") else { continue };
            let Some(identifier) = scalar(py, identifier)? else { return Ok(None) };
            let inner = PyDict::new(py);
            inner.set_item("identifier", identifier)?;
            record.set_item(name, inner)?;
        } else {
            let Some(value) = scalar(py, value)? else { return Ok(None) };
            record.set_item(name, value)?;
        }
    }
    match read.html {
        Some(true) => {
            let body = PyDict::new(py);
            body.set_item("html", "")?;
            record.set_item("article_body", body)?;
        }
        Some(false) => return Ok(None),
        None => {}
    }
    Ok(Some(record))
}
