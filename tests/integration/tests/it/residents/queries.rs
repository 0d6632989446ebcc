//! Lists by community, grid and needs tag, paged; counts follow moves.

use super::*;
use gongzhi_kernel::ResidentIdNumber;

/// A valid ID number for the n-th test person (sequence varies, check computed).
fn id_number(n: u32) -> anyhow::Result<String> {
    let body = format!("110105198001{:02}{:03}", 1 + n % 28, 100 + n);
    let check =
        ResidentIdNumber::check_char(&body).ok_or_else(|| anyhow::anyhow!("no check char"))?;
    Ok(format!("{body}{check}"))
}

async fn register_person(
    client: &mut ResidentServiceClient<Channel>,
    n: u32,
    grid: &str,
    residency: pb::Residency,
) -> anyhow::Result<(String, u64)> {
    let mut request = registration(&format!("person-{n}"));
    request.id_number = id_number(n)?;
    request.grid = grid.into();
    request.residency = residency as i32;
    let response = client
        .register_resident(authorized(request, &district_admin()?)?)
        .await?
        .into_inner();
    Ok((
        response.resident_id,
        response.receipt.map_or(0, |r| r.position),
    ))
}

async fn list(
    client: &mut ResidentServiceClient<Channel>,
    mut request: pb::ListResidentsRequest,
) -> anyhow::Result<Vec<String>> {
    request.district = DISTRICT.into();
    request.page_size = 2;
    let mut ids = Vec::new();
    loop {
        let page = client
            .list_residents(authorized(request.clone(), &community_worker()?)?)
            .await?
            .into_inner();
        assert!(page.residents.len() <= 2, "page size respected");
        ids.extend(page.residents.into_iter().map(|r| r.resident_id));
        if page.next_page_token.is_empty() {
            return Ok(ids);
        }
        request.page_token = page.next_page_token;
        request.min_position = 0;
    }
}

#[tokio::test]
async fn residents_list_by_community_grid_and_tag_in_pages() -> anyhow::Result<()> {
    let service = Residents::start().await?;
    let mut client = service.client().await?;
    let mut everyone = Vec::new();
    let mut last = 0;
    for n in 0..5 {
        let grid = if n < 3 { GRID } else { "" };
        let residency = if n % 2 == 0 {
            pb::Residency::Registered
        } else {
            pb::Residency::Floating
        };
        let (id, position) = register_person(&mut client, n, grid, residency).await?;
        everyone.push(id);
        last = position;
    }
    let tag = pb::SetNeedsTagsRequest {
        request_id: "tag".into(),
        district: DISTRICT.into(),
        resident_id: everyone[4].clone(),
        tags: vec![pb::NeedsTag::ChildLeftBehind as i32],
    };
    last = last.max(
        client
            .set_needs_tags(authorized(tag, &district_admin()?)?)
            .await?
            .into_inner()
            .receipt
            .map_or(0, |r| r.position),
    );

    let mut all = list(
        &mut client,
        pb::ListResidentsRequest {
            community: COMMUNITY.into(),
            min_position: last,
            ..Default::default()
        },
    )
    .await?;
    all.sort();
    let mut expected = everyone.clone();
    expected.sort();
    assert_eq!(all, expected, "five residents over three pages, each once");

    let in_grid = list(
        &mut client,
        pb::ListResidentsRequest {
            grid: GRID.into(),
            ..Default::default()
        },
    )
    .await?;
    assert_eq!(in_grid.len(), 3);
    let tagged = list(
        &mut client,
        pb::ListResidentsRequest {
            tag: pb::NeedsTag::ChildLeftBehind as i32,
            ..Default::default()
        },
    )
    .await?;
    assert_eq!(tagged, vec![everyone[4].clone()]);

    let counts = client
        .get_population_counts(authorized(
            pb::GetPopulationCountsRequest {
                district: DISTRICT.into(),
                min_position: last,
            },
            &community_worker()?,
        )?)
        .await?
        .into_inner()
        .communities;
    assert_eq!(counts.len(), 1);
    assert_eq!((counts[0].registered, counts[0].floating), (3, 2));

    // Moving out leaves the counts; moving back in returns to them.
    let out = pb::MoveOutRequest {
        request_id: "out".into(),
        district: DISTRICT.into(),
        resident_id: everyone[0].clone(),
        reason: "工作调动".into(),
    };
    let moved = client
        .move_out(authorized(out, &community_worker()?)?)
        .await?
        .into_inner()
        .receipt
        .map_or(0, |r| r.position);
    let counts = client
        .get_population_counts(authorized(
            pb::GetPopulationCountsRequest {
                district: DISTRICT.into(),
                min_position: moved,
            },
            &community_worker()?,
        )?)
        .await?
        .into_inner()
        .communities;
    assert_eq!((counts[0].registered, counts[0].floating), (2, 2));
    service.stop().await
}
