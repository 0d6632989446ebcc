//! A community venture philanthropy round end to end: call, applications
//! (one project per organisation, at most the cap), screening, pitch,
//! funding in tranches, the mid-term review releasing the last one, the
//! final grade; each refusal writes nothing.

use super::*;
use chrono::TimeDelta;
use gongzhi_kernel::Clock;
use gongzhi_proto::gongzhi::procurement::v1::venture_service_client::VentureServiceClient;

async fn register(p: &mut Procurement, n: u32) -> anyhow::Result<String> {
    Ok(p.providers
        .register_provider(authorized(
            pb::RegisterProviderRequest {
                request_id: format!("register-{n}"),
                district: DISTRICT.into(),
                social_credit_code: social_credit_code(n)?,
                name: format!("社区社会组织{n}"),
                kind: pb::ProviderKind::SocialOrganisation as i32,
                qualifications: Vec::new(),
                contact: String::new(),
            },
            &buyer()?,
        )?)
        .await?
        .into_inner()
        .provider_id)
}

fn apply(
    round_id: &str,
    request_id: &str,
    provider_id: &str,
    requested_fen: u64,
) -> pb::ApplyToRoundRequest {
    pb::ApplyToRoundRequest {
        request_id: request_id.into(),
        district: DISTRICT.into(),
        round_id: round_id.into(),
        provider_id: provider_id.into(),
        title: "独居老人助餐".into(),
        requested_fen,
    }
}

/// (request id, round, project) of a project step.
struct Target<'a>(&'a str, &'a str, &'a str);

impl Target<'_> {
    fn release(&self) -> pb::ReleaseTrancheRequest {
        pb::ReleaseTrancheRequest {
            request_id: self.0.into(),
            district: DISTRICT.into(),
            round_id: self.1.into(),
            project_id: self.2.into(),
        }
    }
}

