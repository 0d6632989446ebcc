//! Which personal fields are sealed, under which field names (the names are
//! bound into each ciphertext, so a value cannot be moved to another field),
//! and how needs tags are written before sealing.

use crate::domain::Sealed;
use gongzhi_privacy::{Subject, Vault};
use gongzhi_proto::gongzhi::residents::v1 as pb;

pub const NAME: &str = "name";
pub const ID_NUMBER: &str = "id_number";
pub const PHONE: &str = "phone";
pub const DWELLING: &str = "dwelling";
pub const NEEDS_TAGS: &str = "needs_tags";

pub async fn seal(
    vault: &Vault,
    subject: &Subject,
    field: &str,
    value: &str,
) -> Result<Sealed, gongzhi_privacy::PrivacyError> {
    Ok(Sealed(
        vault
            .seal(subject, field, value.as_bytes())
            .await?
            .into_bytes(),
    ))
}

/// Tags as their proto enum names, comma separated, sorted, no duplicates.
pub fn encode_tags(tags: &[pb::NeedsTag]) -> String {
    let mut names: Vec<&str> = tags.iter().map(|t| t.as_str_name()).collect();
    names.sort_unstable();
    names.dedup();
    names.join(",")
}

/// The inverse of [`encode_tags`]; unknown names (from a newer version) are skipped.
pub fn decode_tags(text: &str) -> Vec<pb::NeedsTag> {
    text.split(',')
        .filter_map(pb::NeedsTag::from_str_name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_round_trip_sorted_and_unique() {
        let tags = [
            pb::NeedsTag::Disabled,
            pb::NeedsTag::ElderlyLivingAlone,
            pb::NeedsTag::Disabled,
        ];
        let text = encode_tags(&tags);
        assert_eq!(text, "NEEDS_TAG_DISABLED,NEEDS_TAG_ELDERLY_LIVING_ALONE");
        assert_eq!(
            decode_tags(&text),
            vec![pb::NeedsTag::Disabled, pb::NeedsTag::ElderlyLivingAlone]
        );
        assert!(decode_tags("").is_empty());
    }
}
