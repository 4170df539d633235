//! Document numbers: the 文号 (issuance number) and the 统一登记号 (registration number).

mod issuance;
mod registration;
mod spelling;

use std::fmt;
use std::str::FromStr;

use thiserror::Error;

pub use issuance::{format_issuance, issuance_around_serial, IssuanceNumber};
pub use registration::{RegistrationFormat, RegistrationNumber};
/// The forgiving spelling of numbers, for the finder of citations in running text.
pub(crate) use spelling::{
    is_cjk, normalise as normalise_spelling, CLOSE_BRACKETS as CLOSING, OPEN_BRACKETS as OPENING,
};
use spelling::{normalise, CLOSE_BRACKETS, OPEN_BRACKETS};

/// Earliest year a number may carry; no PRC normative document predates 1949.
pub const MIN_YEAR: i32 = 1949;
/// Latest year a number may carry; later years are typos.
pub const MAX_YEAR: i32 = 2200;
/// Largest serial accepted; seven digits is far beyond any agency's yearly output.
pub const MAX_SERIAL: u32 = 9_999_999;
/// The template that gives the canonical registration number used for lookups.
pub const DEFAULT_REGISTRATION_TEMPLATE: &str = "{prefix}—{year}—{n}";

/// Why a document number was refused; every message says how to write it instead.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum NumberError {
    #[error("the document number is empty; write it like 辽政规〔2026〕3号")]
    Empty,
    #[error("the number has no issuing-agency code (机关代字) before the year; write it like 辽政规〔2026〕3号")]
    EmptyPrefix,
    #[error("\"{prefix}\" is not an agency code (机关代字): it has only digits; put the agency's abbreviation before the year")]
    NumericPrefix { prefix: String },
    #[error("the agency code \"{prefix}\" contains a bracket; only the year goes in brackets, as in 辽政规〔2026〕3号")]
    PrefixHasBracket { prefix: String },
    #[error("the registration prefix \"{prefix}\" may contain only letters, digits and Chinese characters")]
    InvalidRegistrationPrefix { prefix: String },
    #[error("the year is missing or not in brackets; write it like 辽政规〔2026〕3号")]
    MissingYear,
    #[error("the bracket around the year is not closed; write it like 辽政规〔2026〕3号")]
    UnclosedYear,
    #[error("the year \"{found}\" must be written with four digits, like 2026")]
    YearNotFourDigits { found: String },
    #[error("the year {year} is outside {MIN_YEAR}..={MAX_YEAR}; check the year")]
    YearOutOfRange { year: i32 },
    #[error("the serial number after the year is missing; write it like 辽政规〔2026〕3号")]
    MissingSerial,
    #[error("the serial number \"{found}\" must contain digits only")]
    SerialNotNumber { found: String },
    #[error("the serial number must be 1 or more, not 0")]
    ZeroSerial,
    #[error("the serial number {found} is too large; at most {MAX_SERIAL} is allowed")]
    SerialTooLarge { found: String },
    #[error("unexpected text \"{rest}\" after the number; remove it so the number ends with 号")]
    TrailingGarbage { rest: String },
    #[error("\"{input}\" is not a registration number; write prefix, year and serial separated by dashes, like LNFS—2026—3")]
    RegistrationShape { input: String },
    #[error("the registration number template must contain {placeholder}; for example {DEFAULT_REGISTRATION_TEMPLATE}")]
    TemplateMissingPlaceholder { placeholder: &'static str },
}

/// Either kind of number, for search boxes that take whatever the user pastes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum DocumentNumber {
    Issuance(IssuanceNumber),
    Registration(RegistrationNumber),
}

impl DocumentNumber {
    /// Tries 文号 first, then 统一登记号. When both fail, the error reported is the
    /// one for the kind the input resembles, so the user gets the relevant advice.
    pub fn parse(input: &str) -> Result<Self, NumberError> {
        let issuance_error = match IssuanceNumber::parse(input) {
            Ok(n) => return Ok(Self::Issuance(n)),
            Err(e) => e,
        };
        match RegistrationNumber::parse(input) {
            Ok(n) => Ok(Self::Registration(n)),
            Err(registration_error) => {
                let s = normalise(input);
                let looks_like_issuance = s.contains(OPEN_BRACKETS)
                    || s.contains(CLOSE_BRACKETS)
                    || s.contains(['号', '第']);
                Err(if looks_like_issuance { issuance_error } else { registration_error })
            }
        }
    }

