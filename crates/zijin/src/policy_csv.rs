//! The engine-neutral enterprise CSV (`id`, `registration_date`,
//! `<variable>_<year>` …, the layout of the OpenFisca benchmark's
//! `gen_enterprises.py`), read straight into the policy engine's column
//! frames, and the results CSV written from its column results.
//!
//! The file is read whole, then cut into pieces at line ends (when no field
//! is quoted, a line end always ends a record; a file with quotes is one
//! piece), and each piece is parsed, evaluated and formatted on its own
//! core. Errors name the file, the line and the column, and the first error
//! in the file's order is the one reported.

use std::collections::BTreeSet;
use std::io::{Read, Seek};
use std::ops::Range;
use std::path::Path;
use std::str::FromStr;

use anyhow::{Result, anyhow, bail};
use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use zijin_policy::Type;
use zijin_policy::check::PeriodKind;
use zijin_policy::columns::{Column, ColumnData, Frame, Ids, MAX_FIXED_SCALE, Results};
use zijin_policy::eval::{Enterprise, Status};
use zijin_policy::pack::{Pack, Variable};
use zijin_policy::value::Value;

/// Bytes per piece: enough rows (~4,500 of the benchmark's) to make a
/// column loop worth it, and small enough that a piece's columns stay below
/// the allocator's threshold for mapping memory of its own, so that each
/// piece reuses the memory of the one before (2 MB pieces spent a tenth of
/// the run in page faults).
const PIECE: usize = 1 << 19;

/// A CSV of enterprises, read and checked against a pack's variables.
pub struct Input {
    pub file: String,
    path: std::path::PathBuf,
    bytes: Vec<u8>,
    header: Vec<String>,
    body: usize,
    /// No quote in the body: records are lines, fields are split at commas.
    plain: bool,
    id: usize,
    fields: Vec<Field>,
}

struct Field {
    index: usize,
    variable: String,
    /// `None` for a variable given once.
    year: Option<i32>,
    ty: Type,
}

