//! The count of one age group: top seats by votes win; a tie across the
//! cut-off goes to a run-off among the tied, never to a draw.

use gongzhi_proto::gongzhi::residents::v1 as pb;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupResult {
    /// (candidate, votes), most votes first, then by id.
    pub tallies: Vec<(String, u32)>,
    pub elected: Vec<String>,
    pub runoff_candidates: Vec<String>,
    pub runoff_seats: u32,
    pub vacant_seats: u32,
}

impl GroupResult {
    pub(crate) fn to_proto(&self, group_id: &str, seats: u32) -> pb::ElectionGroupResult {
        pb::ElectionGroupResult {
            group_id: group_id.to_owned(),
            seats,
            tallies: self
                .tallies
                .iter()
                .map(|(candidate_id, votes)| pb::ElectionCandidateTally {
                    candidate_id: candidate_id.clone(),
                    votes: *votes,
                })
                .collect(),
            elected: self.elected.clone(),
            runoff_candidates: self.runoff_candidates.clone(),
            runoff_seats: self.runoff_seats,
            vacant_seats: self.vacant_seats,
        }
    }
}

/// Counts one group from each candidate's votes.
pub fn count_group(seats: u32, mut tallies: Vec<(String, u32)>) -> GroupResult {
    tallies.sort_by(|(a_id, a_votes), (b_id, b_votes)| b_votes.cmp(a_votes).then(a_id.cmp(b_id)));
    let seats_len = usize::try_from(seats).unwrap_or(usize::MAX);
    let mut result = GroupResult {
        tallies,
        elected: Vec::new(),
        runoff_candidates: Vec::new(),
        runoff_seats: 0,
        vacant_seats: 0,
    };
    if result.tallies.len() <= seats_len {
        result.elected = result.tallies.iter().map(|(id, _)| id.clone()).collect();
        let filled = u32::try_from(result.elected.len()).unwrap_or(seats);
        result.vacant_seats = seats - filled;
        return result;
    }
    if seats_len == 0 {
        return result;
    }
    // More candidates than seats: the last seat's votes are the cut-off.
    let cutoff = result.tallies[seats_len - 1].1;
    let first_out = result.tallies[seats_len].1;
    for (id, votes) in &result.tallies {
        if *votes > cutoff || (*votes == cutoff && cutoff != first_out) {
            result.elected.push(id.clone());
        } else if *votes == cutoff {
            result.runoff_candidates.push(id.clone());
        }
    }
    let elected = u32::try_from(result.elected.len()).unwrap_or(seats);
    if !result.runoff_candidates.is_empty() {
        result.runoff_seats = seats - elected;
    }
    result
}
