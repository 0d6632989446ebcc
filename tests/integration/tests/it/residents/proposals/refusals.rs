//! Every bad request gets a clear error and changes nothing: the count of
//! stored proposal events and the item as read back stay as they were.

use super::*;
use tonic::Code;

/// A raised and assigned item, two residents (the raiser first), and the
/// number of proposal events stored so far.
struct Scene {
    service: Residents,
    client: ProposalServiceClient<Channel>,
    people: Vec<String>,
    proposal_id: String,
}

impl Scene {
    async fn start() -> anyhow::Result<Self> {
        let service = Residents::start().await?;
        let mut residents = service.client().await?;
        let mut people = Vec::new();
        for n in 1..=2 {
            people.push(register_nth(&mut residents, n).await?.0);
        }
        let mut client = proposals_client(&service).await?;
        let (proposal_id, _) = raise(
            &mut client,
            raise_request("raise", &people[0]),
            &resident_token(&people[0])?,
        )
        .await?;
        client
            .assign_proposal(authorized(
                assign_request("assign", &proposal_id, "worker-wang", &days_from_now(3)),
                &community_worker()?,
            )?)
            .await?;
        Ok(Self {
            service,
            client,
            people,
            proposal_id,
        })
    }

    /// The item as staff read it after every write so far.
    async fn item(&mut self) -> anyhow::Result<pb::Proposal> {
        let position = head(&self.service).await?;
        get(
            &mut self.client,
            &self.proposal_id,
            position,
            &community_worker()?,
        )
        .await
    }

    /// Runs `refused`, expects `code` (and `reason` when given), and checks
    /// that no proposal event was written and the item did not change.
    async fn refuses<F, Fut>(
        &mut self,
        what: &str,
        code: Code,
        reason: Option<&str>,
        refused: F,
    ) -> anyhow::Result<tonic::Status>
    where
        F: FnOnce(ProposalServiceClient<Channel>) -> Fut,
        Fut: std::future::Future<Output = Result<(), tonic::Status>>,
    {
        let events = proposal_events(&self.service).await?;
        let before = self.item().await?;
        let status = refused(self.client.clone())
            .await
            .err()
            .ok_or_else(|| anyhow::anyhow!("{what}: accepted, expected {code:?}"))?;
        assert_eq!(status.code(), code, "{what}: {status:?}");
        if let Some(expected) = reason {
            assert_eq!(
                super::reason(&status).as_deref(),
                Some(expected),
                "{what}: {status:?}"
            );
        }
        assert_eq!(
            proposal_events(&self.service).await?,
            events,
            "{what} wrote events"
        );
        assert_eq!(self.item().await?, before, "{what} changed the item");
        Ok(status)
    }
}

#[tokio::test]
async fn domain_refusals_change_nothing() -> anyhow::Result<()> {
    let mut scene = Scene::start().await?;
    let id = scene.proposal_id.clone();
    let supporter = scene.people[1].clone();
    let supporter_token = resident_token(&supporter)?;
    scene
        .client
        .support_proposal(authorized(
            support_request("support", &id, &supporter),
            &supporter_token,
        )?)
        .await?;

    let (request, token) = (support_request("again", &id, &supporter), supporter_token);
    scene
        .refuses(
            "supporting twice",
            Code::FailedPrecondition,
            Some("PROPOSAL_ALREADY_SUPPORTED"),
            |mut c| async move {
                c.support_proposal(authorized(request, &token).map_err(internal)?)
                    .await
                    .map(drop)
            },
        )
        .await?;
    assert_eq!(scene.item().await?.support_count, 1);

    let request = assign_request("assign-2", &id, "worker-li", &days_from_now(5));
    scene
        .refuses(
            "assigning twice",
            Code::FailedPrecondition,
            Some("PROPOSAL_ALREADY_ASSIGNED"),
            |mut c| async move {
                c.assign_proposal(
                    authorized(request, &community_worker().map_err(internal)?)
                        .map_err(internal)?,
                )
                .await
                .map(drop)
            },
        )
        .await?;

    let request = close_request("close-early", &id);
    scene
        .refuses(
            "closing before the answer",
            Code::FailedPrecondition,
            Some("PROPOSAL_NOT_ANSWERED"),
            |mut c| async move {
                c.close_proposal(
                    authorized(request, &community_worker().map_err(internal)?)
                        .map_err(internal)?,
                )
                .await
                .map(drop)
            },
        )
        .await?;

    let request = answer_request("answer-other", &id);
    scene
        .refuses(
            "an answer by someone who is not the owner",
            Code::FailedPrecondition,
            Some("PROPOSAL_NOT_OWNER"),
            |mut c| async move {
                let other =
                    staff("worker-li", &["community_worker"], &[DISTRICT]).map_err(internal)?;
                c.answer_proposal(authorized(request, &other).map_err(internal)?)
                    .await
                    .map(drop)
            },
        )
        .await?;

    let stranger = uuid::Uuid::new_v4().to_string();
    let request = support_request("stranger", &id, &stranger);
    scene
        .refuses(
            "support by someone who does not live here",
            Code::FailedPrecondition,
            Some("RESIDENT_NOT_IN_DISTRICT"),
            |mut c| async move {
                c.support_proposal(
                    authorized(request, &community_worker().map_err(internal)?)
                        .map_err(internal)?,
                )
                .await
                .map(drop)
            },
        )
        .await?;

    // An administrator answers in the owner's place, once.
    let admin = staff("admin-zhao", &["district_admin"], &[DISTRICT])?;
    scene
        .client
        .answer_proposal(authorized(answer_request("answer-admin", &id), &admin)?)
        .await?;
    let answered = scene.item().await?;
    assert!(answered.answered_by_admin);
    assert_eq!(
        answered.answered_by.map(|o| o.id),
        Some("admin-zhao".to_owned())
    );
    let request = answer_request("answer-again", &id);
    scene
        .refuses(
            "answering twice",
            Code::FailedPrecondition,
            Some("PROPOSAL_ALREADY_ANSWERED"),
            |mut c| async move {
                let owner =
                    staff("worker-wang", &["community_worker"], &[DISTRICT]).map_err(internal)?;
                c.answer_proposal(authorized(request, &owner).map_err(internal)?)
                    .await
                    .map(drop)
            },
        )
        .await?;
    scene.service.stop().await
}