impl Input {
    /// Reads `path` and checks its header against `pack`: an `id` column,
    /// then only variables of the pack (once by name, yearly as
    /// `<variable>_<year>`), each once.
    pub fn read(pack: &Pack, path: &Path) -> Result<Input> {
        let file = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|error| anyhow!("cannot read {file}: {error}"))?;
        let mut input = Input::header(pack, path, file, &bytes[..])?;
        input.plain = !bytes[input.body.min(bytes.len())..].contains(&b'"');
        input.bytes = bytes;
        Ok(input)
    }

    /// Reads only the header of `path` (checked as [`Input::read`] checks
    /// it), for [`Input::stream`].
    pub fn open(pack: &Pack, path: &Path) -> Result<Input> {
        let file = path.display().to_string();
        let reader =
            std::fs::File::open(path).map_err(|error| anyhow!("cannot read {file}: {error}"))?;
        Input::header(pack, path, file, reader)
    }

    /// The header read from `reader` and checked against `pack`.
    fn header(pack: &Pack, path: &Path, file: String, reader: impl Read) -> Result<Input> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(reader);
        let header: Vec<String> = reader
            .headers()
            .map_err(|error| anyhow!("{file}: cannot read the header: {error}"))?
            .iter()
            .map(str::to_owned)
            .collect();
        let body = usize::try_from(reader.position().byte()).unwrap_or(usize::MAX);
        let Some(id) = header.iter().position(|name| name == "id") else {
            bail!("{file}: line 1: no column “id”");
        };
        let mut seen = BTreeSet::new();
        let mut fields = Vec::new();
        let mut unknown = Vec::new();
        for (index, name) in header.iter().enumerate() {
            if !seen.insert(name.as_str()) {
                bail!("{file}: line 1: column “{name}” appears twice");
            }
            if index == id {
                continue;
            }
            match split_column(pack, name) {
                Some((variable, year)) => fields.push(Field {
                    index,
                    variable: variable.name.clone(),
                    year,
                    ty: variable.ty,
                }),
                None => unknown.push(name.as_str()),
            }
        }
        if !unknown.is_empty() {
            let variables: Vec<String> = pack
                .variables
                .values()
                .map(|variable| match variable.period {
                    PeriodKind::Once => variable.name.clone(),
                    PeriodKind::Year => format!("{}_<year>", variable.name),
                })
                .collect();
            bail!(
                "{file}: line 1: column(s) {} name no variable of the pack {}; its variables: {}",
                unknown
                    .iter()
                    .map(|name| format!("“{name}”"))
                    .collect::<Vec<_>>()
                    .join(", "),
                pack.info.id,
                variables.join(", ")
            );
        }
        Ok(Input {
            file,
            path: path.to_owned(),
            bytes: Vec::new(),
            header,
            body,
            plain: true,
            id,
            fields,
        })
    }

    /// Reads the body of the file in pieces of whole records (about
    /// [`PIECE`] bytes each, cut at line ends), in order, into buffers from
    /// `buffer` (to reuse them), and hands each to `each` while it returns
    /// true. Memory stays a few pieces whatever the file's size; the caller
    /// works on one piece while the next is read. A piece may hold a quote:
    /// its records are then not its lines ([`Input::chunk_frame`] says so).
    pub fn stream(
        &self,
        mut buffer: impl FnMut() -> Vec<u8>,
        mut each: impl FnMut(Chunk) -> bool,
    ) -> Result<()> {
        let fail = |error: std::io::Error| anyhow!("cannot read {}: {error}", self.file);
        let mut file = std::fs::File::open(&self.path).map_err(fail)?;
        let mut offset = u64::try_from(self.body).unwrap_or(u64::MAX);
        file.seek(std::io::SeekFrom::Start(offset)).map_err(fail)?;
        let mut carry: Vec<u8> = Vec::new();
        let mut index = 0;
        loop {
            let mut bytes = buffer();
            bytes.clear();
            bytes.reserve(PIECE + (1 << 16));
            bytes.append(&mut carry);
            let want = PIECE.saturating_sub(bytes.len()).max(1 << 16) as u64;
            let got = (&mut file)
                .take(want)
                .read_to_end(&mut bytes)
                .map_err(fail)?;
            let cut = if got == 0 {
                bytes.len()
            } else {
                match bytes.iter().rposition(|&byte| byte == b'\n') {
                    Some(last) => last + 1,
                    // A line longer than a piece: read on.
                    None => {
                        carry = bytes;
                        continue;
                    }
                }
            };
            carry.extend_from_slice(&bytes[cut..]);
            bytes.truncate(cut);
            if bytes.is_empty() {
                return Ok(());
            }
            let length = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
            if !each(Chunk {
                index,
                bytes,
                offset,
            }) {
                return Ok(());
            }
            offset += length;
            index += 1;
        }
    }

    /// The body cut into pieces that each hold whole records.
    pub fn pieces(&self) -> Vec<Range<usize>> {
        let end = self.bytes.len();
        if self.body >= end {
            return Vec::new();
        }
        if !self.plain {
            return std::iter::once(self.body..end).collect();
        }
        let mut pieces = Vec::new();
        let mut start = self.body;
        while start < end {
            let mut stop = (start + PIECE).min(end);
            if stop < end {
                stop = match self.bytes[stop..].iter().position(|&byte| byte == b'\n') {
                    Some(offset) => stop + offset + 1,
                    None => end,
                };
            }
            pieces.push(start..stop);
            start = stop;
        }
        pieces
    }

    /// The lines of the file before a piece.
    fn before(&self, before: Before) -> u64 {
        match before {
            Before::Offset(start) => newlines(&self.bytes[..start]),
            // Read again, only for a message.
            Before::FileOffset(start) => std::fs::File::open(&self.path)
                .and_then(|file| {
                    let mut prefix = Vec::new();
                    file.take(start).read_to_end(&mut prefix)?;
                    Ok(newlines(&prefix))
                })
                .unwrap_or(0),
        }
    }

    /// The line of `row` of a piece's frame.
    pub fn line_of(&self, lines: &Lines, row: usize) -> u64 {
        self.before(lines.before) + lines.local[row]
    }

    /// The records of one piece of the file read whole as a frame, with
    /// where each row is.
    pub fn frame(&self, piece: &Range<usize>) -> Result<(Frame, Lines)> {
        self.parse(
            &self.bytes[piece.clone()],
            self.plain,
            Before::Offset(piece.start),
        )?
        .ok_or_else(|| anyhow!("{}: a quote in a file without quotes", self.file))
    }

    /// The records of a streamed piece as a frame; `None` when the piece
    /// holds a quote (a quoted field may hold a line end, so its records
    /// are not its lines: the file must be read whole).
    pub fn chunk_frame(&self, chunk: &Chunk) -> Result<Option<(Frame, Lines)>> {
        self.parse(&chunk.bytes, true, Before::FileOffset(chunk.offset))
    }

    /// `None` when `plain` and the bytes hold a quote after all.
    fn parse(&self, bytes: &[u8], plain: bool, before: Before) -> Result<Option<(Frame, Lines)>> {
        if plain {
            match self.scan(bytes) {
                Ok(rows) => return self.finish(rows, before).map(Some),
                Err(Unusual::Quote) => return Ok(None),
                Err(Unusual::Other) if bytes.contains(&b'"') => return Ok(None),
                Err(Unusual::Other) => {}
            }
        }
        let mut rows = Rows {
            ids: Ids::default(),
            lines: Vec::new(),
            builders: self.fields.iter().map(|f| Builder::new(f.ty)).collect(),
        };
        let mut cells: Vec<&[u8]> = Vec::with_capacity(self.header.len());
        if plain {
            // No quotes anywhere: a line is a record, a comma ends a field.
            for (index, line) in bytes.split(|&byte| byte == b'\n').enumerate() {
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                if line.is_empty() {
                    continue;
                }
                let local = u64::try_from(index + 1).unwrap_or(u64::MAX);
                cells.clear();
                cells.extend(line.split(|&byte| byte == b','));
                if let Err(error) = self.row(before, local, &cells, &mut rows) {
                    return Err(self.unreadable(rows, before, error));
                }
            }
        } else {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(bytes);
            let mut record = csv::ByteRecord::new();
            loop {
                match reader.read_byte_record(&mut record) {
                    Ok(true) => {}
                    Ok(false) => break,
                    Err(error) => {
                        let line = error
                            .position()
                            .map_or(0, |position| self.before(before) + position.line());
                        let error = anyhow!("{}:{line}: cannot read the row: {error}", self.file);
                        return Err(self.unreadable(rows, before, error));
                    }
                }
                let local = record.position().map_or(0, csv::Position::line);
                let cells: Vec<&[u8]> = record.iter().collect();
                if let Err(error) = self.row(before, local, &cells, &mut rows) {
                    return Err(self.unreadable(rows, before, error));
                }
            }
        }
        self.finish(rows, before).map(Some)
    }

    /// The records of a plain piece in one pass over its bytes, each number
    /// read as it is scanned. `None` at anything unusual (a record whose
    /// field count is not the header's, a cell that does not parse): the
    /// piece is then read line by line, which says what is wrong where.
    fn scan(&self, bytes: &[u8]) -> std::result::Result<Rows, Unusual> {
        // What each column of the header feeds: the id (`None`) or a field.
        let slots: Vec<Option<(usize, Type)>> = (0..self.header.len())
            .map(|column| {
                self.fields
                    .iter()
                    .position(|field| field.index == column)
                    .map(|k| (k, self.fields[k].ty))
            })
            .collect();
        let last = slots.len() - 1;
        // About 100 bytes a record: room without reallocating, mostly.
        let estimate = bytes.len() / 100 + 16;
        let mut rows = Rows {
            ids: Ids::with_capacity(estimate, estimate * 12),
            lines: Vec::with_capacity(estimate),
            builders: self
                .fields
                .iter()
                .map(|f| Builder::with_capacity(f.ty, estimate))
                .collect(),
        };
        let end = bytes.len();
        let mut pos = 0;
        let mut line = 0u64;
        while pos < end {
            line += 1;
            // A blank line (the line reader skips it too).
            match bytes[pos] {
                b'\n' => {
                    pos += 1;
                    continue;
                }
                b'\r' if bytes.get(pos + 1).is_none_or(|&next| next == b'\n') => {
                    pos += 2;
                    continue;
                }
                _ => {}
            }
            for (column, slot) in slots.iter().enumerate() {
                let number = match slot {
                    Some((k, ty))
                        if *ty != Type::Bool && *ty != Type::Date && *ty != Type::Text =>
                    {
                        scan_number(bytes, pos, *ty).filter(|(mantissa, scale, _)| {
                            rows.builders[*k].push_fixed(*mantissa, *scale)
                        })
                    }
                    _ => None,
                };
                if let Some((_, _, stop)) = number {
                    pos = stop;
                } else {
                    let stop = bytes[pos..]
                        .iter()
                        .position(|&byte| byte == b',' || byte == b'\n')
                        .map_or(end, |offset| pos + offset);
                    let mut cell = &bytes[pos..stop];
                    if column == last {
                        cell = cell.strip_suffix(b"\r").unwrap_or(cell);
                    }
                    // Every byte that is not part of a plain number is in
                    // such a cell: here the quotes are seen.
                    if cell.contains(&b'"') {
                        return Err(Unusual::Quote);
                    }
                    match slot {
                        None => {
                            let id = std::str::from_utf8(cell)
                                .map_err(|_| Unusual::Other)?
                                .trim();
                            if id.is_empty() {
                                return Err(Unusual::Other);
                            }
                            rows.ids.push(id);
                        }
                        Some((k, ty)) => rows.builders[*k]
                            .push(cell, *ty)
                            .map_err(|_| Unusual::Other)?,
                    }
                    pos = stop;
                }
                // The separator: a comma between fields, a line end after
                // the last.
                if column < last {
                    if bytes.get(pos) != Some(&b',') {
                        return Err(Unusual::Other);
                    }
                    pos += 1;
                } else {
                    if bytes.get(pos) == Some(&b'\r') {
                        pos += 1;
                    }
                    match bytes.get(pos) {
                        None => {}
                        Some(b'\n') => pos += 1,
                        Some(_) => return Err(Unusual::Other),
                    }
                }
            }
            rows.lines.push(line);
        }
        Ok(rows)
    }

    /// A row that cannot be read, with the rows of the piece before it (an
    /// enterprise there whose evaluation fails comes first in the file).
    fn unreadable(&self, mut rows: Rows, before: Before, error: anyhow::Error) -> anyhow::Error {
        // The row's fields read before the one that failed.
        let complete = rows.ids.len();
        for builder in &mut rows.builders {
            builder.truncate(complete);
        }
        match self.finish(rows, before) {
            Ok((frame, lines)) => Unreadable {
                error,
                frame,
                lines,
            }
            .into(),
            Err(_) => error,
        }
    }

    /// The frame of the rows read from a piece.
    fn finish(&self, rows: Rows, before: Before) -> Result<(Frame, Lines)> {
        let Rows {
            ids,
            lines,
            builders,
            ..
        } = rows;
        let mut frame = Frame::new(ids);
        for (field, builder) in self.fields.iter().zip(builders) {
            let (data, present) = builder.finish();
            frame
                .insert(&field.variable, field.year, Column::new(data, &present))
                .map_err(|error| anyhow!("{}: {error}", self.file))?;
        }
        Ok((
            frame,
            Lines {
                before,
                local: lines,
            },
        ))
    }

    /// Reads one record (its fields) into `rows`.
    fn row(&self, before: Before, local: u64, cells: &[&[u8]], rows: &mut Rows) -> Result<()> {
        let line = || self.before(before) + local;
        if cells.len() != self.header.len() {
            bail!(
                "{}:{}: {} field(s), the header has {}",
                self.file,
                line(),
                cells.len(),
                self.header.len()
            );
        }
        let id = std::str::from_utf8(cells[self.id])
            .map_err(|_| anyhow!("{}:{}: column “id”: not UTF-8", self.file, line()))?
            .trim();
        if id.is_empty() {
            bail!("{}:{}: column “id”: empty", self.file, line());
        }
        for (field, builder) in self.fields.iter().zip(&mut rows.builders) {
            let cell = cells[field.index];
            builder.push(cell, field.ty).map_err(|problem| {
                anyhow!(
                    "{}:{}: column “{}”: “{}” {problem}",
                    self.file,
                    line(),
                    self.header[field.index],
                    String::from_utf8_lossy(cell).trim()
                )
            })?;
        }
        // Counted only when whole (see `unreadable`).
        rows.ids.push(id);
        rows.lines.push(local);
        Ok(())
    }

    /// The enterprise `id` as the row engine takes it (for explanations):
    /// the file is read as for a batch, then the row becomes an enterprise.
    pub fn enterprise(&self, pack: &Pack, id: &str) -> Result<Enterprise> {
        for piece in self.pieces() {
            let (frame, _) = self.frame(&piece)?;
            if let Some(row) = frame.ids().iter().position(|each| each == id) {
                return Ok(frame.enterprise(pack, row));
            }
        }
        bail!("{}: no enterprise with id “{id}”", self.file)
    }
}

