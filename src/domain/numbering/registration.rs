//! The 统一登记号 (registration number), prefix—year—serial, and how an agency prints it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::spelling::{
    check_not_numeric, check_serial, check_serial_digits, check_year, check_year_range, is_cjk,
    normalise, SEPARATORS,
};
use super::{NumberError, DEFAULT_REGISTRATION_TEMPLATE};

/// How an agency prints its registration numbers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationFormat {
    /// Must contain `{prefix}`, `{year}` and `{n}`.
    pub template: String,
    /// Zero-pads the serial to this many digits; 0 means no padding.
    pub serial_width: u8,
}

impl Default for RegistrationFormat {
    fn default() -> Self {
        Self { template: DEFAULT_REGISTRATION_TEMPLATE.to_string(), serial_width: 0 }
    }
}

impl RegistrationFormat {
    pub fn validate(&self) -> Result<(), NumberError> {
        for placeholder in ["{prefix}", "{year}", "{n}"] {
            if !self.template.contains(placeholder) {
                return Err(NumberError::TemplateMissingPlaceholder { placeholder });
            }
        }
        Ok(())
    }

    /// Fills the template; a template that fails [`Self::validate`] simply loses
    /// the parts it has no placeholder for.
    pub fn render(&self, prefix: &str, year: i32, serial: u32) -> String {
        let n = format!("{serial:0width$}", width = usize::from(self.serial_width));
        self.template
            .replace("{prefix}", prefix)
            .replace("{year}", &year.to_string())
            .replace("{n}", &n)
    }

    /// The printed number around its serial, `(before, after)`, so that `before`, the serial
    /// padded to `serial_width`, then `after` is what [`Self::render`] gives; `None` unless the
    /// template holds exactly one `{n}`.
    pub fn around_serial(&self, prefix: &str, year: i32) -> Option<(String, String)> {
        let filled = self.template.replace("{prefix}", prefix).replace("{year}", &year.to_string());
        let mut parts = filled.split("{n}");
        match (parts.next(), parts.next(), parts.next()) {
            (Some(before), Some(after), None) => Some((before.to_string(), after.to_string())),
            _ => None,
        }
    }
}

/// 统一登记号 assigned at filing, shaped prefix—year—serial (e.g. HFGS—2017—9).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RegistrationNumber {
    prefix: String,
    year: i32,
    serial: u32,
}

fn registration_prefix(raw: &str) -> Result<String, NumberError> {
    let prefix = normalise(raw).to_ascii_uppercase();
    if prefix.is_empty() {
        return Err(NumberError::EmptyPrefix);
    }
    check_not_numeric(&prefix)?;
    if !prefix.chars().all(|c| c.is_ascii_alphanumeric() || is_cjk(c)) {
        return Err(NumberError::InvalidRegistrationPrefix { prefix });
    }
    Ok(prefix)
}

impl RegistrationNumber {
    pub fn new(prefix: &str, year: i32, serial: u32) -> Result<Self, NumberError> {
        Ok(Self {
            prefix: registration_prefix(prefix)?,
            year: check_year_range(year)?,
            serial: check_serial(serial)?,
        })
    }

    /// Accepts any dash-like separator (runs too, since a Chinese IME types —— for
    /// a dash), whitespace around them, lower case and full-width forms.
    pub fn parse(input: &str) -> Result<Self, NumberError> {
        let s = normalise(input);
        if s.is_empty() {
            return Err(NumberError::Empty);
        }
        let shape_error = || NumberError::RegistrationShape { input: input.trim().to_string() };
        if s.starts_with(SEPARATORS) || s.ends_with(SEPARATORS) {
            return Err(shape_error());
        }
        let parts: Vec<&str> = s.split(SEPARATORS).filter(|p| !p.is_empty()).collect();
        let [prefix, year, serial] = parts.as_slice() else {
            return Err(shape_error());
        };
        Ok(Self {
            prefix: registration_prefix(prefix)?,
            year: check_year(year)?,
            serial: check_serial_digits(serial)?,
        })
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

    pub fn format(&self, pattern: &RegistrationFormat) -> String {
        pattern.render(&self.prefix, self.year, self.serial)
    }
}

/// The canonical form used for lookups: default template, no padding.
impl fmt::Display for RegistrationNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}—{}—{}", self.prefix, self.year, self.serial)
    }
}

impl FromStr for RegistrationNumber {
    type Err = NumberError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}