#[tokio::test]
async fn a_venture_round_runs_from_call_to_graded_projects() -> anyhow::Result<()> {
    let mut p = Procurement::start().await?;
    let mut ventures = VentureServiceClient::connect(format!("http://{}", p.started.addr)).await?;
    let token = buyer()?;
    let (a, b, c) = (
        register(&mut p, 1).await?,
        register(&mut p, 2).await?,
        register(&mut p, 3).await?,
    );

    let deadline = p.clock.now() + TimeDelta::days(30);
    let round_id = ventures
        .open_round(authorized(
            pb::OpenRoundRequest {
                request_id: "open".into(),
                district: DISTRICT.into(),
                title: "2027年南岸区社区公益创投".into(),
                total_budget_fen: 30_000_000,
                cap_per_project_fen: 10_000_000,
                call_deadline: deadline.to_rfc3339(),
            },
            &token,
        )?)
        .await?
        .into_inner()
        .round_id;

    let first = ventures
        .apply_to_round(authorized(
            apply(&round_id, "apply-a", &a, 8_000_000),
            &token,
        )?)
        .await?
        .into_inner();
    let second = ventures
        .apply_to_round(authorized(
            apply(&round_id, "apply-b", &b, 5_000_000),
            &token,
        )?)
        .await?
        .into_inner();
    let before = p.events_in("ventureround", &round_id).await?;
    let again = ventures
        .apply_to_round(authorized(
            apply(&round_id, "apply-a-2", &a, 1_000_000),
            &token,
        )?)
        .await;
    assert_eq!(reason(again), "ONE_PROJECT_PER_ORGANISATION");
    let over_cap = ventures
        .apply_to_round(authorized(
            apply(&round_id, "apply-c", &c, 10_000_001),
            &token,
        )?)
        .await;
    assert_eq!(reason(over_cap), "REQUEST_OVER_CAP");
    p.clock.set(deadline + TimeDelta::seconds(1));
    let late = ventures
        .apply_to_round(authorized(
            apply(&round_id, "apply-c-late", &c, 1_000_000),
            &token,
        )?)
        .await;
    assert_eq!(reason(late), "CALL_CLOSED");
    assert_eq!(p.events_in("ventureround", &round_id).await?, before);

    let (pa, pb_) = (first.project_id.as_str(), second.project_id.as_str());
    for (request_id, project, passed) in [("screen-a", pa, true), ("screen-b", pb_, false)] {
        ventures
            .screen_project(authorized(
                pb::ScreenProjectRequest {
                    request_id: request_id.into(),
                    district: DISTRICT.into(),
                    round_id: round_id.clone(),
                    project_id: project.into(),
                    passed,
                    reason: if passed {
                        String::new()
                    } else {
                        "不属于本轮主题".into()
                    },
                },
                &token,
            )?)
            .await?;
    }
    let pitch = |request_id: &str, project: &str, score| pb::ReviewPitchRequest {
        request_id: request_id.into(),
        district: DISTRICT.into(),
        round_id: round_id.clone(),
        project_id: project.into(),
        score,
    };
    let screened_out = ventures
        .review_pitch(authorized(pitch("pitch-b", pb_, 90), &token)?)
        .await;
    assert_eq!(reason(screened_out), "PROJECT_SCREENED_OUT");
    ventures
        .review_pitch(authorized(pitch("pitch-a", pa, 78), &token)?)
        .await?;
    ventures
        .fund_project(authorized(
            pb::FundProjectRequest {
                request_id: "fund-a".into(),
                district: DISTRICT.into(),
                round_id: round_id.clone(),
                project_id: pa.into(),
                tranches_fen: vec![5_000_000, 3_000_000],
            },
            &token,
        )?)
        .await?;
    ventures
        .release_tranche(authorized(
            Target("release-1", &round_id, pa).release(),
            &token,
        )?)
        .await?;
    let before = p.events_in("ventureround", &round_id).await?;
    let too_early = ventures
        .release_tranche(authorized(
            Target("release-2-early", &round_id, pa).release(),
            &token,
        )?)
        .await;
    assert_eq!(reason(too_early), "MID_TERM_REVIEW_NOT_PASSED");
    assert_eq!(p.events_in("ventureround", &round_id).await?, before);
    ventures
        .review_mid_term(authorized(
            pb::ReviewMidTermRequest {
                request_id: "mid-term".into(),
                district: DISTRICT.into(),
                round_id: round_id.clone(),
                project_id: pa.into(),
                score: 72,
            },
            &token,
        )?)
        .await?;
    ventures
        .release_tranche(authorized(
            Target("release-2", &round_id, pa).release(),
            &token,
        )?)
        .await?;
    let graded = ventures
        .grade_project(authorized(
            pb::GradeProjectRequest {
                request_id: "grade".into(),
                district: DISTRICT.into(),
                round_id: round_id.clone(),
                project_id: pa.into(),
                score: 86,
            },
            &token,
        )?)
        .await?
        .into_inner();

    let round = ventures
        .get_round(authorized(
            pb::GetRoundRequest {
                district: DISTRICT.into(),
                round_id: round_id.clone(),
                min_position: position(graded.receipt),
            },
            &token,
        )?)
        .await?
        .into_inner()
        .round
        .ok_or_else(|| anyhow::anyhow!("no round"))?;
    assert_eq!(round.funded_fen, 8_000_000);
    let statuses: Vec<(&str, &str)> = round
        .projects
        .iter()
        .map(|p| (p.project_id.as_str(), p.status.as_str()))
        .collect();
    assert_eq!(statuses, vec![(pa, "GRADED"), (pb_, "SCREENED_OUT")]);
    let graded_project = &round.projects[0];
    assert_eq!(graded_project.grade, pb::VentureGrade::A as i32);
    assert_eq!(
        (graded_project.released_fen, graded_project.final_score),
        (8_000_000, 86)
    );
    p.stop().await
}
