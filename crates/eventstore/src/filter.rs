//! Server-side filter for `$all` reads: by stream category and event-type
//! prefix. Empty lists mean "everything".

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllFilter {
    pub categories: Vec<String>,
    pub event_type_prefixes: Vec<String>,
}

impl AllFilter {
    pub fn everything() -> Self {
        Self::default()
    }

    pub fn categories<I: IntoIterator<Item = S>, S: Into<String>>(categories: I) -> Self {
        Self {
            categories: categories.into_iter().map(Into::into).collect(),
            event_type_prefixes: Vec::new(),
        }
    }

    pub fn with_event_type_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.event_type_prefixes.push(prefix.into());
        self
    }

    pub fn matches(&self, category: &str, event_type: &str) -> bool {
        let category_ok =
            self.categories.is_empty() || self.categories.iter().any(|c| c == category);
        let type_ok = self.event_type_prefixes.is_empty()
            || self
                .event_type_prefixes
                .iter()
                .any(|p| event_type.starts_with(p.as_str()));
        category_ok && type_ok
    }
}
