use super::*;
use proptest::prelude::*;

#[test]
fn accepts_the_published_examples() {
    let company = SocialCreditCode::parse("91110000600037341L").unwrap();
    assert_eq!(company.registering_authority(), '9');
    assert_eq!(company.region_code(), "110000");
    assert_eq!(company.to_string(), "91110000600037341L");
    assert!(SocialCreditCode::parse("91350100M000100Y43").is_ok());
}

#[test]
fn normalises_lowercase() {
    let code = SocialCreditCode::parse("91350100m000100y43").unwrap();
    assert_eq!(code.as_str(), "91350100M000100Y43");
}

#[test]
fn refuses_each_kind_of_mistake() {
    let cases = [
        ("", SocialCreditCodeError::WrongLength(0)),
        ("91110000600037341", SocialCreditCodeError::WrongLength(17)),
        (
            "91110000600037341LL",
            SocialCreditCodeError::WrongLength(19),
        ),
        (
            "9111000060003734IL",
            SocialCreditCodeError::BadCharacter { position: 17 },
        ),
        (
            "O1110000600037341L",
            SocialCreditCodeError::BadCharacter { position: 1 },
        ),
        (
            "9111000060003734-L",
            SocialCreditCodeError::BadCharacter { position: 17 },
        ),
        (
            "9111000060003734１L",
            SocialCreditCodeError::BadCharacter { position: 17 },
        ),
        (
            "91110000600037341M",
            SocialCreditCodeError::WrongCheckCharacter { expected: 'L' },
        ),
        (
            "91350100M000100Y44",
            SocialCreditCodeError::WrongCheckCharacter { expected: '3' },
        ),
    ];
    for (raw, expected) in cases {
        assert_eq!(SocialCreditCode::parse(raw), Err(expected), "{raw}");
    }
    let error = SocialCreditCode::parse("91110000600037341M").unwrap_err();
    assert_eq!(error.kind(), SocialCreditCodeErrorKind::WrongCheckCharacter);
    assert_eq!(
        error.to_string(),
        "social credit code check character should be L"
    );
}

#[test]
fn check_char_needs_seventeen_alphabet_chars() {
    assert_eq!(SocialCreditCode::check_char("91110000600037341"), Some('L'));
    assert_eq!(SocialCreditCode::check_char("9111000060003734"), None);
    assert_eq!(SocialCreditCode::check_char("9111000060003734I"), None);
}

const ALPHABET_STR: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

fn valid_body() -> impl Strategy<Value = String> {
    proptest::collection::vec(0usize..31, 17).prop_map(|indices| {
        indices
            .into_iter()
            .map(|index| char::from(ALPHABET_STR.as_bytes()[index]))
            .collect()
    })
}

proptest! {
    #[test]
    fn a_body_with_its_check_char_parses(body in valid_body()) {
        let check = SocialCreditCode::check_char(&body).unwrap();
        let code = SocialCreditCode::parse(&format!("{body}{check}")).unwrap();
        prop_assert_eq!(&code.as_str()[..17], body.as_str());
    }

    #[test]
    fn changing_any_one_char_is_refused(
        body in valid_body(),
        position in 0usize..18,
        shift in 1usize..31,
    ) {
        let original = format!("{body}{}", SocialCreditCode::check_char(&body).unwrap());
        let mut chars = original.clone().into_bytes();
        let current = ALPHABET_STR.bytes().position(|s| s == chars[position]).unwrap();
        chars[position] = ALPHABET_STR.as_bytes()[(current + shift) % 31];
        let changed = String::from_utf8(chars).unwrap();
        prop_assert_ne!(&changed, &original);
        prop_assert!(SocialCreditCode::parse(&changed).is_err(), "{} was accepted", changed);
    }
}
