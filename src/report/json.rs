//! JSON output: an array of objects with the CSV's fields, one per line.

use std::io::Write;

use super::{ReportWriter, Row, output_error};
use crate::error::Result;

/// Writes rows as a JSON array of objects.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonWriter;

impl ReportWriter for JsonWriter {
    fn write_rows<R: Row>(&self, rows: &[R], out: &mut dyn Write) -> Result<()> {
        out.write_all(b"[").map_err(output_error)?;
        for (i, r) in rows.iter().enumerate() {
            out.write_all(if i == 0 { b"\n  " } else { b",\n  " })
                .map_err(output_error)?;
            serde_json::to_writer(&mut *out, r).map_err(|e| output_error(e.into()))?;
        }
        out.write_all(if rows.is_empty() { b"]\n" } else { b"\n]\n" })
            .map_err(output_error)
    }
}
