//! A resident's free-text category ("路灯不亮", "井盖") mapped onto the
//! district's catalogue, so a complaint can become a case.
//!
//! Contract, first rule that matches wins:
//! 1. the text is a category code the catalogue lists (`component/01/03`);
//! 2. the text contains a minor class name (`"路灯坏了"` -> 路灯): the
//!    longest such name, ties in catalogue order;
//! 3. a minor class name contains the text, at least two characters
//!    (`"井盖"` -> 上水井盖): the first in catalogue order;
//! 4. otherwise the "other" category: [`OTHER_CATEGORY`] (其他事件/其他) if
//!    the catalogue lists it, else the first category whose major or minor
//!    name contains 其他.
//!
//! `None` only for a catalogue with none of these: the caller treats it as a
//! refusal to record, never as an error to retry.

use crate::domain::calendar::{CaseCategory, CategoryCatalogue};

/// Where an unmatched complaint goes in the shipped catalogue.
pub const OTHER_CATEGORY: &str = "event/06/01";

const OTHER_NAME: &str = "其他";

/// Shortest text matched inside a catalogue name (rule 3): one character
/// (灯, 树) would match too much.
const MIN_PARTIAL_CHARS: usize = 2;

/// How the category was found, for the reactor's record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CategoryMatch {
    Code(CaseCategory),
    Name(CaseCategory),
    Other(CaseCategory),
}

impl CategoryMatch {
    pub fn category(&self) -> &CaseCategory {
        match self {
            Self::Code(c) | Self::Name(c) | Self::Other(c) => c,
        }
    }
}

/// Every listed category with its major and minor names, in catalogue order.
fn named(catalogue: &CategoryCatalogue) -> Vec<(CaseCategory, String, String)> {
    catalogue
        .categories()
        .into_iter()
        .filter_map(|category| {
            let (major, minor) = catalogue.names_of(&category)?;
            let names = (major.to_owned(), minor.to_owned());
            Some((category, names.0, names.1))
        })
        .collect()
}

pub fn map_category(catalogue: &CategoryCatalogue, free_text: &str) -> Option<CategoryMatch> {
    let text = free_text.trim();
    if let Ok(code) = CaseCategory::parse(text)
        && catalogue.contains(&code)
    {
        return Some(CategoryMatch::Code(code));
    }
    let entries = named(catalogue);
    let mut best: Option<(&CaseCategory, usize)> = None;
    for (category, _, minor) in &entries {
        let chars = minor.chars().count();
        if !minor.is_empty() && text.contains(minor.as_str()) && best.is_none_or(|(_, n)| chars > n)
        {
            best = Some((category, chars));
        }
    }
    if let Some((category, _)) = best {
        return Some(CategoryMatch::Name(category.clone()));
    }
    if text.chars().count() >= MIN_PARTIAL_CHARS
        && let Some((category, _, _)) = entries.iter().find(|(_, _, minor)| minor.contains(text))
    {
        return Some(CategoryMatch::Name(category.clone()));
    }
    other(catalogue, &entries).map(CategoryMatch::Other)
}

fn other(
    catalogue: &CategoryCatalogue,
    entries: &[(CaseCategory, String, String)],
) -> Option<CaseCategory> {
    if let Ok(default) = CaseCategory::parse(OTHER_CATEGORY)
        && catalogue.contains(&default)
    {
        return Some(default);
    }
    entries
        .iter()
        .find(|(_, major, minor)| major.contains(OTHER_NAME) || minor.contains(OTHER_NAME))
        .map(|(category, _, _)| category.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::{CategoryKind, MajorClass, MinorClass};

    fn shipped() -> CategoryCatalogue {
        CategoryCatalogue::illustrative()
    }

    fn mapped(text: &str) -> Option<String> {
        map_category(&shipped(), text).map(|m| m.category().to_string())
    }

    #[test]
    fn a_listed_code_is_taken_as_it_is() {
        assert_eq!(
            map_category(&shipped(), " component/02/03 "),
            CaseCategory::parse("component/02/03")
                .ok()
                .map(CategoryMatch::Code)
        );
    }

    #[test]
    fn an_unlisted_code_goes_to_other() {
        assert_eq!(mapped("component/09/09").as_deref(), Some(OTHER_CATEGORY));
    }

    #[test]
    fn a_name_inside_the_text_is_found() {
        assert_eq!(
            mapped("小区门口路灯不亮").as_deref(),
            Some("component/01/03")
        );
        assert_eq!(mapped("有人占道经营").as_deref(), Some("event/04/02"));
    }

    #[test]
    fn the_longest_name_inside_the_text_wins() {
        // Both 积存垃圾渣土 and 暴露垃圾 are in the text; the longer names it.
        assert_eq!(
            mapped("积存垃圾渣土和暴露垃圾").as_deref(),
            Some("event/01/02")
        );
    }

    #[test]
    fn a_short_text_inside_a_name_takes_the_first_in_catalogue_order() {
        assert_eq!(mapped("井盖").as_deref(), Some("component/01/01"));
        assert_eq!(mapped("广告").as_deref(), Some("event/02/01"));
    }

    #[test]
    fn one_character_is_not_matched_inside_a_name() {
        assert_eq!(mapped("灯").as_deref(), Some(OTHER_CATEGORY));
    }

    #[test]
    fn anything_else_goes_to_the_other_category() {
        assert_eq!(mapped("邻居家的狗太吵").as_deref(), Some(OTHER_CATEGORY));
        assert!(matches!(
            map_category(&shipped(), "邻居家的狗太吵"),
            Some(CategoryMatch::Other(_))
        ));
    }

    /// `(major code, major name, [(minor code, minor name)])`, all events.
    type Class<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);

    fn catalogue(classes: &[Class<'_>]) -> CategoryCatalogue {
        let classes = classes
            .iter()
            .map(|(major, name, minors)| MajorClass {
                kind: CategoryKind::Event,
                major: (*major).to_owned(),
                name: (*name).to_owned(),
                minors: minors
                    .iter()
                    .map(|(minor, name)| MinorClass {
                        minor: (*minor).to_owned(),
                        name: (*name).to_owned(),
                    })
                    .collect(),
            })
            .collect();
        CategoryCatalogue::from_classes(classes).unwrap_or_else(|e| panic!("catalogue: {e}"))
    }

    #[test]
    fn a_district_catalogue_without_the_default_uses_its_own_other() {
        let own = catalogue(&[
            ("01", "市容环境", &[("01", "暴露垃圾")]),
            ("09", "其他问题", &[("01", "杂项")]),
        ]);
        assert_eq!(
            map_category(&own, "噪音").map(|m| m.category().to_string()),
            Some("event/09/01".to_owned())
        );
    }

    #[test]
    fn a_catalogue_without_any_other_refuses() {
        let own = catalogue(&[("01", "市容环境", &[("01", "暴露垃圾")])]);
        assert_eq!(map_category(&own, "噪音"), None);
        assert_eq!(
            map_category(&own, "暴露垃圾").map(|m| m.category().to_string()),
            Some("event/01/01".to_owned())
        );
    }
}
