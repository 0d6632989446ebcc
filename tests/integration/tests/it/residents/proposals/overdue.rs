//! The overdue watcher: an assigned item past its deadline without an answer
//! is flagged once, by the system, also when the deadline passed while the
//! watcher was not running. The residents service is built directly (as
//! `build()` makes it) on real PostgreSQL with a fake clock, its read models
//! fed in-process; time moves only on the fake clock.

use super::*;
use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use futures::StreamExt;
use gongzhi_bus::InProcessDelivery;
use gongzhi_eventstore::{PostgresEventStore, RecordedEvent, SharedEventStore};
use gongzhi_kernel::FakeClock;
use gongzhi_privacy::{KeyStore, MasterKey, PostgresKeyStore, Vault};
use gongzhi_projections::{ProjectionHandler, ReadModelDb};
use gongzhi_residents::app::proposals::{ProposalOverdueWatcher, SYSTEM_ACTOR};
use gongzhi_server::{HostConfig, ServiceHost};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::task::JoinSet;

const FLAGGED: &str = "gongzhi.residents.v1.ProposalFlaggedOverdue";

/// Monday 2 March 2026, 10:00 in Chongqing.
fn monday_morning() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0)
        .single()
        .unwrap_or_else(|| panic!("a valid fixed instant"))
}

struct Direct {
    _db: crate::support::pg::TestDb,
    store: SharedEventStore,
    clock: FakeClock,
    addr: SocketAddr,
    watcher: Option<ProposalOverdueWatcher>,
    shutdown: CancellationToken,
    tasks: JoinSet<()>,
}

impl Direct {
    async fn start(clock: FakeClock) -> anyhow::Result<Self> {
        let db = fresh_database().await?;
        let store = PostgresEventStore::connect(&db.url).await?;
        store.migrate().await?;
        let store: SharedEventStore = Arc::new(store);
        let keys = PostgresKeyStore::connect(&db.url).await?;
        keys.migrate().await?;
        let vault = Vault::new(Arc::new(keys), &MasterKey::generate()?);
        let service = gongzhi_residents::build(gongzhi_residents::ResidentsDeps {
            store: store.clone(),
            read_models: ReadModelDb::postgres(&db.url).await?,
            vault,
            max_wait: Duration::from_secs(5),
            clock: Arc::new(clock.clone()),
            config: Arc::new(gongzhi_residents::app::config::ResidentsConfig::default()),
        })
        .await?;
        let shutdown = CancellationToken::new();
        let mut tasks = JoinSet::new();
        for handle in &service.projections {
            for source in handle.sources() {
                let delivery = InProcessDelivery::new(
                    store.clone(),
                    Arc::new(ProjectionHandler::new(handle.clone())),
                    format!("{}-{}", handle.name(), source.context),
                    source.filter(),
                );
                tasks.spawn(delivery.run(shutdown.clone()));
            }
        }
        let mut host = ServiceHost::new(HostConfig {
            listen_addr: "127.0.0.1:0".parse()?,
            auth: AuthConfig::new(SECRET.to_vec()),
            drain_timeout: Duration::from_secs(5),
        })
        .add_service("residents", service.residents)
        .add_service("proposals", service.proposals);
        let addr = host.bind().await?;
        let serving = shutdown.clone();
        tasks.spawn(async move {
            if let Err(error) = host.serve(serving).await {
                panic!("grpc host failed: {error}");
            }
        });
        Ok(Self {
            _db: db,
            store,
            clock,
            addr,
            watcher: Some(service.proposal_overdue),
            shutdown,
            tasks,
        })
    }

    async fn clients(
        &self,
    ) -> anyhow::Result<(
        ResidentServiceClient<Channel>,
        ProposalServiceClient<Channel>,
    )> {
        let url = format!("http://{}", self.addr);
        Ok((
            ResidentServiceClient::connect(url.clone()).await?,
            ProposalServiceClient::connect(url).await?,
        ))
    }

    fn watcher(&mut self) -> anyhow::Result<ProposalOverdueWatcher> {
        self.watcher
            .take()
            .ok_or_else(|| anyhow::anyhow!("the watcher was taken already"))
    }

    async fn flags(&self) -> anyhow::Result<Vec<RecordedEvent>> {
        let all = self
            .store
            .read_all(0, &AllFilter::categories(["proposal"]), 100_000)
            .await?;
        Ok(all
            .into_iter()
            .filter(|e| e.event_type == FLAGGED)
            .collect())
    }

    /// Waits (bounded) for the `n`th overdue flag in the store.
    async fn nth_flag(&self, n: usize) -> anyhow::Result<RecordedEvent> {
        let mut events = self
            .store
            .subscribe_all(0, AllFilter::categories(["proposal"]));
        let mut seen = 0;
        let found = tokio::time::timeout(Duration::from_secs(15), async {
            while let Some(event) = events.next().await {
                let event = event?;
                if event.event_type == FLAGGED {
                    seen += 1;
                    if seen == n {
                        return Ok(event);
                    }
                }
            }
            Err(anyhow::anyhow!("the subscription ended"))
        })
        .await;
        found.map_err(|_| anyhow::anyhow!("no overdue flag number {n} within 15 s"))?
    }

    async fn stop(mut self) -> anyhow::Result<()> {
        self.shutdown.cancel();
        while let Some(done) = self.tasks.join_next().await {
            done?;
        }
        Ok(())
    }
}

