use super::*;
use crate::error::{DivisionErrorKind, TableErrorKind};

fn divisions() -> &'static Divisions {
    Divisions::embedded()
}

fn district(code: &str) -> DistrictCode {
    DistrictCode::parse(code).unwrap()
}

#[test]
fn embedded_tables_parse() {
    // Every line of every file goes through the row parser and the parent
    // checks; a single malformed line fails here.
    let parsed = Divisions::parse(&DivisionTables::EMBEDDED).unwrap();
    let data_lines = |text: &str| text.lines().count() - 1;
    let tables = DivisionTables::EMBEDDED;
    assert_eq!(parsed.provinces.rows().len(), data_lines(tables.provinces));
    assert_eq!(parsed.cities.rows().len(), data_lines(tables.cities));
    assert_eq!(parsed.districts().len(), data_lines(tables.districts));
    assert_eq!(parsed.streets.rows().len(), data_lines(tables.streets));
    assert_eq!(
        parsed.communities.rows().len(),
        data_lines(tables.communities)
    );
    assert!(
        parsed.districts().len() > 2900,
        "the whole country is shipped"
    );
    assert_eq!(parsed.provinces.rows().len(), 31);
}

#[test]
fn known_codes_resolve_with_their_names() {
    let d = divisions();
    assert_eq!(d.province("50").map(|p| p.name), Some("重庆市"));
    assert_eq!(d.city("5001").map(|c| c.parent), Some("50"));
    let nanan = d.district("500108").unwrap();
    assert_eq!((nanan.name, nanan.parent), ("南岸区", "5001"));
    assert_eq!(d.district("110105").map(|x| x.name), Some("朝阳区"));
    assert_eq!(d.district("110108").map(|x| x.name), Some("海淀区"));
    assert_eq!(d.district("500103").map(|x| x.name), Some("渝中区"));
    assert_eq!(d.district("110101").map(|x| x.name), Some("东城区"));
    assert_eq!(d.street("500108003").map(|s| s.name), Some("南坪街道"));
    assert_eq!(d.street("110105001").map(|s| s.name), Some("建外街道"));
    let community = d.community("500108003001").unwrap();
    assert_eq!(community.name, "黄桷渡社区居民委员会");
    assert_eq!(community.parent, "500108003");
}

#[test]
fn unknown_codes_are_refused() {
    let d = divisions();
    assert!(d.district("500199").is_none());
    assert!(d.district("5001").is_none());
    assert_eq!(
        d.district_code("500199").unwrap_err().kind(),
        DivisionErrorKind::UnknownCode
    );
    assert_eq!(
        d.street_code("500108999").unwrap_err(),
        DivisionError::UnknownCode {
            level: Level::Street,
            code: "500108999".into()
        }
    );
    assert_eq!(
        d.community_code("500108003999").unwrap_err().kind(),
        DivisionErrorKind::UnknownCode
    );
    // the district prefix itself does not exist
    assert_eq!(
        d.community_code("500199003001").unwrap_err(),
        DivisionError::UnknownCode {
            level: Level::District,
            code: "500199".into()
        }
    );
}

#[test]
fn malformed_codes_are_refused() {
    let d = divisions();
    for raw in [
        "",
        "50010800",
        "5001080031",
        "50010800a",
        "５００１０８００３",
    ] {
        assert_eq!(
            d.street_code(raw).unwrap_err().kind(),
            DivisionErrorKind::Malformed,
            "{raw}"
        );
    }
    assert_eq!(
        d.district_code("50010x").unwrap_err().kind(),
        DivisionErrorKind::Malformed
    );
    let long = "1".repeat(10_000);
    let message = d.community_code(&long).unwrap_err().to_string();
    assert!(
        message.len() < 100,
        "input is clipped in messages: {message}"
    );
}

#[test]
fn districts_not_covered_refuse_streets_and_communities() {
    let d = divisions();
    assert!(d.covers("500108") && d.covers("500103") && d.covers("110105") && d.covers("110108"));
    assert!(!d.covers("110101"));
    assert!(d.district_code("110101").is_ok());
    assert_eq!(
        d.street_code("110101001").unwrap_err(),
        DivisionError::NotCovered {
            district: "110101".into()
        }
    );
    assert!(d.streets_of("110101").is_empty());
}

#[test]
fn children_are_listed_in_code_order() {
    let d = divisions();
    let streets = d.streets_of("500108");
    assert_eq!(streets.len(), 15);
    assert!(streets.iter().all(|s| s.parent == "500108"));
    assert!(streets.windows(2).all(|pair| pair[0].code < pair[1].code));
    let communities = d.communities_of("500108003");
    assert_eq!(communities.len(), 13);
    assert!(communities.iter().all(|c| c.parent == "500108003"));
    assert!(d.streets_of("50010").is_empty());
    assert!(
        d.communities_of("500108").is_empty(),
        "needs a 9-digit street"
    );
}

