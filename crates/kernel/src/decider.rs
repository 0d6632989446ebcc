//! The Decider: an aggregate as two pure functions. `decide` turns a command
//! into events (or refuses it) given the current state; `evolve` folds one
//! event into the state. No I/O, no async, so domain tests need no mocks and
//! read as given events / when command / then events or error.

pub trait Decider {
    type State: Default;
    type Command;
    type Event;
    type Error;

    fn decide(state: &Self::State, command: Self::Command)
    -> Result<Vec<Self::Event>, Self::Error>;

    fn evolve(state: Self::State, event: &Self::Event) -> Self::State;

    /// Replays history into a state.
    fn fold<'a, I>(events: I) -> Self::State
    where
        I: IntoIterator<Item = &'a Self::Event>,
        Self::Event: 'a,
    {
        events
            .into_iter()
            .fold(Self::State::default(), Self::evolve)
    }
}

/// How a domain event becomes stored bytes and back. The type name is the full
/// proto message name; the payload is the encoded proto message.
pub trait EventCodec: Sized {
    fn event_type(&self) -> &'static str;
    fn encode(&self) -> Vec<u8>;
    fn decode(event_type: &str, payload: &[u8]) -> Result<Self, DecodeError>;
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("unknown event type {0}")]
    UnknownType(String),
    #[error("payload of {event_type} does not decode: {reason}")]
    Malformed { event_type: String, reason: String },
}
