//! Who takes part in a community's meetings and elections: the adult
//! residents living in the community.
//!
//! Contract: an age is in whole years (周岁) on a calendar day in China
//! (UTC+8, no daylight saving), from the birth date in the resident's ID
//! number, opened from the resident's own registration event; a client never
//! sends an age. One is of age on one's 18th birthday (the day counts, as for
//! the people's congress electoral roll; check: the provincial implementing
//! rules say "截至选举日年满十八周岁"). Whether a resident lives in the
//! community is read from their stream (the source of truth). The eligible
//! count comes from the `residents` read model once it holds every event
//! written so far: everyone born 19 or more calendar years before the day is
//! of age without opening anything; only the one birth-year cohort turning
//! 18 that year has its ID numbers opened to compare the birthday.

use super::RESIDENT_CATEGORY;
use super::participation::ParticipationError;
use super::sealing::ID_NUMBER;
use crate::domain::{Resident, ResidentEvent, ResidentState};
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};
use gongzhi_commands::{CommandError, load};
use gongzhi_eventstore::{Direction, ReadFrom, SharedEventStore, StoreError, StreamName};
use gongzhi_kernel::{DecodeError, DistrictCode, EventCodec, ResidentIdNumber};
use gongzhi_privacy::{Opened, Sealed, SubjectId, Vault};
use gongzhi_projections::ProjectionHandle;
use std::time::Duration;
use uuid::Uuid;

/// Age from which residents attend, vote and stand (Organic Law art. 8 and 10).
pub const VOTING_AGE: u32 = 18;

const CHINA_OFFSET_SECONDS: i32 = 8 * 3600;

/// The calendar day in China at `at`.
pub fn day_in_china(at: DateTime<Utc>) -> NaiveDate {
    match FixedOffset::east_opt(CHINA_OFFSET_SECONDS) {
        Some(offset) => at.with_timezone(&offset).date_naive(),
        None => at.date_naive(),
    }
}

/// Whole years from `birth` to `day`; a birthday on 29 February falls on
/// 1 March in other years. Zero before the birth.
pub fn age_on(birth: NaiveDate, day: NaiveDate) -> u32 {
    let years = day.year() - birth.year();
    let before_birthday = (day.month(), day.day()) < (birth.month(), birth.day());
    let age = if before_birthday { years - 1 } else { years };
    u32::try_from(age).unwrap_or(0)
}

#[derive(Clone)]
pub struct Electorate {
    store: SharedEventStore,
    vault: Vault,
    residents: ProjectionHandle,
    max_wait: Duration,
}

fn refused<E: std::error::Error + 'static>(
    reason: &'static str,
    message: String,
) -> ParticipationError<E> {
    ParticipationError::Refused { reason, message }
}

impl Electorate {
    pub fn new(
        store: SharedEventStore,
        vault: Vault,
        residents: ProjectionHandle,
        max_wait: Duration,
    ) -> Self {
        Self {
            store,
            vault,
            residents,
            max_wait,
        }
    }

