//! Notice text as newtypes that cannot hold invalid values.

pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_BODY_CHARS: usize = 20_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeTitle(String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeBody(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("must not be blank")]
    Blank,
    #[error("must be at most {max} characters, got {got}")]
    TooLong { max: usize, got: usize },
    #[error("must not contain control characters")]
    ControlCharacters,
}

fn check(raw: &str, max: usize, allow_newlines: bool) -> Result<String, TextError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(TextError::Blank);
    }
    let chars = trimmed.chars().count();
    if chars > max {
        return Err(TextError::TooLong { max, got: chars });
    }
    let bad = trimmed
        .chars()
        .any(|c| c.is_control() && !(allow_newlines && (c == '\n' || c == '\t')));
    if bad {
        return Err(TextError::ControlCharacters);
    }
    Ok(trimmed.to_owned())
}

impl NoticeTitle {
    pub fn parse(raw: &str) -> Result<Self, TextError> {
        check(raw, MAX_TITLE_CHARS, false).map(Self)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl NoticeBody {
    pub fn parse(raw: &str) -> Result<Self, TextError> {
        check(raw, MAX_BODY_CHARS, true).map(Self)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_is_trimmed_and_bounded() {
        assert_eq!(
            NoticeTitle::parse("  停水通知 ").map(|t| t.as_str().to_owned()),
            Ok("停水通知".into())
        );
        assert_eq!(NoticeTitle::parse("   "), Err(TextError::Blank));
        let long = "长".repeat(MAX_TITLE_CHARS + 1);
        assert_eq!(
            NoticeTitle::parse(&long),
            Err(TextError::TooLong {
                max: MAX_TITLE_CHARS,
                got: MAX_TITLE_CHARS + 1
            })
        );
        assert_eq!(
            NoticeTitle::parse("a\nb"),
            Err(TextError::ControlCharacters)
        );
    }

    #[test]
    fn body_keeps_line_breaks() {
        assert!(NoticeBody::parse("第一行\n第二行").is_ok());
        assert_eq!(
            NoticeBody::parse("x\u{0}y"),
            Err(TextError::ControlCharacters)
        );
    }
}