#[tokio::test]
async fn a_deadline_before_raising_is_refused() -> anyhow::Result<()> {
    let service = Residents::start().await?;
    let mut residents = service.client().await?;
    let (resident, _) = register_nth(&mut residents, 1).await?;
    let mut client = proposals_client(&service).await?;
    let (id, _) = raise(
        &mut client,
        raise_request("raise", &resident),
        &resident_token(&resident)?,
    )
    .await?;
    let events = proposal_events(&service).await?;
    let refused = client
        .assign_proposal(authorized(
            assign_request("assign", &id, "worker-wang", "2020-01-01T08:00:00+08:00"),
            &community_worker()?,
        )?)
        .await
        .err()
        .ok_or_else(|| anyhow::anyhow!("a deadline in 2020 was accepted"))?;
    assert_eq!(refused.code(), Code::FailedPrecondition);
    assert_eq!(
        reason(&refused).as_deref(),
        Some("DEADLINE_NOT_AFTER_RAISED")
    );
    assert_eq!(proposal_events(&service).await?, events);
    let item = get(
        &mut client,
        &id,
        head(&service).await?,
        &community_worker()?,
    )
    .await?;
    assert_eq!(item.status, pb::ProposalStatus::Open as i32);
    assert!(item.owner.is_none() && item.deadline.is_empty());
    service.stop().await
}

#[tokio::test]
async fn other_districts_and_other_residents_are_kept_out() -> anyhow::Result<()> {
    let mut scene = Scene::start().await?;
    let id = scene.proposal_id.clone();
    let (raiser, neighbour) = (scene.people[0].clone(), scene.people[1].clone());

    // A resident raises and supports only as themselves.
    let request = raise_request("impersonate", &raiser);
    let as_neighbour = resident_token(&neighbour)?;
    scene
        .refuses(
            "a resident raising for someone else",
            Code::PermissionDenied,
            None,
            |mut c| async move {
                c.raise_proposal(authorized(request, &as_neighbour).map_err(internal)?)
                    .await
                    .map(drop)
            },
        )
        .await?;
    let request = support_request("impersonate-support", &id, &raiser);
    let as_neighbour = resident_token(&neighbour)?;
    scene
        .refuses(
            "a resident supporting as someone else",
            Code::PermissionDenied,
            None,
            |mut c| async move {
                c.support_proposal(authorized(request, &as_neighbour).map_err(internal)?)
                    .await
                    .map(drop)
            },
        )
        .await?;
    // Residents do not assign or close.
    let request = assign_request("resident-assigns", &id, "worker-li", &days_from_now(1));
    let as_neighbour = resident_token(&neighbour)?;
    scene
        .refuses(
            "a resident assigning",
            Code::PermissionDenied,
            None,
            |mut c| async move {
                c.assign_proposal(authorized(request, &as_neighbour).map_err(internal)?)
                    .await
                    .map(drop)
            },
        )
        .await?;

    // Staff of another district may not act here...
    let outsider = token(&["district_admin"], &[OTHER_DISTRICT])?;
    let request = answer_request("outsider-answer", &id);
    let as_outsider = outsider.clone();
    scene
        .refuses(
            "another district's administrator answering",
            Code::PermissionDenied,
            None,
            |mut c| async move {
                c.answer_proposal(authorized(request, &as_outsider).map_err(internal)?)
                    .await
                    .map(drop)
            },
        )
        .await?;
    let read = pb::GetProposalRequest {
        district: DISTRICT.into(),
        proposal_id: id.clone(),
        min_position: 0,
    };
    let denied = scene
        .client
        .get_proposal(authorized(read, &outsider)?)
        .await
        .err()
        .map(|s| s.code());
    assert_eq!(denied, Some(Code::PermissionDenied));

    // ...and in their own district this item does not exist.
    let request = pb::CloseProposalRequest {
        district: OTHER_DISTRICT.into(),
        ..close_request("outsider-close", &id)
    };
    let as_outsider = outsider.clone();
    scene
        .refuses(
            "closing another district's item",
            Code::NotFound,
            None,
            |mut c| async move {
                c.close_proposal(authorized(request, &as_outsider).map_err(internal)?)
                    .await
                    .map(drop)
            },
        )
        .await?;
    let read = pb::GetProposalRequest {
        district: OTHER_DISTRICT.into(),
        proposal_id: id.clone(),
        min_position: 0,
    };
    let hidden = scene
        .client
        .get_proposal(authorized(read, &outsider)?)
        .await
        .err()
        .map(|s| s.code());
    assert_eq!(hidden, Some(Code::NotFound));
    scene.service.stop().await
}

