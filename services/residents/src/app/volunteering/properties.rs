//! Property, through the application against a SQLite event store: any
//! sequence of certifications (retried, repeated, refused, or interrupted
//! after the activity stream took them), redemptions (retried, at stale
//! prices, beyond the balance, or interrupted after paying) and catalogue
//! changes leaves every balance non-negative and equal to its ledger, credits
//! each (activity, volunteer) at most once and, once certification is
//! answered, exactly once; an item leaves stock only for a paid, unrefunded
//! redemption; a refusal writes nothing unless it completes an interrupted
//! command. The read model, fed everything twice, agrees with the store.

use super::catalogue::redemption_id;
use super::*;
use crate::app::fixture::{Fixture, ORGANISER, context, district};
use crate::domain::participation::volunteering::{
    Activity, ActivityCommand, Points, PointsCommand, PointsEvent, RewardEvent, points_for,
};
use gongzhi_eventstore::AllFilter;
use gongzhi_kernel::{Clock, EventCodec};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

const RESIDENTS: usize = 2;
const ACTIVITIES: usize = 3;
const POINTS_PER_HOUR: i64 = 20;
const COSTS: [i64; 2] = [10, 25];

#[derive(Debug, Clone)]
enum Op {
    Certify {
        activity: usize,
        request: u8,
    },
    /// Stops after the activity stream took the certification.
    CertifyThenStop {
        activity: usize,
        request: u8,
    },
    CertifyAsStranger {
        activity: usize,
    },
    Redeem {
        resident: usize,
        item: usize,
        request: u8,
        cost: i64,
    },
    /// Stops after paying, before the stock take.
    PayThenStop {
        resident: usize,
        item: usize,
        request: u8,
        cost: i64,
    },
    Change {
        item: usize,
        cost: i64,
        stock: u32,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let activity = 0..ACTIVITIES;
    let cost = prop::sample::select(COSTS.to_vec());
    prop_oneof![
        3 => (activity.clone(), 0..2u8).prop_map(|(activity, request)| Op::Certify { activity, request }),
        1 => (activity.clone(), 0..2u8)
            .prop_map(|(activity, request)| Op::CertifyThenStop { activity, request }),
        1 => activity.prop_map(|activity| Op::CertifyAsStranger { activity }),
        4 => (0..RESIDENTS, 0..2usize, 0..4u8, cost.clone()).prop_map(
            |(resident, item, request, cost)| Op::Redeem { resident, item, request, cost }
        ),
        1 => (0..RESIDENTS, 0..2usize, 0..4u8, cost.clone()).prop_map(
            |(resident, item, request, cost)| Op::PayThenStop { resident, item, request, cost }
        ),
        1 => (0..2usize, cost, 0..3u32).prop_map(|(item, cost, stock)| Op::Change { item, cost, stock }),
    ]
}

struct World {
    fx: Fixture,
    residents: Vec<Uuid>,
    activities: Vec<Uuid>,
    items: Vec<Uuid>,
    /// minutes[activity][resident]
    minutes: Vec<Vec<i64>>,
    /// Certified activities whose credits may still be missing.
    interrupted_certifications: BTreeSet<usize>,
    /// (resident, request) paid but not yet taken or refunded.
    interrupted_payments: BTreeSet<(usize, u8)>,
}

fn resident_context(resident: usize, request: u8) -> gongzhi_server::CommandContext {
    context(
        &format!("resident-{resident}"),
        &format!("redeem-{request}"),
    )
}

impl World {
    async fn new(minutes: Vec<Vec<i64>>) -> Self {
        let fx = Fixture::new().await;
        let mut residents = Vec::new();
        for _ in 0..RESIDENTS {
            residents.push(fx.resident().await);
        }
        let mut activities = Vec::new();
        for (a, row) in minutes.iter().enumerate() {
            let activity_id = fx.activity(&format!("activity-{a}"), POINTS_PER_HOUR).await;
            for (r, minutes) in row.iter().enumerate() {
                fx.app
                    .record_attendance(
                        &context(ORGANISER, &format!("record-{a}-{r}")),
                        district(),
                        activity_id,
                        residents[r],
                        *minutes,
                    )
                    .await
                    .expect("attendance recorded");
            }
            activities.push(activity_id);
        }
        let mut items = Vec::new();
        for (i, cost) in COSTS.iter().enumerate() {
            let entry = CatalogueEntry {
                name: format!("item {i}"),
                cost: *cost,
                stock: 2,
            };
            let (item_id, _) = fx
                .app
                .add_catalogue_item(&context("staff", &format!("item-{i}")), district(), entry)
                .await
                .expect("item listed");
            items.push(item_id);
        }
        Self {
            fx,
            residents,
            activities,
            items,
            minutes,
            interrupted_certifications: BTreeSet::new(),
            interrupted_payments: BTreeSet::new(),
        }
    }

