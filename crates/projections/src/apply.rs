//! Where events meet a read model: a batch is put in store order (filling
//! what it lacks from the store), each event is applied unless its source
//! checkpoint has passed it, and every checkpoint that moved is written
//! once, all in the caller's transaction.

use crate::handle::{apply_span, read_checkpoints, write_checkpoint};
use crate::{Backend, Projection, ProjectionError, Source};
use gongzhi_eventstore::{EventStore, RecordedEvent};
use sqlx::{Any, AnyConnection, Transaction};
use std::borrow::Cow;
use std::collections::HashMap;
use tracing::Instrument;

/// Events read per query when a batch's missing events come from the store.
const GAP_PAGE: usize = 500;

/// Points the transaction at the live generation (as `set_local_schema`
/// does, schema `rm_<name>_g<n>`) in one round trip. Appliers pass
/// `for_share`: the registry row is then held FOR SHARE until commit, and a
/// rebuild's switch takes it FOR UPDATE, so nothing is applied to a
/// generation being retired.
pub(crate) async fn enter_generation(
    tx: &mut Transaction<'static, Any>,
    name: &str,
    for_share: bool,
) -> Result<(), ProjectionError> {
    let statement = if for_share {
        "SELECT set_config('search_path', 'rm_' || name || '_g' || active_generation, true) \
         FROM projections.registry WHERE name = $1 FOR SHARE"
    } else {
        "SELECT set_config('search_path', 'rm_' || name || '_g' || active_generation, true) \
         FROM projections.registry WHERE name = $1"
    };
    let _: String = sqlx::query_scalar(statement)
        .bind(name)
        .fetch_one(&mut **tx)
        .await?;
    Ok(())
}

pub(crate) struct Applied {
    pub applied: u64,
    /// Checkpoint keys that moved, with their new positions.
    pub moved: Vec<(String, u64)>,
}

/// The one place events meet a read model: each is skipped if its source
/// checkpoint has passed it, else applied; the checkpoints are read once
/// and every one that moved is written once, in the caller's transaction.
pub(crate) async fn apply_in(
    connection: &mut AnyConnection,
    projection: &dyn Projection,
    backend: Backend,
    store: &dyn EventStore,
    events: &[(&Source, &RecordedEvent)],
) -> Result<Applied, ProjectionError> {
    let mut checkpoints: HashMap<String, u64> =
        read_checkpoints(connection).await?.into_iter().collect();
    let events = in_store_order(connection, store, projection, &checkpoints, events).await?;
    let mut moved: Vec<(String, u64)> = Vec::new();
    let mut applied = 0;
    for (source, event, filled) in &events {
        let event: &RecordedEvent = event;
        let key = projection.checkpoint_key(source, event);
        if checkpoints.get(&key).is_some_and(|c| *c >= event.position) {
            continue;
        }
        let span = apply_span(projection.name(), event);
        let result = projection
            .apply(connection, backend, event)
            .instrument(span)
            .await;
        match result {
            Err(error) if *filled => {
                return Err(ProjectionError::MissingEventFailed {
                    projection: projection.name().to_owned(),
                    position: event.position,
                    reason: error.to_string(),
                });
            }
            result => result?,
        }
        applied += 1;
        checkpoints.insert(key.clone(), event.position);
        match moved.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = event.position,
            None => moved.push((key, event.position)),
        }
    }
    for (key, position) in &moved {
        let position = i64::try_from(*position)
            .map_err(|_| ProjectionError::apply(projection.name(), key, "position beyond i64"))?;
        write_checkpoint(connection, key, position).await?;
    }
    Ok(Applied { applied, moved })
}

/// Replicas sharing a durable consumer with several messages in flight each
/// get part of a context's events, so a batch may skip events another
/// replica holds; moving the checkpoint past them would skip them for good.
/// So per source (keyed by context: positions of one store), the delivered
/// events past the checkpoint are counted against the store, one query per
/// batch; if any is missing in between, that source's events up to the last
/// delivered one are taken from the store instead, in `$all` order (the
/// other replica's copies are then skipped by the checkpoint).
async fn in_store_order<'a>(
    connection: &mut AnyConnection,
    store: &dyn EventStore,
    projection: &dyn Projection,
    checkpoints: &HashMap<String, u64>,
    events: &[(&'a Source, &'a RecordedEvent)],
) -> Result<Vec<Ordered<'a>>, ProjectionError> {
    let mut ordered: Vec<Ordered<'a>> = Vec::with_capacity(events.len());
    let mut sources: Vec<&'a Source> = Vec::new();
    for (source, _) in events {
        if !sources.iter().any(|s| std::ptr::eq(*s, *source)) {
            sources.push(source);
        }
    }
    for source in sources {
        let mine: Vec<&'a RecordedEvent> = events
            .iter()
            .filter(|(s, _)| std::ptr::eq(*s, source))
            .map(|(_, e)| *e)
            .collect();
        let by_context = mine
            .iter()
            .all(|e| projection.checkpoint_key(source, e) == source.context);
        let after = checkpoints.get(&source.context).copied().unwrap_or(0);
        let mut fresh: Vec<u64> = mine
            .iter()
            .map(|e| e.position)
            .filter(|p| *p > after)
            .collect();
        fresh.sort_unstable();
        fresh.dedup();
        let Some(last) = fresh.last().copied().filter(|_| by_context) else {
            ordered.extend(mine.into_iter().map(|e| (source, Cow::Borrowed(e), false)));
            continue;
        };
        let stored = store.count_between(after, last, &source.filter()).await?;
        if stored == fresh.len() as u64 {
            ordered.extend(mine.into_iter().map(|e| (source, Cow::Borrowed(e), false)));
            continue;
        }
        // Dead-lettered events are not missing: they were given up on.
        let skipped = read_skipped(connection, &source.context, after, last).await?;
        let given_up = skipped.iter().filter(|p| !fresh.contains(p)).count() as u64;
        if stored == fresh.len() as u64 + given_up {
            ordered.extend(mine.into_iter().map(|e| (source, Cow::Borrowed(e), false)));
            continue;
        }
        tracing::debug!(
            projection = projection.name(),
            source = %source.context,
            after,
            last,
            "events missing from a delivered batch, applying from the store"
        );
        let mut position = after;
        while position < last {
            let page = store.read_all(position, &source.filter(), GAP_PAGE).await?;
            let Some(end) = page.last().map(|e| e.position) else {
                break;
            };
            for event in page {
                if event.position > last || skipped.contains(&event.position) {
                    continue;
                }
                let filled = !fresh.contains(&event.position);
                ordered.push((source, Cow::Owned(event), filled));
            }
            position = end;
        }
    }
    Ok(ordered)
}

/// An event to apply, and whether it came from the store to fill a batch.
type Ordered<'a> = (&'a Source, Cow<'a, RecordedEvent>, bool);

async fn read_skipped(
    connection: &mut AnyConnection,
    source: &str,
    after: u64,
    last: u64,
) -> Result<Vec<u64>, ProjectionError> {
    let positions: Vec<i64> = sqlx::query_scalar(
        "SELECT position FROM projection_skipped WHERE source = $1 AND position > $2 \
         AND position <= $3",
    )
    .bind(source)
    .bind(i64::try_from(after).unwrap_or(i64::MAX))
    .bind(i64::try_from(last).unwrap_or(i64::MAX))
    .fetch_all(&mut *connection)
    .await?;
    Ok(positions
        .into_iter()
        .filter_map(|p| u64::try_from(p).ok())
        .collect())
}
