//! The 文号 (issuance number) of GB/T 9704-2012: agency code, year in 〔〕, serial, 号.

use std::fmt;
use std::str::FromStr;

use super::spelling::{
    check_not_numeric, check_serial, check_serial_digits, check_year, check_year_range, normalise,
    CLOSE_BRACKETS, OPEN_BRACKETS,
};
use super::NumberError;

fn issuance_prefix(raw: &str) -> Result<String, NumberError> {
    let prefix = normalise(raw);
    if prefix.is_empty() {
        return Err(NumberError::EmptyPrefix);
    }
    check_not_numeric(&prefix)?;
    if prefix.contains(OPEN_BRACKETS) || prefix.contains(CLOSE_BRACKETS) {
        return Err(NumberError::PrefixHasBracket { prefix });
    }
    Ok(prefix)
}

/// 文号 as laid down by GB/T 9704-2012: agency code, year in 〔〕, serial, 号.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IssuanceNumber {
    prefix: String,
    year: i32,
    serial: u32,
}

impl IssuanceNumber {
    pub fn new(prefix: &str, year: i32, serial: u32) -> Result<Self, NumberError> {
        Ok(Self {
            prefix: issuance_prefix(prefix)?,
            year: check_year_range(year)?,
            serial: check_serial(serial)?,
        })
    }

    /// Accepts the spellings found in real documents and catalogues: any of the
    /// usual bracket pairs (mixed too), stray whitespace, 號, full-width digits,
    /// leading zeros, 第 before the serial and a missing 号.
    pub fn parse(input: &str) -> Result<Self, NumberError> {
        let s = normalise(input);
        if s.is_empty() {
            return Err(NumberError::Empty);
        }
        let (prefix, after_open) = s.split_once(OPEN_BRACKETS).ok_or(NumberError::MissingYear)?;
        let prefix = issuance_prefix(prefix)?;
        let (year, after_year) =
            after_open.split_once(CLOSE_BRACKETS).ok_or(NumberError::UnclosedYear)?;
        let year = check_year(year)?;
        let after_year = after_year.strip_prefix('第').unwrap_or(after_year);
        let digits_end = after_year.find(|c: char| !c.is_ascii_digit()).unwrap_or(after_year.len());
        let (digits, tail) = after_year.split_at(digits_end);
        let serial = check_serial_digits(digits)?;
        let tail = tail.strip_prefix('号').unwrap_or(tail);
        if !tail.is_empty() {
            return Err(NumberError::TrailingGarbage { rest: tail.to_string() });
        }
        Ok(Self { prefix, year, serial })
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    pub fn year(&self) -> i32 {
        self.year
    }

    pub fn serial(&self) -> u32 {
        self.serial
    }
}

impl fmt::Display for IssuanceNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}〔{}〕{}号", self.prefix, self.year, self.serial)
    }
}

impl FromStr for IssuanceNumber {
    type Err = NumberError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// Canonical 文号 for already-trusted parts, e.g. when allocating the next serial.
pub fn format_issuance(prefix: &str, year: i32, serial: u32) -> String {
    format!("{}〔{year}〕{serial}号", normalise(prefix))
}

/// The 文号 around its serial, `("辽政规〔2026〕", "号")`: the database can then print the
/// number in the very statement that draws the serial.
pub fn issuance_around_serial(prefix: &str, year: i32) -> (String, String) {
    (format!("{}〔{year}〕", normalise(prefix)), "号".to_string())
}