    /// Runs `op`; answers whether it was refused and whether a refusal may
    /// have written (it completed an interrupted command).
    async fn run(&mut self, op: &Op) -> (bool, bool) {
        let app = &self.fx.app;
        match op.clone() {
            Op::Certify { activity, request } => {
                let ctx = context(ORGANISER, &format!("certify-{activity}-{request}"));
                let result = app
                    .certify(&ctx, district(), self.activities[activity])
                    .await;
                let completes = self.interrupted_certifications.remove(&activity);
                (result.is_err(), completes)
            }
            Op::CertifyThenStop { activity, request } => {
                let ctx = context(ORGANISER, &format!("certify-{activity}-{request}"));
                let command = ActivityCommand::Certify {
                    district: district(),
                    organiser_id: ORGANISER.into(),
                    at: self.fx.clock.now(),
                };
                let result = app
                    .run_request::<Activity>(
                        &ctx,
                        &district(),
                        (ACTIVITY_CATEGORY, &self.activities[activity]),
                        command,
                    )
                    .await;
                if result.as_ref().is_ok_and(|r| !r.replayed) {
                    self.interrupted_certifications.insert(activity);
                }
                (result.is_err(), false)
            }
            Op::CertifyAsStranger { activity } => {
                let ctx = context("stranger", &format!("certify-{activity}"));
                let result = app
                    .certify(&ctx, district(), self.activities[activity])
                    .await;
                (result.is_err(), false)
            }
            Op::Redeem {
                resident,
                item,
                request,
                cost,
            } => {
                let ctx = resident_context(resident, request);
                let result = app
                    .redeem(
                        &ctx,
                        district(),
                        self.residents[resident],
                        self.items[item],
                        cost,
                    )
                    .await;
                let completes = self.interrupted_payments.remove(&(resident, request));
                (result.is_err(), completes)
            }
            Op::PayThenStop {
                resident,
                item,
                request,
                cost,
            } => {
                let ctx = resident_context(resident, request);
                let command = PointsCommand::Redeem {
                    district: district(),
                    redemption_id: redemption_id(&ctx).to_string(),
                    item_id: self.items[item].to_string(),
                    cost,
                    at: self.fx.clock.now(),
                };
                let result = app
                    .run_request::<Points>(
                        &ctx,
                        &district(),
                        (POINTS_CATEGORY, &self.residents[resident]),
                        command,
                    )
                    .await;
                if result.as_ref().is_ok_and(|r| !r.replayed) {
                    self.interrupted_payments.insert((resident, request));
                }
                (result.is_err(), false)
            }
            Op::Change { item, cost, stock } => {
                let entry = CatalogueEntry {
                    name: format!("item {item}"),
                    cost,
                    stock,
                };
                let ctx = context("staff", &format!("change-{item}-{cost}-{stock}"));
                let result = app
                    .update_catalogue_item(&ctx, district(), self.items[item], entry)
                    .await;
                (result.is_err(), false)
            }
        }
    }

