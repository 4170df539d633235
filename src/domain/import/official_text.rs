//! The official text (正式文本) an import line may carry: where its bytes come from (a path
//! beside the JSON Lines file, or base64 in the API's body), the checks of that path, and the
//! standard base64 decoding, piece by piece. Reading and checking the bytes themselves is the
//! caller's (`service::import_files`), as for an upload.

use super::LineError;

/// Where an import line's official text comes from. The bytes are checked as an upload's
/// (recognised from themselves, within the size limit) by the caller, which reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfficialTextSource {
    /// A path relative to the folder of the JSON Lines file, checked by [`relative_path`].
    Beside(String),
    /// Standard base64 and the declared file name.
    Inline { name: String, base64: String },
}

impl OfficialTextSource {
    /// The key of the line that gave it, for the errors about its bytes.
    pub fn field(&self) -> &'static str {
        match self {
            OfficialTextSource::Beside(_) => "official_text_file",
            OfficialTextSource::Inline { .. } => "official_text_base64",
        }
    }
}

/// A relative path that stays inside the folder it is relative to: not absolute (`/`, `\`,
/// a drive letter), no `..` segment, no control character. Answers it trimmed.
pub fn relative_path(raw: &str) -> Result<String, String> {
    let path = raw.trim();
    if path.is_empty() {
        return Err("the path is empty".into());
    }
    if path.chars().any(char::is_control) {
        return Err("the path holds a control character".into());
    }
    let drive = path.as_bytes().get(1) == Some(&b':');
    if path.starts_with(['/', '\\']) || drive {
        return Err(format!(
            "`{path}` is absolute; give the path relative to the folder of the JSON Lines file"
        ));
    }
    if path.split(['/', '\\']).any(|segment| segment == "..") {
        return Err(format!("`{path}` leaves the folder of the JSON Lines file (`..` is refused)"));
    }
    Ok(path.to_string())
}

/// The source of a line's official text from its three keys, or what is wrong with them.
pub(super) fn official_text(
    line: usize,
    file: Option<String>,
    base64: Option<String>,
    name: Option<String>,
) -> Result<Option<OfficialTextSource>, LineError> {
    match (file, base64, name) {
        (None, None, None) => Ok(None),
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => Err(LineError::new(
            line,
            "official_text_file",
            "give the official text either as a file (`official_text_file`) or inline \
             (`official_text_base64` with `official_text_name`), not both",
        )),
        (Some(path), None, None) => relative_path(&path)
            .map(|p| Some(OfficialTextSource::Beside(p)))
            .map_err(|e| LineError::new(line, "official_text_file", e)),
        (None, Some(_), None) => Err(LineError::new(
            line,
            "official_text_name",
            "`official_text_base64` needs its file name in `official_text_name`",
        )),
        (None, None, Some(_)) => Err(LineError::new(
            line,
            "official_text_base64",
            "`official_text_name` names bytes given in `official_text_base64`",
        )),
        (None, Some(base64), Some(name)) => Ok(Some(OfficialTextSource::Inline { name, base64 })),
    }
}

/// Decodes one piece of standard base64 (RFC 4648 §4): its length a multiple of 4, `=`
/// padding only at the very end of the `last` piece. A long text is decoded piece by piece
/// so that its bytes never sit whole in memory twice.
pub fn base64_piece(piece: &str, last: bool) -> Result<Vec<u8>, String> {
    fn value(c: u8) -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }
    let bytes = piece.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return Err("not standard base64: its length is not a multiple of 4".into());
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    let quads = bytes.len() / 4;
    for (i, quad) in bytes.chunks(4).enumerate() {
        let final_quad = last && i + 1 == quads;
        let pad = quad.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && !final_quad) {
            return Err("not standard base64: `=` only pads the end".into());
        }
        let mut n = 0u32;
        for &c in &quad[..4 - pad] {
            let v = value(c).ok_or_else(|| {
                format!("not standard base64: `{}` is not a base64 character", c.escape_ascii())
            })?;
            n = (n << 6) | v;
        }
        n <<= 6 * pad as u32;
        let three = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&three[..3 - pad]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_must_stay_beside_the_file() {
        assert_eq!(relative_path(" texts/正式文本.pdf ").as_deref(), Ok("texts/正式文本.pdf"));
        assert_eq!(relative_path("a..b.pdf").as_deref(), Ok("a..b.pdf"));
        for bad in [
            "/etc/passwd",
            "\\\\server\\x.pdf",
            "C:\\x.pdf",
            "../x.pdf",
            "a/../../x.pdf",
            "a\\..\\x",
            "",
            "a\nb.pdf",
        ] {
            assert!(relative_path(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_three_keys_give_one_source_or_a_fault_naming_its_field() {
        let s = |v: &str| Some(v.to_string());
        assert_eq!(official_text(3, None, None, None), Ok(None));
        assert_eq!(
            official_text(3, s("a.pdf"), None, None),
            Ok(Some(OfficialTextSource::Beside("a.pdf".into())))
        );
        let inline = official_text(3, None, s("JVBERg=="), s("a.pdf")).unwrap().unwrap();
        assert_eq!(inline.field(), "official_text_base64");
        let field = |r: Result<_, LineError>| r.unwrap_err().field.unwrap();
        assert_eq!(field(official_text(3, s("../a.pdf"), None, None)), "official_text_file");
        assert_eq!(field(official_text(3, None, s("JVBERg=="), None)), "official_text_name");
        assert_eq!(field(official_text(3, None, None, s("a.pdf"))), "official_text_base64");
        assert_eq!(
            field(official_text(3, s("a.pdf"), s("JVBERg=="), s("a"))),
            "official_text_file"
        );
    }

    #[test]
    fn base64_is_standard_with_padding_only_at_the_end() {
        assert_eq!(base64_piece("JVBERi0=", true).unwrap(), b"%PDF-");
        assert_eq!(base64_piece("JVBERi0xLjQ=", true).unwrap(), b"%PDF-1.4");
        assert_eq!(base64_piece("YQ==", true).unwrap(), b"a");
        assert_eq!(base64_piece("+/+/", true).unwrap(), [0xfb, 0xff, 0xbf]);
        assert_eq!(base64_piece("", true).unwrap(), b"");
        // Pieces decode to the same bytes as the whole.
        let whole = base64_piece("JVBERi0xLjQ=", true).unwrap();
        let pieces =
            [base64_piece("JVBE", false).unwrap(), base64_piece("Ri0xLjQ=", true).unwrap()]
                .concat();
        assert_eq!(whole, pieces);
        for bad in ["YQ=", "YQ==YQ==", "Y===", "YQ-_", "YQ\n=="] {
            assert!(base64_piece(bad, true).is_err(), "{bad:?}");
        }
        assert!(base64_piece("YQ==", false).is_err(), "padding before the last piece");
    }
}
