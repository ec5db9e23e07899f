//! CSV output, RFC 4180, with a header row.

use std::io::Write;

use super::{ReportWriter, Row, csv_error, output_error};
use crate::error::Result;

/// Writes rows as CSV with a header row.
#[derive(Debug, Clone, Copy, Default)]
pub struct CsvWriter;

impl ReportWriter for CsvWriter {
    fn write_rows<R: Row>(&self, rows: &[R], out: &mut dyn Write) -> Result<()> {
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(out);
        w.write_record(R::COLUMNS).map_err(csv_error)?;
        for r in rows {
            r.write_csv(&mut w).map_err(csv_error)?;
        }
        w.flush().map_err(output_error)
    }
}
