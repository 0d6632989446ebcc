use super::*;
use chrono::TimeZone;

fn district() -> DistrictCode {
    DistrictCode::parse("500108").expect("district")
}

fn register(kind: ProviderKind) -> ProviderCommand {
    ProviderCommand::Register {
        provider_id: "p1".into(),
        district: district(),
        code: SocialCreditCode::parse("91350100M000100Y43").expect("code"),
        name: "南岸区乐龄社工服务中心".into(),
        kind,
        qualifications: vec!["养老服务资质".into()],
        contact: "023-62000000".into(),
        at: Utc
            .with_ymd_and_hms(2027, 1, 4, 9, 0, 0)
            .single()
            .expect("time"),
    }
}

fn given(events: &[ProviderEvent]) -> ProviderState {
    Provider::fold(events)
}

fn registered() -> Vec<ProviderEvent> {
    Provider::decide(
        &ProviderState::Absent,
        register(ProviderKind::SocialOrganisation),
    )
    .expect("registered")
}

#[test]
fn a_social_organisation_registers_with_its_code() {
    let events = registered();
    let [ProviderEvent::Registered(e)] = events.as_slice() else {
        panic!("one registration: {events:?}");
    };
    assert_eq!(e.social_credit_code, "91350100M000100Y43");
    assert_eq!(e.registered_at, "2027-01-04T09:00:00Z");
    assert_eq!(e.kind, ProviderKind::SocialOrganisation as i32);
}

#[test]
fn a_category_one_public_institution_is_refused() {
    assert_eq!(
        Provider::decide(
            &ProviderState::Absent,
            register(ProviderKind::PublicInstitutionCategory1)
        ),
        Err(ProviderError::CategoryOnePublicInstitution)
    );
}

#[test]
fn other_public_institutions_and_individuals_may_provide() {
    for kind in [
        ProviderKind::PublicInstitution,
        ProviderKind::Enterprise,
        ProviderKind::CollectiveEconomicOrganisation,
        ProviderKind::GrassrootsSelfGoverningOrganisation,
        ProviderKind::Individual,
    ] {
        assert!(Provider::decide(&ProviderState::Absent, register(kind)).is_ok());
    }
}

#[test]
fn the_kind_must_be_named() {
    assert_eq!(
        Provider::decide(&ProviderState::Absent, register(ProviderKind::Unspecified)),
        Err(ProviderError::Required { field: "kind" })
    );
}

#[test]
fn a_code_registers_once() {
    assert_eq!(
        Provider::decide(&given(&registered()), register(ProviderKind::Enterprise)),
        Err(ProviderError::AlreadyRegistered)
    );
}

#[test]
fn qualifications_are_updated_in_the_providers_district_only() {
    let state = given(&registered());
    let update = |d: &str| ProviderCommand::UpdateQualifications {
        district: DistrictCode::parse(d).expect("district"),
        qualifications: vec!["养老服务资质".into(), "调解员证书".into()],
    };
    let events = Provider::decide(&state, update("500108")).expect("updated");
    let state = events.iter().fold(state, Provider::evolve);
    let ProviderState::Present(facts) = &state else {
        panic!("present");
    };
    assert_eq!(facts.qualifications.len(), 2);
    assert_eq!(Provider::decide(&state, update("500108")), Ok(Vec::new()));
    assert_eq!(
        Provider::decide(&state, update("110105")),
        Err(ProviderError::WrongDistrict)
    );
}

#[test]
fn an_empty_qualification_is_refused() {
    let mut command = register(ProviderKind::Enterprise);
    if let ProviderCommand::Register { qualifications, .. } = &mut command {
        qualifications.push("  ".into());
    }
    assert_eq!(
        Provider::decide(&ProviderState::Absent, command),
        Err(ProviderError::EmptyQualification)
    );
}
