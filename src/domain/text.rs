//! Text fields as people type them: trimmed, bounded, without invisible control characters.

/// The longest title, body and note (reason, opinion, notes) the registry accepts, in
/// characters.
pub const MAX_TITLE: usize = 300;
pub const MAX_BODY: usize = 500_000;
pub const MAX_NOTE: usize = 50_000;

/// Why a text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {0} characters")]
    TooLong(usize),
    #[error("must not contain control characters")]
    Control,
}

/// A one-line text (a title, a name): trimmed, 1..=max characters, no control characters.
pub fn line(raw: &str, max: usize) -> Result<String, TextError> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(TextError::Empty);
    }
    if t.chars().count() > max {
        return Err(TextError::TooLong(max));
    }
    if t.chars().any(|c| c.is_control() || is_bidi_override(c)) {
        return Err(TextError::Control);
    }
    Ok(t.to_string())
}

/// A multi-line text (a body, an opinion): line breaks and tabs allowed, other control
/// characters refused; line endings normalised to `\n` so that character offsets agree
/// between what was sent and what is stored.
pub fn paragraph(raw: &str, max: usize) -> Result<String, TextError> {
    let t = raw.replace("\r\n", "\n").replace('\r', "\n");
    let t = t.trim_matches(|c: char| c.is_whitespace() && c != '\u{3000}');
    if t.is_empty() {
        return Err(TextError::Empty);
    }
    if t.chars().count() > max {
        return Err(TextError::TooLong(max));
    }
    if t.chars().any(|c| (c.is_control() && c != '\n' && c != '\t') || is_bidi_override(c)) {
        return Err(TextError::Control);
    }
    Ok(t.to_string())
}

/// Bidirectional overrides can make a published text read differently from what it says.
fn is_bidi_override(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_is_trimmed_and_bounded() {
        assert_eq!(line("  关于加强管理的通知 ", 10).unwrap(), "关于加强管理的通知");
        assert_eq!(line("   ", 10), Err(TextError::Empty));
        assert_eq!(line("一二三四五六", 5), Err(TextError::TooLong(5)));
        assert_eq!(line("标题\u{0008}", 10), Err(TextError::Control));
        assert_eq!(line("标题\u{202E}", 10), Err(TextError::Control));
    }

    #[test]
    fn a_body_keeps_its_lines_with_normalised_endings() {
        assert_eq!(paragraph("第一条\r\n第二条\r", 100).unwrap(), "第一条\n第二条");
        assert_eq!(paragraph("第一条\u{0000}", 100), Err(TextError::Control));
    }
}
