use super::{
    CaseCategory, CatalogueErrorKind, CategoryCatalogue, CategoryErrorKind, CategoryKind,
    MajorClass, MinorClass, Urgency,
};

#[test]
fn categories_parse_and_print_in_the_same_form() {
    let category = CaseCategory::parse("component/01/02").expect("valid category");
    assert_eq!(category.kind(), CategoryKind::Component);
    assert_eq!(category.major(), "01");
    assert_eq!(category.minor(), "02");
    assert_eq!(category.to_string(), "component/01/02");
    let built = CaseCategory::new(CategoryKind::Event, "05", "01").expect("valid fields");
    assert_eq!(built.to_string(), "event/05/01");
}

#[test]
fn malformed_categories_are_refused_with_a_kind() {
    let cases = [
        ("component/01", CategoryErrorKind::WrongShape),
        ("component/01/02/03", CategoryErrorKind::WrongShape),
        ("", CategoryErrorKind::WrongShape),
        ("facility/01/02", CategoryErrorKind::UnknownKind),
        ("Event/01/02", CategoryErrorKind::UnknownKind),
        ("event/1/02", CategoryErrorKind::BadCode),
        ("event/01/0x", CategoryErrorKind::BadCode),
        ("event/01/００", CategoryErrorKind::BadCode),
    ];
    for (raw, expected) in cases {
        let kind = CaseCategory::parse(raw).err().map(|e| e.kind());
        assert_eq!(kind, Some(expected), "{raw:?}");
    }
}

#[test]
fn categories_and_urgency_use_text_in_serde() {
    let category = CaseCategory::parse("event/03/01").expect("valid");
    let json = serde_json::to_string(&(category.clone(), Urgency::VeryUrgent)).expect("serialises");
    assert_eq!(json, r#"["event/03/01","very_urgent"]"#);
    let back: (CaseCategory, Urgency) = serde_json::from_str(&json).expect("parses");
    assert_eq!(back, (category, Urgency::VeryUrgent));
    assert!(serde_json::from_str::<CaseCategory>(r#""event/3/1""#).is_err());
}

#[test]
fn the_illustrative_catalogue_has_the_twelve_major_classes() {
    let catalogue = CategoryCatalogue::illustrative();
    let count = |kind| {
        catalogue
            .classes()
            .iter()
            .filter(|c| c.kind == kind)
            .count()
    };
    assert_eq!(count(CategoryKind::Component), 6);
    assert_eq!(count(CategoryKind::Event), 6);
    let revalidated = CategoryCatalogue::from_classes(catalogue.classes().to_vec());
    assert_eq!(revalidated.as_ref(), Ok(&catalogue));
    let cover = CaseCategory::parse("component/01/01").expect("valid");
    assert_eq!(catalogue.names_of(&cover), Some(("公用设施", "上水井盖")));
    assert!(!catalogue.contains(&CaseCategory::parse("event/09/01").expect("valid")));
    assert!(catalogue.categories().iter().all(|c| catalogue.contains(c)));
}

#[test]
fn invalid_catalogues_are_refused_with_a_kind() {
    let class = |major: &str, name: &str, minors: &[(&str, &str)]| MajorClass {
        kind: CategoryKind::Event,
        major: major.to_owned(),
        name: name.to_owned(),
        minors: minors
            .iter()
            .map(|(minor, name)| MinorClass {
                minor: (*minor).to_owned(),
                name: (*name).to_owned(),
            })
            .collect(),
    };
    let cases = [
        (vec![class("1", "市容", &[])], CatalogueErrorKind::BadCode),
        (
            vec![class("01", "市容", &[("1", "垃圾")])],
            CatalogueErrorKind::BadCode,
        ),
        (vec![class("01", " ", &[])], CatalogueErrorKind::EmptyName),
        (
            vec![class("01", "市容", &[("01", "")])],
            CatalogueErrorKind::EmptyName,
        ),
        (
            vec![class("01", "市容", &[]), class("01", "其他", &[])],
            CatalogueErrorKind::Duplicate,
        ),
        (
            vec![class("01", "市容", &[("01", "垃圾"), ("01", "渣土")])],
            CatalogueErrorKind::Duplicate,
        ),
    ];
    for (classes, expected) in cases {
        let kind = CategoryCatalogue::from_classes(classes)
            .err()
            .map(|e| e.kind());
        assert_eq!(kind, Some(expected));
    }
    let json = r#"[{"kind": "event", "major": "01", "name": "市容", "minors": [{"minor": "1", "name": "x"}]}]"#;
    assert!(serde_json::from_str::<CategoryCatalogue>(json).is_err());
}
