//! Age groups with their seats. The standard split (18-35, 36-59, 60+) is a
//! default; districts configure their own groups and seat counts.

use super::ElectionError;
use gongzhi_proto::gongzhi::residents::v1 as pb;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgeGroup {
    pub group_id: String,
    pub min_age: u32,
    /// `None`: no upper bound.
    pub max_age: Option<u32>,
    pub seats: u32,
}

impl AgeGroup {
    /// 18-35, 36-59 and 60+ with the given seats.
    pub fn standard(young: u32, middle: u32, senior: u32) -> Vec<AgeGroup> {
        let group = |id: &str, min_age, max_age, seats| AgeGroup {
            group_id: id.to_owned(),
            min_age,
            max_age,
            seats,
        };
        vec![
            group("18-35", 18, Some(35), young),
            group("36-59", 36, Some(59), middle),
            group("60+", 60, None, senior),
        ]
    }

    fn upper(&self) -> u32 {
        self.max_age.unwrap_or(u32::MAX)
    }

    pub(crate) fn to_proto(&self) -> pb::ElectionAgeGroup {
        pb::ElectionAgeGroup {
            group_id: self.group_id.clone(),
            min_age: self.min_age,
            max_age: self.max_age.unwrap_or(0),
            seats: self.seats,
        }
    }

    pub(crate) fn from_proto(group: &pb::ElectionAgeGroup) -> Self {
        Self {
            group_id: group.group_id.clone(),
            min_age: group.min_age,
            max_age: (group.max_age != 0).then_some(group.max_age),
            seats: group.seats,
        }
    }
}

/// Each group well formed, ids distinct, age ranges disjoint.
pub(super) fn check_groups(groups: &[AgeGroup]) -> Result<(), ElectionError> {
    if groups.is_empty() {
        return Err(ElectionError::NoGroups);
    }
    let invalid = |group: &AgeGroup, problem: &str| ElectionError::InvalidGroup {
        group_id: group.group_id.clone(),
        problem: problem.to_owned(),
    };
    for group in groups {
        if group.group_id.is_empty() {
            return Err(invalid(group, "id is empty"));
        }
        if group.seats == 0 {
            return Err(invalid(group, "no seats"));
        }
        if group.max_age == Some(0) || group.upper() < group.min_age {
            return Err(invalid(group, "maximum age below minimum age"));
        }
    }
    for (index, first) in groups.iter().enumerate() {
        for second in &groups[index + 1..] {
            if first.group_id == second.group_id {
                return Err(invalid(second, "id repeated"));
            }
            if first.min_age <= second.upper() && second.min_age <= first.upper() {
                return Err(ElectionError::GroupsOverlap {
                    first: first.group_id.clone(),
                    second: second.group_id.clone(),
                });
            }
        }
    }
    Ok(())
}
