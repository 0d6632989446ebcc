use super::{NoticeBody, NoticeTitle};
use gongzhi_kernel::{Decider, DecodeError, DistrictCode, EventCodec};
use gongzhi_proto::gongzhi::platform::v1 as pb;
use prost::Message;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum NoticeState {
    #[default]
    Absent,
    Published {
        district: String,
    },
    Withdrawn,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoticeCommand {
    Publish {
        notice_id: String,
        district: DistrictCode,
        title: NoticeTitle,
        body: NoticeBody,
        by: String,
    },
    Withdraw {
        notice_id: String,
        district: DistrictCode,
        reason: String,
        by: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum NoticeEvent {
    Published(pb::NoticePublished),
    Withdrawn(pb::NoticeWithdrawn),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoticeError {
    #[error("notice already exists")]
    AlreadyExists,
    #[error("notice not found")]
    NotFound,
    #[error("notice was already withdrawn")]
    AlreadyWithdrawn,
    #[error("notice belongs to district {actual}, not {given}")]
    WrongDistrict { given: String, actual: String },
    #[error("a withdrawal needs a reason")]
    ReasonRequired,
}

impl NoticeError {
    /// Stable reason code for `google.rpc.ErrorInfo`.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::AlreadyExists => "NOTICE_ALREADY_EXISTS",
            Self::NotFound => "NOTICE_NOT_FOUND",
            Self::AlreadyWithdrawn => "NOTICE_ALREADY_WITHDRAWN",
            Self::WrongDistrict { .. } => "NOTICE_WRONG_DISTRICT",
            Self::ReasonRequired => "WITHDRAWAL_REASON_REQUIRED",
        }
    }
}

pub struct Notice;

impl Decider for Notice {
    type State = NoticeState;
    type Command = NoticeCommand;
    type Event = NoticeEvent;
    type Error = NoticeError;

    fn decide(
        state: &NoticeState,
        command: NoticeCommand,
    ) -> Result<Vec<NoticeEvent>, NoticeError> {
        match (state, command) {
            (
                NoticeState::Absent,
                NoticeCommand::Publish {
                    notice_id,
                    district,
                    title,
                    body,
                    by,
                },
            ) => Ok(vec![NoticeEvent::Published(pb::NoticePublished {
                notice_id,
                district: district.to_string(),
                title: title.as_str().to_owned(),
                body: body.as_str().to_owned(),
                published_by: by,
            })]),
            (_, NoticeCommand::Publish { .. }) => Err(NoticeError::AlreadyExists),
            (NoticeState::Absent, NoticeCommand::Withdraw { .. }) => Err(NoticeError::NotFound),
            (NoticeState::Withdrawn, NoticeCommand::Withdraw { .. }) => {
                Err(NoticeError::AlreadyWithdrawn)
            }
            (
                NoticeState::Published { district: actual },
                NoticeCommand::Withdraw {
                    notice_id,
                    district,
                    reason,
                    by,
                },
            ) => {
                if actual != district.as_str() {
                    return Err(NoticeError::WrongDistrict {
                        given: district.to_string(),
                        actual: actual.clone(),
                    });
                }
                if reason.trim().is_empty() {
                    return Err(NoticeError::ReasonRequired);
                }
                Ok(vec![NoticeEvent::Withdrawn(pb::NoticeWithdrawn {
                    notice_id,
                    district: district.to_string(),
                    reason: reason.trim().to_owned(),
                    withdrawn_by: by,
                })])
            }
        }
    }

    fn evolve(state: NoticeState, event: &NoticeEvent) -> NoticeState {
        match event {
            NoticeEvent::Published(published) => NoticeState::Published {
                district: published.district.clone(),
            },
            NoticeEvent::Withdrawn(_) => match state {
                NoticeState::Absent => NoticeState::Absent,
                _ => NoticeState::Withdrawn,
            },
        }
    }
}

pub const NOTICE_PUBLISHED: &str = "gongzhi.platform.v1.NoticePublished";
pub const NOTICE_WITHDRAWN: &str = "gongzhi.platform.v1.NoticeWithdrawn";

impl EventCodec for NoticeEvent {
    fn event_type(&self) -> &'static str {
        match self {
            Self::Published(_) => NOTICE_PUBLISHED,
            Self::Withdrawn(_) => NOTICE_WITHDRAWN,
        }
    }

    fn encode(&self) -> Vec<u8> {
        match self {
            Self::Published(event) => event.encode_to_vec(),
            Self::Withdrawn(event) => event.encode_to_vec(),
        }
    }

    fn decode(event_type: &str, payload: &[u8]) -> Result<Self, DecodeError> {
        let malformed = |e: prost::DecodeError| DecodeError::Malformed {
            event_type: event_type.to_owned(),
            reason: e.to_string(),
        };
        match event_type {
            NOTICE_PUBLISHED => pb::NoticePublished::decode(payload)
                .map(Self::Published)
                .map_err(malformed),
            NOTICE_WITHDRAWN => pb::NoticeWithdrawn::decode(payload)
                .map(Self::Withdrawn)
                .map_err(malformed),
            other => Err(DecodeError::UnknownType(other.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn district() -> DistrictCode {
        DistrictCode::parse("500108").expect("valid test district")
    }

    fn publish() -> NoticeCommand {
        NoticeCommand::Publish {
            notice_id: "n1".into(),
            district: district(),
            title: NoticeTitle::parse("停水通知").expect("valid title"),
            body: NoticeBody::parse("周三停水").expect("valid body"),
            by: "worker-1".into(),
        }
    }

    fn withdraw(reason: &str) -> NoticeCommand {
        NoticeCommand::Withdraw {
            notice_id: "n1".into(),
            district: district(),
            reason: reason.into(),
            by: "worker-1".into(),
        }
    }

    fn given(events: &[NoticeEvent]) -> NoticeState {
        Notice::fold(events)
    }

    fn published_event() -> Vec<NoticeEvent> {
        Notice::decide(&NoticeState::Absent, publish()).expect("publish on empty stream")
    }

    #[test]
    fn publishing_a_new_notice_emits_published() {
        let events = published_event();
        assert!(
            matches!(events.as_slice(), [NoticeEvent::Published(p)] if p.title == "停水通知" && p.district == "500108")
        );
    }

    #[test]
    fn publishing_twice_is_refused() {
        assert_eq!(
            Notice::decide(&given(&published_event()), publish()),
            Err(NoticeError::AlreadyExists)
        );
    }

    #[test]
    fn withdrawing_needs_a_published_notice_and_a_reason() {
        assert_eq!(
            Notice::decide(&given(&[]), withdraw("wrong")),
            Err(NoticeError::NotFound)
        );
        assert_eq!(
            Notice::decide(&given(&published_event()), withdraw("  ")),
            Err(NoticeError::ReasonRequired)
        );
        let withdrawn =
            Notice::decide(&given(&published_event()), withdraw("已恢复供水")).expect("withdraw");
        let mut history = published_event();
        history.extend(withdrawn);
        assert_eq!(
            Notice::decide(&given(&history), withdraw("again")),
            Err(NoticeError::AlreadyWithdrawn)
        );
    }

    #[test]
    fn events_round_trip_through_the_codec() {
        for event in published_event() {
            let decoded = NoticeEvent::decode(event.event_type(), &event.encode());
            assert_eq!(decoded, Ok(event));
        }
        assert!(matches!(
            NoticeEvent::decode("gongzhi.platform.v1.Nope", &[]),
            Err(DecodeError::UnknownType(_))
        ));
    }
}
