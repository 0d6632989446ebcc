//! [`CommandContext`]: what every command handler needs from its request.
//!
//! Contract: `request_id` is 1 to 128 printable ASCII characters. Event ids
//! and the correlation id are UUID v5 over the caller's subject and the
//! `request_id`, so a retried command produces the same event ids (the store
//! then answers with the original result) while two callers that happen to
//! choose the same `request_id` never collide.

use crate::auth::Caller;
use crate::error::{ApiError, FieldViolation};
use gongzhi_kernel::{DistrictCode, EventMetadata, event::CURRENT_SCHEMA_VERSION};
use uuid::Uuid;

pub const MAX_REQUEST_ID_LEN: usize = 128;

/// Namespace of every UUID v5 Gongzhi derives (a fixed random v4).
pub const GONGZHI_NAMESPACE: Uuid = Uuid::from_u128(0x6f1c_2a4e_93b7_4c1d_a0e5_7d2b_9c84_1f36);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandContext {
    pub request_id: String,
    pub caller: Caller,
    /// W3C context of the span handling the command when it was built.
    pub traceparent: Option<String>,
    pub tracestate: Option<String>,
}

impl CommandContext {
    /// Reads the caller from `request` and validates `request_id` (the
    /// request message's field).
    pub fn from_request<T>(
        request: &tonic::Request<T>,
        request_id: &str,
    ) -> Result<Self, ApiError> {
        let caller = Caller::from_request(request)?;
        Self::new(caller, request_id)
    }

    pub fn new(caller: Caller, request_id: &str) -> Result<Self, ApiError> {
        validate_request_id(request_id)?;
        let trace = gongzhi_telemetry::inject_current();
        Ok(Self {
            request_id: request_id.to_owned(),
            caller,
            traceparent: trace.traceparent,
            tracestate: trace.tracestate,
        })
    }

    /// Id of the `n`th event this command writes; the same on every retry.
    pub fn event_id(&self, n: u32) -> Uuid {
        self.derive(&format!("event\n{n}"))
    }

    pub fn correlation_id(&self) -> Uuid {
        self.derive("correlation")
    }

    /// Metadata for the events of this command. Trace context comes from the
    /// current span, else from the span the context was built in.
    pub fn metadata(&self, district: Option<DistrictCode>) -> EventMetadata {
        let current = gongzhi_telemetry::inject_current();
        let (traceparent, tracestate) = match current.traceparent {
            Some(traceparent) => (Some(traceparent), current.tracestate),
            None => (self.traceparent.clone(), self.tracestate.clone()),
        };
        EventMetadata {
            district,
            correlation_id: self.correlation_id(),
            causation_id: None,
            actor: self.caller.subject.clone(),
            traceparent,
            tracestate,
            schema_version: CURRENT_SCHEMA_VERSION,
            request_id: Some(self.request_id.clone()),
            content_type: None,
        }
    }

    fn derive(&self, purpose: &str) -> Uuid {
        // Newlines cannot occur in a request_id, so the parts cannot run together.
        let name = format!("{}\n{}\n{purpose}", self.caller.subject, self.request_id);
        Uuid::new_v5(&GONGZHI_NAMESPACE, name.as_bytes())
    }
}

pub fn validate_request_id(request_id: &str) -> Result<(), ApiError> {
    let problem = if request_id.is_empty() {
        Some("must not be empty".to_owned())
    } else if request_id.len() > MAX_REQUEST_ID_LEN {
        Some(format!("must be at most {MAX_REQUEST_ID_LEN} characters"))
    } else if !request_id.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        Some("must be printable ascii".to_owned())
    } else {
        None
    };
    match problem {
        Some(description) => Err(ApiError::invalid_argument(vec![FieldViolation::new(
            "request_id",
            description,
        )])),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongzhi_kernel::ErrorCode;

    fn caller(subject: &str) -> Caller {
        Caller {
            subject: subject.into(),
            roles: vec![],
            districts: vec![],
        }
    }

    fn context(subject: &str, request_id: &str) -> CommandContext {
        CommandContext::new(caller(subject), request_id)
            .unwrap_or_else(|error| panic!("valid context: {error}"))
    }

    #[test]
    fn request_id_must_be_short_printable_ascii() {
        let too_long = "x".repeat(MAX_REQUEST_ID_LEN + 1);
        for bad in ["", too_long.as_str(), "abc\n", "请求-1", "tab\there"] {
            let error = validate_request_id(bad).err();
            assert_eq!(
                error.as_ref().map(ApiError::kind),
                Some(ErrorCode::InvalidArgument),
                "{bad:?}"
            );
            let fields: Vec<_> = error
                .iter()
                .flat_map(|e| e.field_violations())
                .map(|v| v.field.as_str())
                .collect();
            assert_eq!(fields, ["request_id"]);
        }
        let longest = "x".repeat(MAX_REQUEST_ID_LEN);
        for good in [
            "0190f1c2-aaaa-7bbb-8ccc-123456789abc",
            "retry 1",
            longest.as_str(),
        ] {
            assert!(validate_request_id(good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn retried_command_gets_the_same_event_ids() {
        let first = context("alice", "req-1");
        let retry = context("alice", "req-1");
        assert_eq!(first.event_id(0), retry.event_id(0));
        assert_eq!(first.event_id(1), retry.event_id(1));
        assert_ne!(first.event_id(0), first.event_id(1));
        assert_eq!(first.event_id(0).get_version_num(), 5);
    }

    #[test]
    fn other_request_or_caller_gets_other_ids() {
        let base = context("alice", "req-1");
        assert_ne!(base.event_id(0), context("alice", "req-2").event_id(0));
        assert_ne!(base.event_id(0), context("bob", "req-1").event_id(0));
        assert_ne!(base.correlation_id(), base.event_id(0));
    }

    #[test]
    fn metadata_names_actor_request_and_correlation()
    -> Result<(), gongzhi_kernel::district::InvalidDistrictCode> {
        let command = context("alice", "req-1");
        let district = DistrictCode::parse("500108")?;
        let metadata = command.metadata(Some(district.clone()));
        assert_eq!(metadata.actor, "alice");
        assert_eq!(metadata.request_id.as_deref(), Some("req-1"));
        assert_eq!(metadata.district, Some(district));
        assert_eq!(metadata.correlation_id, command.correlation_id());
        assert_eq!(metadata.schema_version, CURRENT_SCHEMA_VERSION);
        Ok(())
    }
}