#[tokio::test]
async fn bad_fields_are_reported_together_and_write_nothing() -> anyhow::Result<()> {
    let mut scene = Scene::start().await?;
    let raiser = scene.people[0].clone();
    let token = resident_token(&raiser)?;

    let mut request = complaint_request("", &raiser, "");
    request.title = " ".into();
    request.community = "500103001002".into();
    if let Some(problem) = request.street_problem.as_mut() {
        problem.grid = "500108".into();
        if let Some(location) = problem.location.as_mut() {
            location.longitude = 200.0;
        }
    }
    let raise_token = token.clone();
    let status = scene
        .refuses(
            "a raise with bad fields",
            Code::InvalidArgument,
            None,
            |mut c| async move {
                c.raise_proposal(authorized(request, &raise_token).map_err(internal)?)
                    .await
                    .map(drop)
            },
        )
        .await?;
    assert_eq!(
        violated_fields(&status),
        vec![
            "request_id",
            "title",
            "community",
            "street_problem.grid",
            "street_problem.category",
            "street_problem.location.longitude"
        ]
    );

    let mut request = raise_request("proposal-on-street", &raiser);
    request.street_problem = complaint_request("x", &raiser, "路灯").street_problem;
    request.kind = pb::ProposalKind::Unspecified as i32;
    let raise_token = token.clone();
    let status = scene
        .refuses(
            "a raise without a kind",
            Code::InvalidArgument,
            None,
            |mut c| async move {
                c.raise_proposal(authorized(request, &raise_token).map_err(internal)?)
                    .await
                    .map(drop)
            },
        )
        .await?;
    assert_eq!(violated_fields(&status), vec!["kind"]);

    let mut request = raise_request("proposal-on-street-2", &raiser);
    request.street_problem = complaint_request("x", &raiser, "路灯").street_problem;
    let raise_token = token.clone();
    let status = scene
        .refuses(
            "a proposal (not a complaint) about a street problem",
            Code::InvalidArgument,
            None,
            |mut c| async move {
                c.raise_proposal(authorized(request, &raise_token).map_err(internal)?)
                    .await
                    .map(drop)
            },
        )
        .await?;
    assert_eq!(violated_fields(&status), vec!["street_problem"]);

    let request = pb::AssignProposalRequest {
        owner: Some(pb::ProposalOwner {
            kind: 0,
            id: String::new(),
        }),
        ..assign_request("assign-bad", "not-a-uuid", "x", "next monday")
    };
    let status = scene
        .refuses(
            "an assignment with bad fields",
            Code::InvalidArgument,
            None,
            |mut c| async move {
                c.assign_proposal(
                    authorized(request, &community_worker().map_err(internal)?)
                        .map_err(internal)?,
                )
                .await
                .map(drop)
            },
        )
        .await?;
    assert_eq!(
        violated_fields(&status),
        vec!["proposal_id", "owner.kind", "owner.id", "deadline"]
    );

    let request = pb::AnswerProposalRequest {
        answer: "x".repeat(2001),
        ..answer_request("answer-long", &scene.proposal_id)
    };
    let status = scene
        .refuses(
            "an answer too long",
            Code::InvalidArgument,
            None,
            |mut c| async move {
                let owner =
                    staff("worker-wang", &["community_worker"], &[DISTRICT]).map_err(internal)?;
                c.answer_proposal(authorized(request, &owner).map_err(internal)?)
                    .await
                    .map(drop)
            },
        )
        .await?;
    assert_eq!(violated_fields(&status), vec!["answer"]);
    scene.service.stop().await
}

fn internal(error: anyhow::Error) -> tonic::Status {
    tonic::Status::internal(error.to_string())
}
