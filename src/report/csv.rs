//! CSV output, RFC 4180, with a header row.

use std::io::Write;

use super::{ReportWriter, Row, output_error};
use crate::error::{Error, ErrorKind, Result};

/// Writes rows as CSV with a header row.
#[derive(Debug, Clone, Copy, Default)]
pub struct CsvWriter;

impl ReportWriter for CsvWriter {
    fn write_rows<R: Row>(&self, rows: &[R], out: &mut dyn Write) -> Result<()> {
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(out);
        let map = |e: csv::Error| match e.into_kind() {
            csv::ErrorKind::Io(e) => output_error(e),
            other => Error::new(ErrorKind::Output(std::io::Error::other(format!(
                "{other:?}"
            )))),
        };
        w.write_record(R::COLUMNS).map_err(map)?;
        for r in rows {
            w.write_record(r.cells()).map_err(map)?;
        }
        w.flush().map_err(output_error)
    }
}