    pub fn canonical(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for DocumentNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Issuance(n) => n.fmt(f),
            Self::Registration(n) => n.fmt(f),
        }
    }
}

impl FromStr for DocumentNumber {
    type Err = NumberError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CANONICAL: &str = "辽政规〔2026〕3号";

    fn issuance(s: &str) -> IssuanceNumber {
        IssuanceNumber::parse(s).unwrap_or_else(|e| panic!("{s:?} should parse: {e}"))
    }

    fn issuance_err(s: &str) -> NumberError {
        match IssuanceNumber::parse(s) {
            Ok(n) => panic!("{s:?} should be refused, got {n}"),
            Err(e) => e,
        }
    }

    fn registration(s: &str) -> RegistrationNumber {
        RegistrationNumber::parse(s).unwrap_or_else(|e| panic!("{s:?} should parse: {e}"))
    }

    fn registration_err(s: &str) -> NumberError {
        match RegistrationNumber::parse(s) {
            Ok(n) => panic!("{s:?} should be refused, got {n}"),
            Err(e) => e,
        }
    }

    #[test]
    fn every_real_world_spelling_of_an_issuance_number_has_one_canonical_form() {
        let spellings = [
            "辽政规〔2026〕3号",
            "辽政规﹝2026﹞3号",
            "辽政规[2026]3号",
            "辽政规［2026］3号",
            "辽政规【2026】3号",
            "辽政规（2026）3号",
            "辽政规(2026)3号",
            "辽政规〖2026〗3号",
            "辽政规〔2026]3号",
            "辽政规[2026〕3号",
            "辽政规（2026〕3号",
            "辽政规【2026）3号",
            "辽政规 〔2026〕 3 号",
            " 辽 政 规 [ 2026 ] 3号 ",
            "辽政规\u{3000}（2026）\u{3000}3号",
            "辽政规\u{a0}[2026]\u{a0}3号",
            "辽政规\t〔2026〕3号\n",
            "辽政规〔2026〕3號",
            "辽政规〔2026〕第3号",
            "辽政规〔2026〕003号",
            "辽政规〔2026〕第 003 號",
            "辽政规〔２０２６〕３号",
            "辽政规［２０２６］０３號",
            "辽政规〔2026〕3",
            "辽政规(2026)第03",
        ];
        for s in spellings {
            let n = issuance(s);
            assert_eq!(n.to_string(), CANONICAL, "from {s:?}");
            assert_eq!((n.prefix(), n.year(), n.serial()), ("辽政规", 2026, 3));
        }
    }

    #[test]
    fn canonical_issuance_number_parses_back_to_itself() {
        let n = issuance("国办发 [2025] 第12号");
        assert_eq!(n.to_string(), "国办发〔2025〕12号");
        assert_eq!(issuance(&n.to_string()), n);
        assert_eq!("国办发〔2025〕12号".parse::<IssuanceNumber>(), Ok(n));
    }

    #[test]
    fn largest_serial_is_accepted_and_one_more_is_refused() {
        assert_eq!(issuance("辽政规〔2026〕9999999号").serial(), 9_999_999);
        assert_eq!(
            issuance_err("辽政规〔2026〕10000000号"),
            NumberError::SerialTooLarge { found: "10000000".into() }
        );
        assert!(matches!(
            issuance_err("辽政规〔2026〕99999999999999999999号"),
            NumberError::SerialTooLarge { .. }
        ));
    }