/// The rows of a piece being read.
struct Rows {
    ids: Ids,
    lines: Vec<u64>,
    builders: Vec<Builder>,
}

/// Where the rows of a piece's frame are: the lines within the piece
/// (turned into lines of the file only for a message, by
/// [`Input::line_of`]).
#[derive(Debug)]
pub struct Lines {
    before: Before,
    local: Vec<u64>,
}

/// A row of a piece that cannot be read, and the frame of the rows before
/// it in that piece: an enterprise there whose evaluation fails is the
/// first error in the file (see [`Unreadable::first`]).
#[derive(Debug)]
pub struct Unreadable {
    pub error: anyhow::Error,
    pub frame: Frame,
    pub lines: Lines,
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for Unreadable {}

/// Where a piece starts: in the file read whole, or in the file on disk
/// (a streamed piece). The lines before it are counted only for a message.
#[derive(Debug, Clone, Copy)]
enum Before {
    Offset(usize),
    FileOffset(u64),
}

/// Why a piece is not read in one pass.
enum Unusual {
    /// A quote: records may span lines.
    Quote,
    /// Anything else: the line-by-line reader says what and where.
    Other,
}

/// A streamed piece of the file: whole records, and where they start.
pub struct Chunk {
    pub index: usize,
    pub bytes: Vec<u8>,
    offset: u64,
}

fn newlines(bytes: &[u8]) -> u64 {
    u64::try_from(bytes.iter().filter(|&&byte| byte == b'\n').count()).unwrap_or(u64::MAX)
}

/// `revenue_2023` → (revenue, 2023); `registration_date` → (registration_date,
/// once). The pack's variable names decide the split (they may contain `_`).
fn split_column<'a>(pack: &'a Pack, name: &str) -> Option<(&'a Variable, Option<i32>)> {
    if let Some(variable) = pack.variables.get(name)
        && variable.period == PeriodKind::Once
    {
        return Some((variable, None));
    }
    let (variable, year) = name.rsplit_once('_')?;
    if year.len() != 4 || !year.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let variable = pack.variables.get(variable)?;
    if variable.period != PeriodKind::Year {
        return None;
    }
    Some((variable, Some(year.parse().ok()?)))
}

