//! Interpretations (解释) of a published document: the issuing agency's own reading of its
//! text, attached to the document and published with it; they never change its text.

use chrono::NaiveDate;

/// Why an interpretation's date was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IssuedOnError {
    #[error("an interpretation cannot be recorded before it is issued; {issued_on} is after today {today}")]
    InFuture { issued_on: NaiveDate, today: NaiveDate },
    #[error("{issued_on} is before the document was published on {published_on}; a document is interpreted only once it exists")]
    BeforeDocument { issued_on: NaiveDate, published_on: NaiveDate },
}

/// An interpretation is issued on or after the document's publication and not after today.
pub fn check_issued_on(
    issued_on: NaiveDate,
    published_on: NaiveDate,
    today: NaiveDate,
) -> Result<NaiveDate, IssuedOnError> {
    if issued_on > today {
        return Err(IssuedOnError::InFuture { issued_on, today });
    }
    if issued_on < published_on {
        return Err(IssuedOnError::BeforeDocument { issued_on, published_on });
    }
    Ok(issued_on)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn an_interpretation_falls_between_publication_and_today() {
        let (published, today) = (d("2026-03-02"), d("2026-05-01"));
        assert_eq!(check_issued_on(d("2026-03-02"), published, today), Ok(d("2026-03-02")));
        assert_eq!(check_issued_on(d("2026-05-01"), published, today), Ok(d("2026-05-01")));
        assert!(matches!(
            check_issued_on(d("2026-05-02"), published, today),
            Err(IssuedOnError::InFuture { .. })
        ));
        assert!(matches!(
            check_issued_on(d("2026-03-01"), published, today),
            Err(IssuedOnError::BeforeDocument { .. })
        ));
    }
}