    #[test]
    fn garbage_issuance_numbers_are_refused_with_the_specific_reason() {
        assert_eq!(issuance_err(""), NumberError::Empty);
        assert_eq!(issuance_err(" \u{3000} "), NumberError::Empty);
        assert_eq!(issuance_err("〔2026〕3号"), NumberError::EmptyPrefix);
        assert_eq!(
            issuance_err("123〔2026〕3号"),
            NumberError::NumericPrefix { prefix: "123".into() }
        );
        assert_eq!(issuance_err("辽政规2026年3号"), NumberError::MissingYear);
        assert_eq!(issuance_err("辽政规〔20263号"), NumberError::UnclosedYear);
        assert_eq!(
            issuance_err("辽政规〔26〕3号"),
            NumberError::YearNotFourDigits { found: "26".into() }
        );
        assert_eq!(
            issuance_err("辽政规〔二〇二六〕3号"),
            NumberError::YearNotFourDigits { found: "二〇二六".into() }
        );
        assert_eq!(issuance_err("辽政规〔1948〕3号"), NumberError::YearOutOfRange { year: 1948 });
        assert_eq!(issuance_err("辽政规〔2201〕3号"), NumberError::YearOutOfRange { year: 2201 });
        assert_eq!(issuance_err("辽政规〔2026〕0号"), NumberError::ZeroSerial);
        assert_eq!(issuance_err("辽政规〔2026〕第000号"), NumberError::ZeroSerial);
        assert_eq!(issuance_err("辽政规〔2026〕号"), NumberError::MissingSerial);
        assert_eq!(issuance_err("辽政规〔2026〕"), NumberError::MissingSerial);
        assert_eq!(
            issuance_err("辽政规〔2026〕3号附件1"),
            NumberError::TrailingGarbage { rest: "附件1".into() }
        );
        assert_eq!(
            issuance_err("辽政规〔2026〕3号号"),
            NumberError::TrailingGarbage { rest: "号".into() }
        );
        assert_eq!(
            issuance_err("辽政规〔2026〕3a"),
            NumberError::TrailingGarbage { rest: "a".into() }
        );
    }

    #[test]
    fn error_messages_tell_the_user_the_expected_shape() {
        assert!(issuance_err("辽政规2026年3号").to_string().contains("辽政规〔2026〕3号"));
        assert!(issuance_err("辽政规〔1948〕3号").to_string().contains("1948"));
    }

    #[test]
    fn new_issuance_number_normalises_the_prefix_and_checks_the_parts() {
        let n = IssuanceNumber::new(" 辽 政\u{3000}规 ", 2026, 3).expect("valid parts");
        assert_eq!(n.to_string(), CANONICAL);
        assert_eq!(IssuanceNumber::new("辽政规", 2026, 0), Err(NumberError::ZeroSerial));
        assert_eq!(
            IssuanceNumber::new("辽政规", 2026, 10_000_000),
            Err(NumberError::SerialTooLarge { found: "10000000".into() })
        );
        assert_eq!(
            IssuanceNumber::new("辽政规", 1900, 1),
            Err(NumberError::YearOutOfRange { year: 1900 })
        );
        assert_eq!(IssuanceNumber::new("  ", 2026, 1), Err(NumberError::EmptyPrefix));
        assert_eq!(
            IssuanceNumber::new("辽〕政", 2026, 1),
            Err(NumberError::PrefixHasBracket { prefix: "辽〕政".into() })
        );
    }

    #[test]
    fn a_stray_closing_bracket_in_the_prefix_is_refused() {
        assert_eq!(
            issuance_err("辽〕政〔2026〕3号"),
            NumberError::PrefixHasBracket { prefix: "辽〕政".into() }
        );
    }

    #[test]
    fn numbers_printed_around_the_serial_match_the_rendered_ones() {
        let (before, after) = issuance_around_serial(" 辽政规 ", 2026);
        assert_eq!(format!("{before}3{after}"), CANONICAL);
        let padded =
            RegistrationFormat { template: "{prefix}-{year}-{n}号".into(), serial_width: 4 };
        let (before, after) = padded.around_serial("LNFS", 2026).unwrap();
        assert_eq!(format!("{before}{:04}{after}", 7), padded.render("LNFS", 2026, 7));
        let twice =
            RegistrationFormat { template: "{prefix}{n}-{n}{year}".into(), serial_width: 0 };
        assert_eq!(twice.around_serial("A", 2026), None);
    }

    #[test]
    fn format_issuance_writes_the_canonical_form() {
        assert_eq!(format_issuance("国办发", 2026, 12), "国办发〔2026〕12号");
        assert_eq!(format_issuance(" 辽政规 ", 2026, 3), CANONICAL);
    }

    #[test]
    fn registration_numbers_accept_every_dash_like_separator() {
        let spellings = [
            "HFGS—2017—9",
            "HFGS–2017–9",
            "HFGS－2017－9",
            "HFGS-2017-9",
            "HFGS─2017─9",
            "HFGS‒2017‒9",
            "HFGS_2017_9",
            "HFGS — 2017 — 9",
            "HFGS - 2017 -\u{3000}9",
            "HFGS——2017——9",
            "HFGS-2017—009",
            "ＨＦＧＳ－２０１７－００９",
            "hfgs-2017-9",
        ];
        for s in spellings {
            let n = registration(s);
            assert_eq!(n.to_string(), "HFGS—2017—9", "from {s:?}");
            assert_eq!((n.prefix(), n.year(), n.serial()), ("HFGS", 2017, 9));
        }
    }

