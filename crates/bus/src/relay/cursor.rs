//! What the relay knows of one context's JetStream stream: its last sequence
//! (every publish expects it, so nothing lands out of order) and the store
//! position of the last event this relay stored there (so a restart after an
//! outage longer than the duplicate window republishes nothing).

use super::RelayError;
use crate::cloudevents::{self, POSITION};
use crate::topology::BusTopology;
use async_nats::jetstream;
use async_nats::jetstream::stream::RawMessageErrorKind;

/// Header naming the relay that published a message; the last position is
/// trusted only from this relay's own messages.
pub const RELAY_HEADER: &str = "gongzhi-relay";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamCursor {
    pub stream: String,
    /// Sequence of the stream's last message, 0 for an empty stream.
    pub last_sequence: u64,
    /// Store position of the relay's last event in the stream, 0 if unknown.
    pub last_position: u64,
}

impl StreamCursor {
    /// Creates or updates the context's stream and reads where it ends.
    pub async fn sync(
        jetstream: &jetstream::Context,
        topology: &BusTopology,
        context: &str,
        relay_name: &str,
    ) -> Result<Self, RelayError> {
        let info = topology.ensure_context_stream(jetstream, context).await?;
        let stream = info.config.name.clone();
        let last_sequence = info.state.last_sequence;
        if last_sequence == 0 {
            return Ok(Self {
                stream,
                last_sequence,
                last_position: 0,
            });
        }
        let handle = jetstream
            .get_stream_no_info(&stream)
            .await
            .map_err(|e| state_error(&stream, e))?;
        let last_position = match handle.get_raw_message(last_sequence).await {
            Ok(message) => {
                let ours =
                    cloudevents::optional(&message.headers, RELAY_HEADER) == Some(relay_name);
                cloudevents::optional(&message.headers, POSITION)
                    .filter(|_| ours)
                    .and_then(|raw| raw.parse::<u64>().ok())
                    .unwrap_or(0)
            }
            // Aged out or deleted: the checkpoint and the duplicate window
            // are all there is to go on.
            Err(error) if error.kind() == RawMessageErrorKind::NoMessageFound => 0,
            Err(error) => return Err(state_error(&stream, error)),
        };
        Ok(Self {
            stream,
            last_sequence,
            last_position,
        })
    }
}

fn state_error(stream: &str, error: impl std::fmt::Display) -> RelayError {
    RelayError::StreamState {
        stream: stream.to_owned(),
        reason: error.to_string(),
    }
}