/// One column being read.
struct Builder {
    data: Data,
    present: Vec<bool>,
}

/// The values of a column being read: numbers stay 64-bit mantissas of one
/// scale as long as every cell allows it (what the engine's integer kernels
/// read), and become decimals at the first that does not.
enum Data {
    Fixed(Vec<i64>, Option<u32>),
    Other(ColumnData),
}

impl Builder {
    fn new(ty: Type) -> Builder {
        Builder::with_capacity(ty, 0)
    }

    fn with_capacity(ty: Type, capacity: usize) -> Builder {
        let data = match ty {
            Type::Bool => Data::Other(ColumnData::Bool(Vec::with_capacity(capacity))),
            Type::Date => Data::Other(ColumnData::Date(Vec::with_capacity(capacity))),
            Type::Text => Data::Other(ColumnData::Text(Vec::with_capacity(capacity))),
            _ => Data::Fixed(Vec::with_capacity(capacity), None),
        };
        Builder {
            data,
            present: Vec::with_capacity(capacity),
        }
    }

    /// Appends a number already read as a mantissa and scale, if the column
    /// is still fixed at that scale; false (nothing appended) otherwise.
    #[inline]
    fn push_fixed(&mut self, mantissa: i64, s: u32) -> bool {
        match &mut self.data {
            Data::Fixed(values, scale) if scale.is_none_or(|scale| scale == s) => {
                *scale = Some(s);
                values.push(mantissa);
                self.present.push(true);
                true
            }
            _ => false,
        }
    }

