//! The nine kinds of matter of Civil Code art. 278 and the majority each
//! needs.

use crate::domain::share::Share;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Matter {
    /// (1) 制定和修改业主大会议事规则
    RulesOfProcedure,
    /// (2) 制定和修改管理规约
    ManagementStatute,
    /// (3) 选举业主委员会或者更换业主委员会成员
    ElectCommittee,
    /// (4) 选聘和解聘物业服务企业或者其他管理人
    HireOrDismissManager,
    /// (5) 使用建筑物及其附属设施的维修资金
    UseMaintenanceFund,
    /// (6) 筹集建筑物及其附属设施的维修资金
    RaiseMaintenanceFund,
    /// (7) 改建、重建建筑物及其附属设施
    Rebuild,
    /// (8) 改变共有部分的用途或者利用共有部分从事经营活动
    ChangeUseOfCommonParts,
    /// (9) 有关共有和共同管理权利的其他重大事项
    OtherMajor,
}

/// How many of those taking part must agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threshold {
    /// At least 3/4 of the participating area and heads.
    AtLeastThreeQuarters,
    /// Strictly more than half of the participating area and heads.
    MoreThanHalf,
}

impl Matter {
    pub const ALL: [Matter; 9] = [
        Matter::RulesOfProcedure,
        Matter::ManagementStatute,
        Matter::ElectCommittee,
        Matter::HireOrDismissManager,
        Matter::UseMaintenanceFund,
        Matter::RaiseMaintenanceFund,
        Matter::Rebuild,
        Matter::ChangeUseOfCommonParts,
        Matter::OtherMajor,
    ];

    pub fn threshold(self) -> Threshold {
        match self {
            Matter::RaiseMaintenanceFund | Matter::Rebuild | Matter::ChangeUseOfCommonParts => {
                Threshold::AtLeastThreeQuarters
            }
            _ => Threshold::MoreThanHalf,
        }
    }
}

impl Threshold {
    /// Whether `part` of `whole` agrees enough.
    pub fn met(self, part: u64, whole: u64) -> bool {
        match self {
            Threshold::AtLeastThreeQuarters => Share::THREE_QUARTERS.reached_by(part, whole),
            Threshold::MoreThanHalf => Share::HALF.exceeded_by(part, whole),
        }
    }
}
