use super::*;
use proptest::prelude::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
}

fn parse(raw: &str) -> Result<ResidentIdNumber, IdNumberError> {
    ResidentIdNumber::parse_on(raw, today())
}

#[test]
fn accepts_the_published_examples() {
    let beijing = parse("11010519491231002X").unwrap();
    assert_eq!(
        beijing.birth_date(),
        NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()
    );
    assert_eq!(beijing.sex(), Sex::Female);
    assert_eq!(beijing.region_code(), "110105");
    assert_eq!(beijing.masked(), "110105********002X");

    let jiangxi = parse("360426199101010071").unwrap();
    assert_eq!(
        jiangxi.birth_date(),
        NaiveDate::from_ymd_opt(1991, 1, 1).unwrap()
    );
    assert_eq!(jiangxi.sex(), Sex::Male);
    assert_eq!(jiangxi.as_str(), "360426199101010071");
}

#[test]
fn the_real_clock_accepts_an_old_birth_date() {
    assert!(ResidentIdNumber::parse("11010519491231002X").is_ok());
}

#[test]
fn normalises_a_lowercase_x() {
    let id = parse("11010519491231002x").unwrap();
    assert_eq!(id.as_str(), "11010519491231002X");
    assert_eq!(id, parse("11010519491231002X").unwrap());
}

#[test]
fn debug_shows_only_the_masked_number() {
    let debug = format!("{:?}", parse("11010519491231002X").unwrap());
    assert_eq!(debug, r#"ResidentIdNumber("110105********002X")"#);
}

#[test]
fn refuses_each_kind_of_mistake() {
    let cases = [
        ("", IdNumberError::WrongLength(0)),
        ("11010519491231002", IdNumberError::WrongLength(17)),
        ("11010519491231002X0", IdNumberError::WrongLength(19)),
        (
            "11010519491231002Y",
            IdNumberError::BadCharacter { position: 18 },
        ),
        (
            "1101051949123100X2",
            IdNumberError::BadCharacter { position: 17 },
        ),
        (
            "１10105194912310021",
            IdNumberError::BadCharacter { position: 1 },
        ),
        (
            "11010519490230002X",
            IdNumberError::ImpossibleBirthDate(BirthDateProblem::NotACalendarDate),
        ),
        (
            "11010519491301002X",
            IdNumberError::ImpossibleBirthDate(BirthDateProblem::NotACalendarDate),
        ),
        (
            "110105209901010011",
            IdNumberError::ImpossibleBirthDate(BirthDateProblem::InTheFuture),
        ),
        (
            "110105189912310011",
            IdNumberError::ImpossibleBirthDate(BirthDateProblem::Before1900),
        ),
        (
            "110105194912310021",
            IdNumberError::WrongCheckDigit { expected: 'X' },
        ),
        (
            "360426199101010070",
            IdNumberError::WrongCheckDigit { expected: '1' },
        ),
    ];
    for (raw, expected) in cases {
        assert_eq!(parse(raw), Err(expected), "{raw}");
    }
}

#[test]
fn error_kinds_and_messages_do_not_quote_the_number() {
    let error = parse("110105194912310021").unwrap_err();
    assert_eq!(error.kind(), IdNumberErrorKind::WrongCheckDigit);
    assert_eq!(error.to_string(), "id number check character should be X");
    let error = parse("11010519490230002X").unwrap_err();
    assert_eq!(error.kind(), IdNumberErrorKind::ImpossibleBirthDate);
    assert!(!error.to_string().contains("110105"));
}

#[test]
fn check_char_needs_seventeen_digits() {
    assert_eq!(ResidentIdNumber::check_char("11010519491231002"), Some('X'));
    assert_eq!(ResidentIdNumber::check_char("1101051949123100"), None);
    assert_eq!(ResidentIdNumber::check_char("1101051949123100A"), None);
}

fn valid_body() -> impl Strategy<Value = String> {
    let first_day = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
    let span = (today() - first_day).num_days();
    ("[1-8][0-9]{5}", 0..=span, 0u32..1000).prop_map(move |(region, offset, sequence)| {
        let birth = first_day + chrono::Duration::days(offset);
        format!("{region}{}{sequence:03}", birth.format("%Y%m%d"))
    })
}

proptest! {
    #[test]
    fn a_body_with_its_check_char_parses(body in valid_body()) {
        let check = ResidentIdNumber::check_char(&body).unwrap();
        let id = parse(&format!("{body}{check}")).unwrap();
        prop_assert_eq!(&id.as_str()[..17], body.as_str());
        let expected_sex = if (body.as_bytes()[16] - b'0') % 2 == 1 { Sex::Male } else { Sex::Female };
        prop_assert_eq!(id.sex(), expected_sex);
    }

    #[test]
    fn changing_any_one_char_is_refused(
        body in valid_body(),
        position in 0usize..18,
        shift in 1u8..11,
    ) {
        let check = ResidentIdNumber::check_char(&body).unwrap();
        let mut chars: Vec<u8> = format!("{body}{check}").into_bytes();
        chars[position] = if position == 17 {
            let symbols = b"0123456789X";
            let current = symbols.iter().position(|&s| s == chars[17]).unwrap();
            symbols[(current + usize::from(shift)) % 11]
        } else {
            // a digit moved by 1 to 9 places, so always a different digit
            b'0' + (chars[position] - b'0' + 1 + (shift - 1) % 9) % 10
        };
        let changed = String::from_utf8(chars).unwrap();
        prop_assert_ne!(&changed, &format!("{body}{check}"));
        prop_assert!(parse(&changed).is_err(), "{} was accepted", changed);
    }
}