    /// Parses and appends one cell; an empty cell is a missing value, never
    /// zero. Plain ASCII numbers are read from the bytes; anything else
    /// goes through the general parsers.
    fn push(&mut self, cell: &[u8], ty: Type) -> std::result::Result<(), String> {
        if let Data::Fixed(values, scale) = &mut self.data
            && let Some((mantissa, s)) = plain_number(cell.trim_ascii(), ty)
            && scale.is_none_or(|scale| scale == s)
        {
            *scale = Some(s);
            values.push(mantissa);
            self.present.push(true);
            return Ok(());
        }
        let text = std::str::from_utf8(cell)
            .map_err(|_| "is not UTF-8 text".to_owned())?
            .trim();
        let present = !text.is_empty();
        if let Data::Fixed(values, scale) = &mut self.data {
            if !present {
                values.push(0);
                self.present.push(false);
                return Ok(());
            }
            let number = number(text, ty)?;
            let fits = (number.scale() <= MAX_FIXED_SCALE
                && scale.is_none_or(|scale| scale == number.scale()))
            .then(|| i64::try_from(number.mantissa()).ok())
            .flatten();
            if let Some(mantissa) = fits
                && !(number.is_zero() && number.is_sign_negative())
            {
                *scale = Some(number.scale());
                values.push(mantissa);
                self.present.push(true);
                return Ok(());
            }
            // From here on, decimals.
            let scale = scale.unwrap_or(0);
            let decimals = values
                .iter()
                .map(|&mantissa| Decimal::new(mantissa, scale))
                .collect();
            self.data = Data::Other(ColumnData::Number(decimals));
        }
        let Data::Other(data) = &mut self.data else {
            unreachable!("numbers left the fixed form above")
        };
        match data {
            ColumnData::Number(values) => values.push(if present {
                number(text, ty)?
            } else {
                Decimal::ZERO
            }),
            ColumnData::Fixed(values, _) => values.push(0),
            ColumnData::Bool(values) => values.push(present && boolean(text)?),
            ColumnData::Date(values) => {
                values.push(if present { date(text)? } else { NaiveDate::MIN })
            }
            ColumnData::Text(values) => values.push(text.to_owned()),
        }
        self.present.push(present);
        Ok(())
    }

