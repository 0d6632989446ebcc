use super::*;
use chrono::TimeZone;

fn publish(code: &str, nature: ServiceNature) -> CatalogueCommand {
    CatalogueCommand::Publish {
        district: DistrictCode::parse("500108").expect("district"),
        item_code: code.into(),
        name: "居家养老上门服务".into(),
        nature,
        stable: true,
        dispatchable: false,
        at: Utc
            .with_ymd_and_hms(2027, 1, 4, 9, 0, 0)
            .single()
            .expect("time"),
    }
}

fn published(code: &str) -> CatalogueState {
    let events = Catalogue::decide(
        &CatalogueState::default(),
        publish(code, ServiceNature::PublicService),
    )
    .expect("published");
    Catalogue::fold(&events)
}

#[test]
fn public_and_auxiliary_services_are_published() {
    for nature in [
        ServiceNature::PublicService,
        ServiceNature::AuxiliaryService,
    ] {
        let events =
            Catalogue::decide(&CatalogueState::default(), publish("care", nature)).expect("ok");
        assert_eq!(events.len(), 1);
    }
    assert!(published("care").purchasable("care").is_ok());
}

#[test]
fn goods_works_financing_and_staff_dispatch_are_refused() {
    for nature in [
        ServiceNature::Goods,
        ServiceNature::Works,
        ServiceNature::WorksWithServices,
        ServiceNature::Financing,
        ServiceNature::StaffDispatch,
    ] {
        assert_eq!(
            Catalogue::decide(&CatalogueState::default(), publish("x", nature)),
            Err(CatalogueError::NotPurchasable(nature))
        );
    }
}

#[test]
fn the_nature_must_be_named() {
    assert_eq!(
        Catalogue::decide(
            &CatalogueState::default(),
            publish("x", ServiceNature::Unspecified)
        ),
        Err(CatalogueError::Required { field: "nature" })
    );
}

#[test]
fn an_item_code_is_published_once() {
    assert_eq!(
        Catalogue::decide(
            &published("care"),
            publish("care", ServiceNature::PublicService)
        ),
        Err(CatalogueError::ItemExists("care".into()))
    );
}

#[test]
fn a_withdrawn_item_is_no_longer_purchasable() {
    let state = published("care");
    let withdraw = CatalogueCommand::Withdraw {
        district: DistrictCode::parse("500108").expect("district"),
        item_code: "care".into(),
        reason: "merged into a wider item".into(),
    };
    let events = Catalogue::decide(&state, withdraw.clone()).expect("withdrawn");
    let state = events.iter().fold(state, Catalogue::evolve);
    assert_eq!(
        state.purchasable("care").err(),
        Some(CatalogueError::ItemWithdrawn("care".into()))
    );
    assert_eq!(
        Catalogue::decide(&state, withdraw),
        Err(CatalogueError::ItemWithdrawn("care".into()))
    );
    assert_eq!(
        published("care").purchasable("other").err(),
        Some(CatalogueError::ItemNotFound("other".into()))
    );
}