#[test]
fn every_shipped_code_parses_and_knows_its_parents() {
    let d = divisions();
    for covered in d.covered_districts() {
        assert!(!d.streets_of(covered).is_empty(), "{covered} has streets");
        for street in d.streets_of(covered) {
            let street_code = d.street_code(street.code).unwrap();
            assert_eq!(street_code.district().as_str(), *covered);
            for community in d.communities_of(street.code) {
                let code = d.community_code(community.code).unwrap();
                assert_eq!(code.street(), &street_code);
                assert_eq!(&community.code[..9], community.parent);
            }
        }
    }
}

#[test]
fn unit_grids_are_a_community_and_a_sequence() {
    let grid = GridCode::parse("500108003001007").unwrap();
    assert_eq!(grid.sequence(), 7);
    assert_eq!(grid.community().as_str(), "500108003001");
    assert_eq!(grid.community().street().as_str(), "500108003");
    assert_eq!(grid.district().as_str(), "500108");
    assert_eq!(grid.to_string(), "500108003001007");
    assert_eq!(
        GridCode::parse("500108003001999").map(|g| g.sequence()),
        Ok(999)
    );

    let d = divisions();
    assert_eq!(
        d.unit_grid("500108003001000").unwrap_err().kind(),
        DivisionErrorKind::Malformed
    );
    assert_eq!(
        d.unit_grid("500108003999001").unwrap_err().kind(),
        DivisionErrorKind::UnknownCode
    );
    assert_eq!(
        d.unit_grid("50010800300100").unwrap_err().kind(),
        DivisionErrorKind::Malformed
    );
    assert_eq!(
        d.unit_grid("110101001001001").unwrap_err().kind(),
        DivisionErrorKind::NotCovered
    );
}

#[test]
fn codes_outside_the_given_district_are_a_parent_mismatch() {
    let nanan = district("500108");
    assert!(StreetCode::parse_in("500108003", &nanan).is_ok());
    assert!(CommunityCode::parse_in("500108003001", &nanan).is_ok());
    assert!(GridCode::parse_in("500108003001001", &nanan).is_ok());
    assert_eq!(
        StreetCode::parse_in("500103001", &nanan).unwrap_err(),
        DivisionError::ParentMismatch {
            level: Level::Street,
            code: "500103001".into(),
            parent_level: Level::District,
            expected_parent: "500108".into(),
        }
    );
    let error = CommunityCode::parse_in("500103001003", &nanan).unwrap_err();
    assert_eq!(error.kind(), DivisionErrorKind::ParentMismatch);
    assert_eq!(
        error.to_string(),
        "community 500103001003 is not under district 500108"
    );
    // reported as another district's code even though 110101 is not covered
    assert_eq!(
        GridCode::parse_in("110101001001001", &nanan)
            .unwrap_err()
            .kind(),
        DivisionErrorKind::ParentMismatch
    );
}

#[test]
fn codes_serialise_as_their_plain_code() {
    let community = CommunityCode::parse("500103001003").unwrap();
    assert_eq!(serde_json_string(&community), "\"500103001003\"");
}

fn serde_json_string<T: serde::Serialize>(value: &T) -> String {
    let mut out = Vec::new();
    value
        .serialize(&mut serde_json::Serializer::new(&mut out))
        .unwrap();
    String::from_utf8(out).unwrap()
}

const HEADER_ONLY: &str = "code\tname\tparent\n";

fn tables_with(streets: &'static str, covered: &'static str) -> DivisionTables {
    DivisionTables {
        provinces: "code\tname\tparent\n50\t重庆市\t\n",
        cities: "code\tname\tparent\n5001\t市辖区\t50\n",
        districts: "code\tname\tparent\n500108\t南岸区\t5001\n",
        streets,
        communities: HEADER_ONLY,
        covered_districts: covered,
    }
}

#[test]
fn inconsistent_tables_are_refused() {
    let street = "code\tname\tparent\n500108003\t南坪街道\t500108\n";
    assert!(Divisions::parse(&tables_with(street, "500108\n")).is_ok());
    let not_covered = Divisions::parse(&tables_with(street, "")).unwrap_err();
    assert_eq!(not_covered.kind(), TableErrorKind::NotCovered);
    let orphan = "code\tname\tparent\n500103001\t七星岗街道\t500103\n";
    let error = Divisions::parse(&tables_with(orphan, "500108\n")).unwrap_err();
    assert_eq!(error.kind(), TableErrorKind::UnknownParent);
    let error = Divisions::parse(&tables_with(HEADER_ONLY, "500199\n")).unwrap_err();
    assert_eq!(error.kind(), TableErrorKind::UnknownCoveredDistrict);
}