    /// Keeps the first `rows` values (drops a row read in part).
    fn truncate(&mut self, rows: usize) {
        match &mut self.data {
            Data::Fixed(values, _) => values.truncate(rows),
            Data::Other(ColumnData::Number(values)) => values.truncate(rows),
            Data::Other(ColumnData::Fixed(values, _)) => values.truncate(rows),
            Data::Other(ColumnData::Bool(values)) => values.truncate(rows),
            Data::Other(ColumnData::Date(values)) => values.truncate(rows),
            Data::Other(ColumnData::Text(values)) => values.truncate(rows),
        }
        self.present.truncate(rows);
    }

    fn finish(self) -> (ColumnData, Vec<bool>) {
        let data = match self.data {
            Data::Fixed(values, scale) => ColumnData::Fixed(values, scale.unwrap_or(0)),
            Data::Other(data) => data,
        };
        (data, self.present)
    }
}

/// A number of type `ty`; the common `123` and `123.45` without going
/// through the general parser (same value and scale).
fn number(text: &str, ty: Type) -> std::result::Result<Decimal, String> {
    if ty == Type::Integer {
        return text
            .parse::<i64>()
            .map(Decimal::from)
            .map_err(|_| "is not a whole number (integer)".to_owned());
    }
    if let Some((mantissa, scale)) = plain_decimal(text.as_bytes()) {
        return Ok(Decimal::new(mantissa, scale));
    }
    let number = Decimal::from_str(text).map_err(|_| format!("is not a number ({})", ty.name()))?;
    if ty == Type::Money && number.is_sign_negative() && !number.is_zero() {
        return Err("is negative: an amount of money must be 0 or more".to_owned());
    }
    Ok(number)
}

/// A plain number starting at `pos`, read up to the end of its cell (a
/// comma, a line end or the end of the bytes): its mantissa, scale and
/// where it stops. The same numbers as [`plain_number`]; `None` for
/// anything else (an empty cell, a sign, a space, too many digits).
#[inline]
fn scan_number(bytes: &[u8], pos: usize, ty: Type) -> Option<(i64, u32, usize)> {
    let (whole, digits) = atoi_simd::parse_prefix_pos::<u64, false>(&bytes[pos..]).ok()?;
    let mut at = pos + digits;
    let (mut mantissa, mut scale, mut count) = (whole, 0u32, digits);
    if ty != Type::Integer && bytes.get(at) == Some(&b'.') {
        let (fraction, places) =
            atoi_simd::parse_prefix_pos::<u64, false>(&bytes[at + 1..]).ok()?;
        scale = u32::try_from(places).ok()?;
        count += places;
        if count > 18 || scale > MAX_FIXED_SCALE {
            return None;
        }
        mantissa = mantissa * 10u64.pow(scale) + fraction;
        at += 1 + places;
    }
    if count > 18 || !matches!(bytes.get(at), None | Some(b',' | b'\n' | b'\r')) {
        return None;
    }
    Some((i64::try_from(mantissa).ok()?, scale, at))
}

/// A plain cell as a mantissa and scale: digits only for an integer,
/// `digits[.digits]` (at most [`MAX_FIXED_SCALE`] after the point) for the
/// other numbers.
fn plain_number(bytes: &[u8], ty: Type) -> Option<(i64, u32)> {
    if ty == Type::Integer {
        return plain_integer(bytes).map(|whole| (whole, 0));
    }
    let (mantissa, scale) = plain_decimal(bytes)?;
    (scale <= MAX_FIXED_SCALE).then_some((mantissa, scale))
}