    #[test]
    fn registration_prefixes_may_mix_letters_digits_and_chinese() {
        assert_eq!(registration("辽法审-2026-3").to_string(), "辽法审—2026—3");
        assert_eq!(registration("ln2fs-2026-003").to_string(), "LN2FS—2026—3");
    }

    #[test]
    fn malformed_registration_numbers_are_refused() {
        assert_eq!(registration_err(""), NumberError::Empty);
        assert_eq!(
            registration_err("HFGS-2017"),
            NumberError::RegistrationShape { input: "HFGS-2017".into() }
        );
        assert!(matches!(registration_err("-HFGS-2017-9"), NumberError::RegistrationShape { .. }));
        assert!(matches!(registration_err("HFGS-2017-9-"), NumberError::RegistrationShape { .. }));
        assert!(matches!(registration_err("HF-GS-2017-9"), NumberError::RegistrationShape { .. }));
        assert_eq!(
            registration_err("HF.GS-2017-9"),
            NumberError::InvalidRegistrationPrefix { prefix: "HF.GS".into() }
        );
        assert_eq!(
            registration_err("2017-2017-9"),
            NumberError::NumericPrefix { prefix: "2017".into() }
        );
        assert_eq!(
            registration_err("HFGS-17-9"),
            NumberError::YearNotFourDigits { found: "17".into() }
        );
        assert_eq!(registration_err("HFGS-2017-000"), NumberError::ZeroSerial);
        assert_eq!(
            registration_err("HFGS-2017-9a"),
            NumberError::SerialNotNumber { found: "9a".into() }
        );
    }

    #[test]
    fn registration_format_pads_the_serial_to_the_configured_width() {
        let n = RegistrationNumber::new("lnfs", 2026, 3).expect("valid parts");
        let padded = RegistrationFormat { template: "{prefix}-{year}-{n}".into(), serial_width: 3 };
        assert_eq!(n.format(&padded), "LNFS-2026-003");
        assert_eq!(n.format(&RegistrationFormat::default()), "LNFS—2026—3");
        assert_eq!(registration(&n.format(&padded)), n);
        let wide = RegistrationNumber::new("LNFS", 2026, 1234).expect("valid parts");
        assert_eq!(wide.format(&padded), "LNFS-2026-1234");
    }

    #[test]
    fn registration_format_requires_all_three_placeholders() {
        assert_eq!(RegistrationFormat::default().validate(), Ok(()));
        let missing =
            |template: &str| RegistrationFormat { template: template.into(), serial_width: 0 };
        assert_eq!(
            missing("{prefix}-{year}").validate(),
            Err(NumberError::TemplateMissingPlaceholder { placeholder: "{n}" })
        );
        assert_eq!(
            missing("{prefix}-{n}").validate(),
            Err(NumberError::TemplateMissingPlaceholder { placeholder: "{year}" })
        );
        assert_eq!(
            missing("LN-{year}-{n}").validate(),
            Err(NumberError::TemplateMissingPlaceholder { placeholder: "{prefix}" })
        );
    }

    #[test]
    fn document_number_recognises_either_kind() {
        let i = DocumentNumber::parse("辽政规[2026]003號").expect("issuance");
        assert!(matches!(i, DocumentNumber::Issuance(_)));
        assert_eq!(i.canonical(), CANONICAL);
        let r = DocumentNumber::parse("LNFS-2026-003").expect("registration");
        assert!(matches!(r, DocumentNumber::Registration(_)));
        assert_eq!(r.canonical(), "LNFS—2026—3");
    }

    #[test]
    fn document_number_reports_the_error_of_the_kind_it_resembles() {
        assert_eq!(DocumentNumber::parse("辽政规〔2026〕0号"), Err(NumberError::ZeroSerial));
        assert_eq!(
            DocumentNumber::parse("LNFS-2026"),
            Err(NumberError::RegistrationShape { input: "LNFS-2026".into() })
        );
    }
}
