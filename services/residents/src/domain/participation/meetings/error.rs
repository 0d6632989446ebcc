//! Why a meeting command is refused; `reason()` is the stable code for
//! `google.rpc.ErrorInfo`.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MeetingError {
    #[error("meeting already exists")]
    AlreadyExists,
    #[error("meeting not found")]
    NotFound,
    #[error("meeting belongs to district {actual}, not {given}")]
    WrongDistrict { given: String, actual: String },
    #[error("community {community} is not in district {district}")]
    CommunityOutsideDistrict { community: String, district: String },
    #[error("a meeting kind is required")]
    KindRequired,
    #[error("this district does not accept meetings convened by {convener}")]
    ConvenerNotAllowed { convener: String },
    #[error(
        "{signatures} signatures of {eligible} eligible are fewer than the {numerator}/{denominator} a petition needs"
    )]
    NotEnoughSignatures {
        signatures: u32,
        eligible: u32,
        numerator: u32,
        denominator: u32,
    },
    #[error("a meeting needs at least one eligible attendee")]
    NoEligible,
    #[error(
        "notice of {given_minutes} minutes is shorter than the {required_minutes} minutes required"
    )]
    NoticeTooShort {
        given_minutes: i64,
        required_minutes: i64,
    },
    #[error("attendance is taken only before the meeting opens")]
    AttendanceClosed,
    #[error("voter {voter_id} is already registered as present")]
    AlreadyPresent { voter_id: String },
    #[error("{attending} attendees would exceed the {eligible} eligible")]
    MoreAttendeesThanEligible { attending: u32, eligible: u32 },
    #[error("meeting is already open")]
    AlreadyOpen,
    #[error("the meeting was announced for {scheduled_at} and cannot open before")]
    NotYetDue { scheduled_at: String },
    #[error("{present} present of {eligible} eligible is not more than the quorum share")]
    QuorumNotReached { present: u32, eligible: u32 },
    #[error("meeting is not open")]
    NotOpen,
    #[error("motion {motion_id} already tabled")]
    MotionAlreadyTabled { motion_id: String },
    #[error("motion {motion_id} not found")]
    MotionNotFound { motion_id: String },
    #[error("motion {motion_id} is closed and takes no votes")]
    MotionClosed { motion_id: String },
    #[error("voter {voter_id} is not present at the meeting")]
    NotPresent { voter_id: String },
    #[error("voter {voter_id} cannot vote twice on motion {motion_id}")]
    VotedTwice { voter_id: String, motion_id: String },
    #[error("a choice of for, against or abstain is required")]
    ChoiceRequired,
    #[error("motions still open: {motion_ids:?}")]
    MotionsStillOpen { motion_ids: Vec<String> },
    #[error("meeting is closed")]
    Closed,
}

impl MeetingError {
    pub fn reason(&self) -> &'static str {
        match self {
            Self::AlreadyExists => "MEETING_ALREADY_EXISTS",
            Self::NotFound => "MEETING_NOT_FOUND",
            Self::WrongDistrict { .. } => "MEETING_WRONG_DISTRICT",
            Self::CommunityOutsideDistrict { .. } => "COMMUNITY_OUTSIDE_DISTRICT",
            Self::KindRequired => "MEETING_KIND_REQUIRED",
            Self::ConvenerNotAllowed { .. } => "MEETING_CONVENER_NOT_ALLOWED",
            Self::NotEnoughSignatures { .. } => "MEETING_NOT_ENOUGH_SIGNATURES",
            Self::NoEligible => "MEETING_NO_ELIGIBLE",
            Self::NoticeTooShort { .. } => "MEETING_NOTICE_TOO_SHORT",
            Self::AttendanceClosed => "MEETING_ATTENDANCE_CLOSED",
            Self::AlreadyPresent { .. } => "MEETING_ALREADY_PRESENT",
            Self::MoreAttendeesThanEligible { .. } => "MEETING_MORE_ATTENDEES_THAN_ELIGIBLE",
            Self::AlreadyOpen => "MEETING_ALREADY_OPEN",
            Self::NotYetDue { .. } => "MEETING_NOT_YET_DUE",
            Self::QuorumNotReached { .. } => "MEETING_QUORUM_NOT_REACHED",
            Self::NotOpen => "MEETING_NOT_OPEN",
            Self::MotionAlreadyTabled { .. } => "MOTION_ALREADY_TABLED",
            Self::MotionNotFound { .. } => "MOTION_NOT_FOUND",
            Self::MotionClosed { .. } => "MOTION_CLOSED",
            Self::NotPresent { .. } => "MOTION_VOTER_NOT_PRESENT",
            Self::VotedTwice { .. } => "MOTION_VOTED_TWICE",
            Self::ChoiceRequired => "MOTION_CHOICE_REQUIRED",
            Self::MotionsStillOpen { .. } => "MEETING_MOTIONS_STILL_OPEN",
            Self::Closed => "MEETING_CLOSED",
        }
    }
}
