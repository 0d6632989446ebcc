//! Which `$all` events a read or subscription delivers: the protocol's
//! stream-name or event-type filter (prefixes or a regular expression), or
//! one stream for stream subscriptions. Event-type prefixes and a stream's
//! category are pushed down to the store; the rest is matched here.

use crate::status::invalid;
use crate::wire::streams::read_req::options::{FilterOption, filter_options};
use gongzhi_eventstore::{AllFilter, RecordedEvent, StreamName};
use regex::Regex;
use tonic::Status;

#[derive(Debug, Clone)]
enum Matcher {
    Everything,
    Stream(StreamName),
    StreamName(Expression),
    EventType(Expression),
}

#[derive(Debug, Clone)]
enum Expression {
    Prefixes(Vec<String>),
    Regex(Regex),
}

impl Expression {
    fn parse(wire: &filter_options::Expression) -> Result<Self, Status> {
        if !wire.regex.is_empty() {
            let regex = Regex::new(&wire.regex)
                .map_err(|e| invalid(format!("filter regex {:?}: {e}", wire.regex)))?;
            return Ok(Self::Regex(regex));
        }
        Ok(Self::Prefixes(wire.prefix.clone()))
    }

    fn matches(&self, text: &str) -> bool {
        match self {
            Self::Prefixes(prefixes) => prefixes.iter().any(|p| text.starts_with(p.as_str())),
            Self::Regex(regex) => regex.is_match(text),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct EventFilter {
    store: AllFilter,
    matcher: Matcher,
}

impl EventFilter {
    pub(crate) fn everything() -> Self {
        Self {
            store: AllFilter::everything(),
            matcher: Matcher::Everything,
        }
    }

    pub(crate) fn stream(stream: &StreamName) -> Self {
        Self {
            store: AllFilter::categories([stream.category()]),
            matcher: Matcher::Stream(stream.clone()),
        }
    }

    /// The filter of a `$all` read or subscription.
    pub(crate) fn from_wire(option: Option<&FilterOption>) -> Result<Self, Status> {
        let Some(FilterOption::Filter(options)) = option else {
            return Ok(Self::everything());
        };
        match &options.filter {
            None => Ok(Self::everything()),
            Some(filter_options::Filter::StreamIdentifier(expression)) => Ok(Self {
                store: AllFilter::everything(),
                matcher: Matcher::StreamName(Expression::parse(expression)?),
            }),
            Some(filter_options::Filter::EventType(expression)) => {
                let expression = Expression::parse(expression)?;
                let mut store = AllFilter::everything();
                if let Expression::Prefixes(prefixes) = &expression {
                    for prefix in prefixes {
                        store = store.with_event_type_prefix(prefix.clone());
                    }
                }
                Ok(Self {
                    store,
                    matcher: Matcher::EventType(expression),
                })
            }
        }
    }

    pub(crate) fn store_filter(&self) -> &AllFilter {
        &self.store
    }

    pub(crate) fn matches(&self, event: &RecordedEvent) -> bool {
        match &self.matcher {
            Matcher::Everything => true,
            Matcher::Stream(stream) => event.stream == *stream,
            Matcher::StreamName(expression) => expression.matches(event.stream.as_str()),
            Matcher::EventType(expression) => expression.matches(&event.event_type),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::streams::read_req::options::FilterOptions;
    use gongzhi_kernel::EventMetadata;

    fn event(stream: &str, event_type: &str) -> RecordedEvent {
        RecordedEvent {
            event_id: uuid::Uuid::new_v4(),
            stream: StreamName::parse(stream).unwrap_or_else(|e| panic!("test stream: {e}")),
            revision: 0,
            position: 1,
            event_type: event_type.into(),
            payload: Vec::new(),
            metadata: EventMetadata::new(None, "tester"),
            recorded_at: chrono::Utc::now(),
        }
    }

    fn wire(filter: filter_options::Filter) -> FilterOption {
        FilterOption::Filter(FilterOptions {
            filter: Some(filter),
            window: None,
            checkpoint_interval_multiplier: 1,
        })
    }

    fn expression(regex: &str, prefixes: &[&str]) -> filter_options::Expression {
        filter_options::Expression {
            regex: regex.into(),
            prefix: prefixes.iter().map(|p| (*p).to_owned()).collect(),
        }
    }

    #[test]
    fn stream_prefixes_and_regexes_match_stream_names() -> Result<(), Status> {
        let by_prefix = EventFilter::from_wire(Some(&wire(
            filter_options::Filter::StreamIdentifier(expression("", &["order-", "invoice-"])),
        )))?;
        assert!(by_prefix.matches(&event("order-1", "Placed")));
        assert!(!by_prefix.matches(&event("resident-1", "Placed")));
        let by_regex = EventFilter::from_wire(Some(&wire(
            filter_options::Filter::StreamIdentifier(expression("^res.*-1$", &[])),
        )))?;
        assert!(by_regex.matches(&event("resident-1", "X")));
        assert!(!by_regex.matches(&event("resident-2", "X")));
        Ok(())
    }

    #[test]
    fn event_type_prefixes_go_to_the_store() -> Result<(), Status> {
        let filter = EventFilter::from_wire(Some(&wire(filter_options::Filter::EventType(
            expression("", &["gongzhi.grids."]),
        ))))?;
        assert_eq!(
            filter.store_filter().event_type_prefixes,
            vec!["gongzhi.grids.".to_owned()]
        );
        assert!(filter.matches(&event("case-1", "gongzhi.grids.v1.CaseReported")));
        assert!(!filter.matches(&event("case-1", "gongzhi.residents.v1.X")));
        Ok(())
    }

    #[test]
    fn a_bad_regex_is_invalid_argument() {
        let result = EventFilter::from_wire(Some(&wire(filter_options::Filter::EventType(
            expression("(", &[]),
        ))));
        assert_eq!(
            result.err().map(|s| s.code()),
            Some(tonic::Code::InvalidArgument)
        );
    }

    #[test]
    fn a_stream_filter_keeps_one_stream_of_its_category() -> Result<(), Box<dyn std::error::Error>>
    {
        let filter = EventFilter::stream(&StreamName::parse("order-1")?);
        assert_eq!(filter.store_filter().categories, vec!["order".to_owned()]);
        assert!(filter.matches(&event("order-1", "Placed")));
        assert!(!filter.matches(&event("order-2", "Placed")));
        Ok(())
    }
}