/// Raises an item by a new resident `n` and assigns it with `deadline`;
/// returns its id.
async fn assigned(
    residents: &mut ResidentServiceClient<Channel>,
    proposals: &mut ProposalServiceClient<Channel>,
    n: u32,
    deadline: DateTime<Utc>,
) -> anyhow::Result<String> {
    let (resident, _) = register_nth(residents, n).await?;
    let (id, _) = raise(
        proposals,
        raise_request(&format!("raise-{n}"), &resident),
        &resident_token(&resident)?,
    )
    .await?;
    proposals
        .assign_proposal(authorized(
            assign_request(
                &format!("assign-{n}"),
                &id,
                "worker-wang",
                &deadline.to_rfc3339(),
            ),
            &community_worker()?,
        )?)
        .await?;
    Ok(id)
}

async fn caught_up(
    direct: &Direct,
    proposals: &mut ProposalServiceClient<Channel>,
    id: &str,
) -> anyhow::Result<pb::Proposal> {
    let position = direct.store.head_position().await?;
    get(proposals, id, position, &community_worker()?).await
}

#[tokio::test]
async fn an_unanswered_item_past_its_deadline_is_flagged_once() -> anyhow::Result<()> {
    let start = monday_morning();
    let mut direct = Direct::start(FakeClock::at(start)).await?;
    let (mut residents, mut proposals) = direct.clients().await?;
    let late = assigned(
        &mut residents,
        &mut proposals,
        1,
        start + TimeDelta::days(1),
    )
    .await?;
    let later = assigned(
        &mut residents,
        &mut proposals,
        2,
        start + TimeDelta::days(3),
    )
    .await?;
    let answered = assigned(
        &mut residents,
        &mut proposals,
        3,
        start + TimeDelta::days(1),
    )
    .await?;
    let owner = staff("worker-wang", &["community_worker"], &[DISTRICT])?;
    proposals
        .answer_proposal(authorized(answer_request("answer-3", &answered), &owner)?)
        .await?;
    caught_up(&direct, &mut proposals, &answered).await?;
    let watcher = direct.watcher()?;

    let pass = watcher.tick().await?;
    assert_eq!(
        (pass.flagged, pass.failed, pass.next_due),
        (0, 0, Some(start + TimeDelta::days(1)))
    );

    direct.clock.advance(TimeDelta::days(2));
    let pass = watcher.tick().await?;
    assert_eq!(
        (pass.flagged, pass.failed, pass.next_due),
        (1, 0, Some(start + TimeDelta::days(3)))
    );
    // A second pass, before or after the read model took the flag, writes
    // nothing new.
    let again = watcher.tick().await?;
    assert_eq!((again.flagged, again.failed), (0, 0));
    caught_up(&direct, &mut proposals, &late).await?;
    assert_eq!(watcher.tick().await?.flagged, 0);

    let flags = direct.flags().await?;
    assert_eq!(flags.len(), 1, "{flags:?}");
    assert_eq!(flags[0].stream.to_string(), format!("proposal-{late}"));
    assert_eq!(flags[0].metadata.actor, SYSTEM_ACTOR);

    let item = caught_up(&direct, &mut proposals, &late).await?;
    assert!(item.overdue);
    assert_eq!(item.status, pb::ProposalStatus::Assigned as i32);
    assert!(!caught_up(&direct, &mut proposals, &later).await?.overdue);
    assert!(!caught_up(&direct, &mut proposals, &answered).await?.overdue);

    let overdue = proposals
        .list_proposals(authorized(
            pb::ListProposalsRequest {
                district: DISTRICT.into(),
                overdue_only: true,
                status: pb::ProposalStatus::Assigned as i32,
                ..Default::default()
            },
            &community_worker()?,
        )?)
        .await?
        .into_inner();
    assert_eq!(
        overdue
            .proposals
            .iter()
            .map(|p| p.proposal_id.as_str())
            .collect::<Vec<_>>(),
        vec![late.as_str()]
    );

    // A late answer is still taken; the item stays marked as having been late.
    proposals
        .answer_proposal(authorized(answer_request("answer-1", &late), &owner)?)
        .await?;
    let item = caught_up(&direct, &mut proposals, &late).await?;
    assert_eq!(
        (item.status, item.overdue),
        (pb::ProposalStatus::Answered as i32, true)
    );
    direct.stop().await
}

#[tokio::test]
async fn the_running_watcher_flags_missed_deadlines_at_start_and_wakes_on_writes()
-> anyhow::Result<()> {
    let start = monday_morning();
    let mut direct = Direct::start(FakeClock::at(start)).await?;
    let (mut residents, mut proposals) = direct.clients().await?;
    // The deadline passes while no watcher runs.
    let missed = assigned(
        &mut residents,
        &mut proposals,
        1,
        start + TimeDelta::hours(1),
    )
    .await?;
    caught_up(&direct, &mut proposals, &missed).await?;
    direct.clock.advance(TimeDelta::hours(2));

    let watcher = direct.watcher()?;
    tokio::spawn(watcher.run(direct.shutdown.clone()));
    let first = direct.nth_flag(1).await?;
    assert_eq!(first.stream.to_string(), format!("proposal-{missed}"));

    // The next deadline passes on the fake clock while the watcher sleeps
    // (its timer runs on real time); any write to a proposal wakes it.
    let next = assigned(
        &mut residents,
        &mut proposals,
        2,
        start + TimeDelta::hours(3),
    )
    .await?;
    caught_up(&direct, &mut proposals, &next).await?;
    direct.clock.advance(TimeDelta::hours(2));
    let (supporter, _) = register_nth(&mut residents, 3).await?;
    proposals
        .support_proposal(authorized(
            support_request("wake", &missed, &supporter),
            &resident_token(&supporter)?,
        )?)
        .await?;
    let second = direct.nth_flag(2).await?;
    assert_eq!(second.stream.to_string(), format!("proposal-{next}"));
    assert_eq!(direct.flags().await?.len(), 2);
    direct.stop().await
}
