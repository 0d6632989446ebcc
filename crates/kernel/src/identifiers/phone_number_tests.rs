use super::*;

#[test]
fn accepts_mobile_and_landline_numbers() {
    for raw in [
        "13812345678",
        "19912345678",
        "023-12345678",
        "010-62345678",
        "0755-2345678",
    ] {
        let phone = PhoneNumber::parse(raw).unwrap();
        assert_eq!(phone.as_str(), raw);
    }
}

#[test]
fn masks_the_middle() {
    let mobile = PhoneNumber::parse("13812345678").unwrap();
    assert!(mobile.is_mobile());
    assert_eq!(mobile.masked(), "138****5678");
    assert_eq!(format!("{mobile:?}"), r#"PhoneNumber("138****5678")"#);
    let landline = PhoneNumber::parse("023-12345678").unwrap();
    assert!(!landline.is_mobile());
    assert_eq!(landline.masked(), "023-****5678");
    assert!(!format!("{landline:?}").contains("1234"));
}

#[test]
fn refuses_other_shapes() {
    let cases = [
        ("", PhoneNumberError::WrongShape),
        ("1381234567", PhoneNumberError::WrongShape),
        ("138123456789", PhoneNumberError::WrongShape),
        ("12812345678", PhoneNumberError::WrongShape),
        ("23812345678", PhoneNumberError::WrongShape),
        ("02312345678", PhoneNumberError::WrongShape),
        ("023-1234567890", PhoneNumberError::WrongShape),
        ("023-02345678", PhoneNumberError::WrongShape),
        ("23-12345678", PhoneNumberError::WrongShape),
        ("023--2345678", PhoneNumberError::WrongShape),
        ("0-23-2345678", PhoneNumberError::WrongShape),
        (
            "138 1234 5678",
            PhoneNumberError::BadCharacter { position: 4 },
        ),
        (
            "+8613812345678",
            PhoneNumberError::BadCharacter { position: 1 },
        ),
    ];
    for (raw, expected) in cases {
        assert_eq!(PhoneNumber::parse(raw), Err(expected), "{raw}");
    }
    assert_eq!(
        PhoneNumber::parse("x").unwrap_err().kind(),
        PhoneNumberErrorKind::BadCharacter
    );
}
