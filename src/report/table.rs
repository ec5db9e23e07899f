//! Aligned columns for reading in a terminal.

use std::io::Write;

use super::{ReportWriter, Row, output_error};
use crate::error::Result;

/// Writes rows as aligned columns under a header, numbers right-aligned.
#[derive(Debug, Clone, Copy, Default)]
pub struct TableWriter;

/// Terminal columns a string takes: wide (East Asian) characters take two.
fn width(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x0300..=0x036F | 0x200B..=0x200F | 0xFE00..=0xFE0F => 0,
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFF00..=0xFF60
            | 0x1F300..=0x1FAFF => 2,
            _ => 1,
        })
        .sum()
}

impl ReportWriter for TableWriter {
    fn write_rows<R: Row>(&self, rows: &[R], out: &mut dyn Write) -> Result<()> {
        let cells: Vec<Vec<String>> = rows.iter().map(Row::cells).collect();
        let mut widths: Vec<usize> = R::COLUMNS.iter().map(|c| width(c)).collect();
        for row in &cells {
            for (w, c) in widths.iter_mut().zip(row) {
                *w = (*w).max(width(c));
            }
        }
        let header: Vec<String> = R::COLUMNS.iter().map(|c| c.to_string()).collect();
        let mut line = String::new();
        for row in std::iter::once(&header).chain(&cells) {
            line.clear();
            for (i, (c, w)) in row.iter().zip(&widths).enumerate() {
                if i > 0 {
                    line.push_str("  ");
                }
                let pad = " ".repeat(w - width(c));
                if R::numeric(i) {
                    line.push_str(&pad);
                    line.push_str(c);
                } else {
                    line.push_str(c);
                    if i + 1 < row.len() {
                        line.push_str(&pad);
                    }
                }
            }
            line.push('\n');
            out.write_all(line.as_bytes()).map_err(output_error)?;
        }
        Ok(())
    }
}