/// `digits[.digits]` with at most 18 digits, as a mantissa and its scale;
/// `None` for anything else.
fn plain_decimal(bytes: &[u8]) -> Option<(i64, u32)> {
    if bytes.len() > 19 || !bytes.first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let mut mantissa: i64 = 0;
    let mut scale = 0u32;
    let mut point = false;
    let mut digits = 0;
    for &byte in bytes {
        match byte {
            b'0'..=b'9' => {
                if digits == 18 {
                    return None;
                }
                mantissa = mantissa * 10 + i64::from(byte - b'0');
                digits += 1;
                if point {
                    scale += 1;
                }
            }
            b'.' if !point => point = true,
            _ => return None,
        }
    }
    if digits == 0 || (point && scale == 0) {
        return None;
    }
    Some((mantissa, scale))
}

/// Up to 18 ASCII digits as a whole number; `None` for anything else.
fn plain_integer(bytes: &[u8]) -> Option<i64> {
    if bytes.is_empty() || bytes.len() > 18 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        bytes
            .iter()
            .fold(0i64, |total, &byte| total * 10 + i64::from(byte - b'0')),
    )
}

fn boolean(text: &str) -> std::result::Result<bool, String> {
    match text {
        "1" => Ok(true),
        "0" => Ok(false),
        _ => Err("is not 0 or 1 (bool)".to_owned()),
    }
}

fn date(text: &str) -> std::result::Result<NaiveDate, String> {
    let bytes = text.as_bytes();
    let digits = |range: Range<usize>| -> Option<u32> {
        bytes[range].iter().try_fold(0u32, |total, &byte| {
            byte.is_ascii_digit()
                .then(|| total * 10 + u32::from(byte - b'0'))
        })
    };
    if bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && let (Some(year), Some(month), Some(day)) = (digits(0..4), digits(5..7), digits(8..10))
    {
        return NaiveDate::from_ymd_opt(i32::try_from(year).unwrap_or(0), month, day)
            .ok_or_else(|| "is not a date YYYY-MM-DD".to_owned());
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| "is not a date YYYY-MM-DD".to_owned())
}

// ---------------------------------------------------------------------------
// Results

/// What a result column shows.
pub enum What {
    Id,
    Eligible(usize),
    Amount(usize),
    Criterion(usize, usize),
    Derived(usize),
}

/// The result columns of one frame's results, resolved once: each cell of
/// a row is then a read from a slice and a few bytes appended.
pub struct RowWriter<'r> {
    results: &'r Results<'r>,
    cells: Vec<Cell<'r>>,
}

enum Cell<'r> {
    Id,
    Eligible(&'r [Status]),
    Amount(&'r [Option<Decimal>]),
    Criterion(&'r [Status]),
    /// A derived variable and its declared type.
    Derived(usize, Type),
    Empty,
}

impl<'r> RowWriter<'r> {
    pub fn new(pack: &Pack, columns: &[&What], results: &'r Results<'r>) -> RowWriter<'r> {
        let cells = columns
            .iter()
            .map(|what| match what {
                What::Id => Cell::Id,
                What::Eligible(p) => Cell::Eligible(&results.policies[*p].status),
                What::Amount(p) => match &results.policies[*p].amount {
                    Some(amounts) => Cell::Amount(amounts),
                    None => Cell::Empty,
                },
                What::Criterion(p, c) => Cell::Criterion(&results.policies[*p].criteria[*c]),
                What::Derived(d) => Cell::Derived(*d, pack.derived[*d].ty),
            })
            .collect();
        RowWriter { results, cells }
    }

    /// Appends the result row `row` (with its newline) to `out`.
    pub fn write(&self, out: &mut Vec<u8>, row: usize) {
        for (i, cell) in self.cells.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            match cell {
                Cell::Id => push_text(out, self.results.id(row)),
                Cell::Eligible(status) => out.push(flag(status[row] == Status::Pass)),
                Cell::Amount(amounts) => {
                    if let Some(amount) = amounts[row] {
                        push_money(out, amount);
                    }
                }
                Cell::Criterion(status) => match status[row] {
                    Status::Pass => out.push(b'1'),
                    Status::Fail => out.push(b'0'),
                    Status::Unknown => {}
                },
                Cell::Derived(d, ty) => match self.results.derived_fixed(*d, row) {
                    Some(None) => {}
                    Some(Some((mantissa, 0))) if *ty != Type::Money => {
                        out.extend_from_slice(itoa::Buffer::new().format(mantissa).as_bytes())
                    }
                    Some(Some((mantissa, scale))) => {
                        push_number(out, Decimal::new(mantissa, scale), *ty)
                    }
                    None => {
                        if let Some(value) = self.results.derived(*d, row) {
                            match value {
                                Value::Bool(value) => out.push(flag(value)),
                                Value::Decimal(number) => push_number(out, number, *ty),
                                Value::Text(text) => push_text(out, &text),
                                other => out.extend_from_slice(other.to_string().as_bytes()),
                            }
                        }
                    }
                },
                Cell::Empty => {}
            }
        }
        out.push(b'\n');
    }
}

