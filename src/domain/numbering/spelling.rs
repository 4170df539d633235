//! The pieces both kinds of number are spelled with: the forgiving normalisation of what
//! people type or paste, the brackets and dashes they use, and the checks of year and serial.

use super::{NumberError, MAX_SERIAL, MAX_YEAR, MIN_YEAR};

pub(crate) const OPEN_BRACKETS: &[char] =
    &['〔', '﹝', '[', '［', '【', '（', '(', '〖', '﹙', '〘'];
pub(crate) const CLOSE_BRACKETS: &[char] =
    &['〕', '﹞', ']', '］', '】', '）', ')', '〗', '﹚', '〙'];
pub(super) const SEPARATORS: &[char] =
    &['-', '—', '–', '－', '─', '‒', '_', '―', '‐', '‑', '−', '━'];

/// Drops every kind of whitespace and folds full-width forms to ASCII, so that
/// numbers typed in a Chinese IME or copied from PDFs compare equal.
pub(crate) fn normalise(input: &str) -> String {
    input
        .chars()
        .filter(|c| {
            !c.is_whitespace() && !matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
        })
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            '號' => '号',
            other => other,
        })
        .collect()
}

pub(super) fn check_year(found: &str) -> Result<i32, NumberError> {
    if found.len() != 4 || !found.bytes().all(|b| b.is_ascii_digit()) {
        return Err(NumberError::YearNotFourDigits { found: found.to_string() });
    }
    let year: i32 =
        found.parse().map_err(|_| NumberError::YearNotFourDigits { found: found.to_string() })?;
    check_year_range(year)
}

pub(super) fn check_year_range(year: i32) -> Result<i32, NumberError> {
    if (MIN_YEAR..=MAX_YEAR).contains(&year) {
        Ok(year)
    } else {
        Err(NumberError::YearOutOfRange { year })
    }
}

/// Parses a serial that may carry leading zeros ("003").
pub(super) fn check_serial_digits(found: &str) -> Result<u32, NumberError> {
    if found.is_empty() {
        return Err(NumberError::MissingSerial);
    }
    if !found.bytes().all(|b| b.is_ascii_digit()) {
        return Err(NumberError::SerialNotNumber { found: found.to_string() });
    }
    let significant = found.trim_start_matches('0');
    if significant.is_empty() {
        return Err(NumberError::ZeroSerial);
    }
    // Checking the length first keeps huge inputs from overflowing the parse.
    if significant.len() > 7 {
        return Err(NumberError::SerialTooLarge { found: found.to_string() });
    }
    let serial: u32 = significant
        .parse()
        .map_err(|_| NumberError::SerialTooLarge { found: found.to_string() })?;
    check_serial(serial)
}

pub(super) fn check_serial(serial: u32) -> Result<u32, NumberError> {
    match serial {
        0 => Err(NumberError::ZeroSerial),
        s if s > MAX_SERIAL => Err(NumberError::SerialTooLarge { found: s.to_string() }),
        s => Ok(s),
    }
}

pub(super) fn check_not_numeric(prefix: &str) -> Result<(), NumberError> {
    if prefix.chars().all(|c| c.is_ascii_digit()) {
        return Err(NumberError::NumericPrefix { prefix: prefix.to_string() });
    }
    Ok(())
}

pub(crate) fn is_cjk(c: char) -> bool {
    matches!(
        c,
        '\u{3400}'..='\u{4DBF}'
            | '\u{4E00}'..='\u{9FFF}'
            | '\u{F900}'..='\u{FAFF}'
            | '\u{20000}'..='\u{323AF}'
    )
}