    /// The resident's age on `day`, if they live in `community` now:
    /// `RESIDENT_NOT_IN_DISTRICT` (no stream here, or moved out) or
    /// `RESIDENT_NOT_IN_COMMUNITY` otherwise.
    pub async fn age_in<E: std::error::Error + 'static>(
        &self,
        district: &DistrictCode,
        community: &str,
        resident_id: Uuid,
        day: NaiveDate,
    ) -> Result<u32, ParticipationError<E>> {
        let stream = StreamName::new(RESIDENT_CATEGORY, resident_id).map_err(StoreError::from)?;
        let (state, _) = load::<Resident>(self.store.as_ref(), &stream)
            .await
            .map_err(|error| match error {
                CommandError::Store(store) => ParticipationError::Store(store),
                _ => ParticipationError::ResidentNotHere(resident_id),
            })?;
        let ResidentState::Present {
            district: lives_in,
            community: lives_at,
            moved_out: false,
            ..
        } = state
        else {
            return Err(ParticipationError::ResidentNotHere(resident_id));
        };
        if lives_in != district.as_str() {
            return Err(ParticipationError::ResidentNotHere(resident_id));
        }
        if lives_at != community {
            return Err(refused(
                "RESIDENT_NOT_IN_COMMUNITY",
                format!("resident {resident_id} does not live in community {community}"),
            ));
        }
        let birth = self.birth_date(&stream, resident_id).await?;
        Ok(age_on(birth, day))
    }

    /// As [`Self::age_in`], refusing a resident under [`VOTING_AGE`] on `day`
    /// with `RESIDENT_NOT_ADULT`.
    pub async fn adult_in<E: std::error::Error + 'static>(
        &self,
        district: &DistrictCode,
        community: &str,
        resident_id: Uuid,
        day: NaiveDate,
    ) -> Result<u32, ParticipationError<E>> {
        let age = self.age_in(district, community, resident_id, day).await?;
        if age < VOTING_AGE {
            return Err(refused(
                "RESIDENT_NOT_ADULT",
                format!("resident {resident_id} is not {VOTING_AGE} on {day}"),
            ));
        }
        Ok(age)
    }

    /// Residents living in `community` who are of age on `day`, from the
    /// registry as it stands after every event written so far.
    pub async fn count_adults<E: std::error::Error + 'static>(
        &self,
        district: &DistrictCode,
        community: &str,
        day: NaiveDate,
    ) -> Result<u32, ParticipationError<E>> {
        let head = self.store.head_position().await?;
        self.residents.wait_for(head, self.max_wait).await?;
        let surely_adult_until = i64::from(day.year()) - i64::from(VOTING_AGE) - 1;
        let mut tx = self.residents.read().await?;
        let (sure,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM residents WHERE district = $1 AND community = $2 \
             AND moved_out = 0 AND erased = 0 AND birth_year <= $3",
        )
        .bind(district.as_str())
        .bind(community)
        .bind(surely_adult_until)
        .fetch_one(&mut *tx)
        .await?;
        let turning: Vec<(String, Option<Vec<u8>>)> = sqlx::query_as(
            "SELECT resident_id, id_number FROM residents WHERE district = $1 AND community = $2 \
             AND moved_out = 0 AND erased = 0 AND birth_year = $3",
        )
        .bind(district.as_str())
        .bind(community)
        .bind(surely_adult_until + 1)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let mut adults = u32::try_from(sure).unwrap_or(u32::MAX);
        for (resident_id, sealed) in turning {
            let Some(sealed) = sealed else { continue };
            if let Some(birth) = self.open_birth_date(&resident_id, &sealed).await?
                && age_on(birth, day) >= VOTING_AGE
            {
                adults = adults.saturating_add(1);
            }
        }
        Ok(adults)
    }

    /// The birth date in the ID number of the resident's registration, the
    /// first event of their stream.
    async fn birth_date<E: std::error::Error + 'static>(
        &self,
        stream: &StreamName,
        resident_id: Uuid,
    ) -> Result<NaiveDate, ParticipationError<E>> {
        let first = self
            .store
            .read_stream(stream, Direction::Forward, ReadFrom::Start, 1)
            .await?;
        let registered = first
            .first()
            .map(|recorded| ResidentEvent::decode(&recorded.event_type, &recorded.payload))
            .transpose()
            .map_err(|e| ParticipationError::Command(CommandError::Decode(e)))?;
        let sealed = match registered {
            Some(ResidentEvent::Registered(e)) => e.id_number.map(|v| v.ciphertext),
            _ => None,
        };
        let Some(sealed) = sealed else {
            return Err(ParticipationError::ResidentNotHere(resident_id));
        };
        self.open_birth_date(&resident_id.to_string(), &sealed)
            .await?
            .ok_or_else(|| {
                refused(
                    "RESIDENT_DATA_ERASED",
                    format!("the personal data of resident {resident_id} was erased"),
                )
            })
    }

    /// `None` when the resident was erased (nothing left to open).
    async fn open_birth_date<E: std::error::Error + 'static>(
        &self,
        resident_id: &str,
        sealed: &[u8],
    ) -> Result<Option<NaiveDate>, ParticipationError<E>> {
        // Sealed by this service from a valid ID number: failing to read it
        // back is a corrupt record, an internal error.
        let corrupt = |reason: String| {
            ParticipationError::Command(CommandError::Decode(DecodeError::Malformed {
                event_type: "gongzhi.residents.v1.ResidentRegistered".to_owned(),
                reason: format!("id_number of resident {resident_id}: {reason}"),
            }))
        };
        let subject = SubjectId::parse(resident_id).map_err(|e| corrupt(e.to_string()))?;
        let sealed = Sealed::from_bytes(sealed).map_err(|e| corrupt(e.to_string()))?;
        match self.vault.open(&subject, ID_NUMBER, &sealed).await? {
            Opened::Erased => Ok(None),
            Opened::Plain(bytes) => {
                let text = String::from_utf8(bytes).map_err(|e| corrupt(e.to_string()))?;
                let number = ResidentIdNumber::parse(&text).map_err(|e| corrupt(e.to_string()))?;
                Ok(Some(number.birth_date()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    #[test]
    fn of_age_on_the_eighteenth_birthday_not_the_day_before() {
        let birth = date(2008, 1, 1);
        assert_eq!(age_on(birth, date(2025, 12, 31)), 17);
        assert_eq!(age_on(birth, date(2026, 1, 1)), 18);
    }

    #[test]
    fn a_leap_day_birthday_counts_from_the_first_of_march() {
        let birth = date(2008, 2, 29);
        assert_eq!(age_on(birth, date(2026, 2, 28)), 17);
        assert_eq!(age_on(birth, date(2026, 3, 1)), 18);
        assert_eq!(age_on(birth, date(2028, 2, 29)), 20);
    }

    #[test]
    fn no_negative_ages_before_birth() {
        assert_eq!(age_on(date(2030, 1, 1), date(2026, 1, 1)), 0);
    }

    #[test]
    fn the_day_is_the_day_in_china() {
        let late_utc = Utc
            .with_ymd_and_hms(2025, 12, 31, 16, 0, 0)
            .single()
            .expect("valid time");
        assert_eq!(day_in_china(late_utc), date(2026, 1, 1));
        assert_eq!(
            day_in_china(late_utc - chrono::TimeDelta::seconds(1)),
            date(2025, 12, 31)
        );
    }
}