/// A number as the results write it: money to the fen, anything else
/// without trailing zeros (the engine may hold 1.50 where the row engine
/// holds 1.5; both are written 1.5).
fn push_number(out: &mut Vec<u8>, number: Decimal, ty: Type) {
    if ty == Type::Money {
        push_money(out, number);
    } else {
        out.extend_from_slice(number.normalize().to_string().as_bytes());
    }
}

fn flag(value: bool) -> u8 {
    if value { b'1' } else { b'0' }
}

fn push_text(out: &mut Vec<u8>, text: &str) {
    if text
        .bytes()
        .any(|byte| matches!(byte, b',' | b'"' | b'\n' | b'\r'))
    {
        out.push(b'"');
        out.extend_from_slice(text.replace('"', "\"\"").as_bytes());
        out.push(b'"');
    } else {
        out.extend_from_slice(text.as_bytes());
    }
}

/// An amount to the fen, halves away from zero, as `format!("{:.2}")` of
/// the rounded amount writes it.
pub fn push_money(out: &mut Vec<u8>, amount: Decimal) {
    let rounded = if amount.scale() <= 2 {
        amount
    } else {
        amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
    };
    let scale = rounded.scale();
    // In 64 bits: an i128 division is a call, a u64 one an instruction.
    let fen = u64::try_from(rounded.mantissa())
        .ok()
        .filter(|_| scale <= 2 && !rounded.is_sign_negative())
        .and_then(|mantissa| mantissa.checked_mul(10u64.pow(2 - scale)));
    if let Some(fen) = fen {
        let (yuan, fen) = (fen / 100, fen % 100);
        out.extend_from_slice(itoa::Buffer::new().format(yuan).as_bytes());
        out.push(b'.');
        out.push(b'0' + u8::try_from(fen / 10).unwrap_or(0));
        out.push(b'0' + u8::try_from(fen % 10).unwrap_or(0));
    } else {
        out.extend_from_slice(format!("{rounded:.2}").as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_decimals_equal_the_general_parser() {
        for text in [
            "0",
            "7",
            "0.10",
            "123.45",
            "000123",
            "999999999999999999",
            "3979337",
            "0.5",
        ] {
            let (mantissa, scale) = plain_decimal(text.as_bytes()).expect(text);
            let plain = Decimal::new(mantissa, scale);
            let general = Decimal::from_str(text).expect(text);
            assert_eq!((plain, plain.scale()), (general, general.scale()), "{text}");
        }
        // Left to the general parser: signs, exponents, 19 digits and more.
        for text in [
            "",
            ".",
            "1.",
            ".5",
            "-1",
            "+1",
            "1e3",
            "1,000",
            "1.2.3",
            "9999999999999999999",
            "1.000000000000000001",
        ] {
            assert_eq!(plain_decimal(text.as_bytes()), None, "{text}");
        }
    }

    #[test]
    fn money_is_written_as_the_formatter_writes_it() {
        let mut draws: u64 = 0x1234_5678;
        for i in 0..20_000u64 {
            draws ^= draws << 13;
            draws ^= draws >> 7;
            draws ^= draws << 17;
            let scale = u32::try_from(draws % 6).unwrap();
            let mantissa =
                i64::try_from(draws >> 20).unwrap() - if i % 7 == 0 { 1 << 43 } else { 0 };
            let amount = Decimal::new(mantissa, scale);
            let mut out = Vec::new();
            push_money(&mut out, amount);
            let expected = format!(
                "{:.2}",
                amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
            );
            assert_eq!(String::from_utf8(out).unwrap(), expected, "{amount}");
        }
    }

    #[test]
    fn dates_are_read_as_chrono_reads_them() {
        for text in [
            "2019-03-18",
            "2024-02-29",
            "2023-02-29",
            "2019-3-18",
            "2019-13-01",
            "20190318",
        ] {
            assert_eq!(
                date(text).ok(),
                NaiveDate::parse_from_str(text, "%Y-%m-%d").ok(),
                "{text}"
            );
        }
    }
}