    async fn check(&self) -> Result<(), TestCaseError> {
        let mut paid = BTreeSet::new();
        let mut refunded = BTreeSet::new();
        for (r, resident) in self.residents.iter().enumerate() {
            let events = self.fx.points_events(*resident).await;
            let mut credits: BTreeMap<String, usize> = BTreeMap::new();
            let mut ledger = 0i64;
            for event in &events {
                match event {
                    PointsEvent::Earned(e) => {
                        *credits.entry(e.activity_id.clone()).or_default() += 1;
                        ledger += e.points;
                    }
                    PointsEvent::Redeemed(e) => {
                        paid.insert(e.redemption_id.clone());
                        ledger -= e.cost;
                    }
                    PointsEvent::Refunded(e) => {
                        refunded.insert(e.redemption_id.clone());
                        ledger += e.points;
                    }
                }
                let balance_after = match event {
                    PointsEvent::Earned(e) => e.balance_after,
                    PointsEvent::Redeemed(e) => e.balance_after,
                    PointsEvent::Refunded(e) => e.balance_after,
                };
                prop_assert!(balance_after >= 0, "balance went negative: {balance_after}");
                prop_assert_eq!(balance_after, ledger);
            }
            prop_assert_eq!(self.fx.balance(*resident).await, ledger);
            for (a, activity_id) in self.activities.iter().enumerate() {
                let count = credits.get(&activity_id.to_string()).copied().unwrap_or(0);
                prop_assert!(count <= 1, "activity {} credited {} times", a, count);
                let certified_and_answered =
                    self.certified(a).await && !self.interrupted_certifications.contains(&a);
                let owed = points_for(self.minutes[a][r], POINTS_PER_HOUR) > 0;
                if certified_and_answered {
                    prop_assert_eq!(count, usize::from(owed), "activity {} resident {}", a, r);
                }
            }
        }
        let taken = self.taken().await;
        let distinct: BTreeSet<&String> = taken.iter().collect();
        prop_assert_eq!(distinct.len(), taken.len(), "a redemption took twice");
        for redemption in &taken {
            prop_assert!(paid.contains(redemption), "item taken without payment");
            prop_assert!(!refunded.contains(redemption), "item taken and refunded");
        }
        let pending: BTreeSet<String> = self
            .interrupted_payments
            .iter()
            .map(|(r, q)| redemption_id(&resident_context(*r, *q)).to_string())
            .collect();
        for redemption in paid.iter().filter(|p| !pending.contains(*p)) {
            prop_assert!(
                distinct.contains(redemption) || refunded.contains(redemption),
                "an answered redemption was paid but neither taken nor refunded"
            );
        }
        Ok(())
    }

    async fn certified(&self, activity: usize) -> bool {
        matches!(
            self.fx
                .app
                .state::<Activity>(ACTIVITY_CATEGORY, &self.activities[activity])
                .await,
            Ok(crate::domain::participation::volunteering::ActivityState::Planned(facts)) if facts.certified
        )
    }

    /// Redemptions that took an item, each seen once.
    async fn taken(&self) -> Vec<String> {
        let events = self
            .fx
            .store
            .read_all(0, &AllFilter::categories([REWARD_CATEGORY]), 100_000)
            .await
            .expect("read rewards");
        events
            .iter()
            .filter_map(|e| match RewardEvent::decode(&e.event_type, &e.payload) {
                Ok(RewardEvent::Taken(taken)) => Some(taken.redemption_id),
                _ => None,
            })
            .collect()
    }

    /// The read model, fed every event twice, agrees with the store.
    async fn check_read_model(&self) -> Result<(), TestCaseError> {
        self.fx.catch_up().await;
        self.fx.catch_up().await;
        for resident in &self.residents {
            let events = self.fx.points_events(*resident).await;
            let view = self
                .fx
                .app
                .get_points_account(&district(), *resident, 0)
                .await
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(view.balance, self.fx.balance(*resident).await);
            prop_assert_eq!(view.entries.len(), events.len());
            prop_assert_eq!(view.earned - view.redeemed + view.refunded, view.balance);
        }
        Ok(())
    }
}

fn minutes() -> impl Strategy<Value = Vec<Vec<i64>>> {
    // 1 and 2 minutes earn nothing at 20 points an hour.
    proptest::collection::vec(proptest::collection::vec(1i64..=120, RESIDENTS), ACTIVITIES)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn points_are_never_negative_and_never_counted_twice(
        minutes in minutes(),
        ops in proptest::collection::vec(op(), 1..24),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        runtime.block_on(async {
            let mut world = World::new(minutes).await;
            for op in &ops {
                let before = world.fx.head().await;
                let (refused, may_complete) = world.run(op).await;
                if refused && !may_complete {
                    prop_assert_eq!(world.fx.head().await, before, "refused {:?} wrote", op);
                }
                world.check().await?;
            }
            world.check_read_model().await
        })?;
    }
}
