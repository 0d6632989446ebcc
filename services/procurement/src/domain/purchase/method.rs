//! What each purchase method requires. (check) Day counts and bidder
//! minimums follow 政府采购法 (arts. 26-31, 35), 政府采购货物和服务招标投标
//! 管理办法 (财政部令第87号, art. 16), 政府采购非招标采购方式管理办法
//! (财政部令第74号) and 政府采购竞争性磋商采购方式管理暂行办法
//! (财库〔2014〕214号, arts. 10, 21; 财库〔2015〕124号 allows two suppliers for
//! purchased services); calendar days stand in for working days.

use super::PurchaseMethod;

/// How bids are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evaluation {
    /// Weighted criteria plus price (综合评分法); the price weight of a
    /// service purchase is 10 to 30 of 100 (87号令 art. 55).
    Comprehensive,
    /// The lowest qualified price wins (最低评标价法 / 谈判): price weight 100,
    /// no criteria.
    LowestPrice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MethodRules {
    /// Days from publication to the bid deadline, at least.
    pub min_tender_days: i64,
    /// Providers invited before publication: `None` means the tender is open
    /// to every registered provider and none may be named.
    pub invited: Option<(usize, usize)>,
    /// The method needs a written justification (approved by the finance
    /// department before purchase).
    pub needs_justification: bool,
    /// Qualified bids needed before scoring.
    pub min_qualified_bids: usize,
    pub evaluation: Evaluation,
}

pub const PRICE_WEIGHT_MIN: u32 = 10;
pub const PRICE_WEIGHT_MAX: u32 = 30;

pub fn rules(method: PurchaseMethod) -> Option<MethodRules> {
    let rules = match method {
        PurchaseMethod::Unspecified => return None,
        PurchaseMethod::OpenTender => MethodRules {
            min_tender_days: 20,
            invited: None,
            needs_justification: false,
            min_qualified_bids: 3,
            evaluation: Evaluation::Comprehensive,
        },
        PurchaseMethod::Invitation => MethodRules {
            min_tender_days: 20,
            invited: Some((3, usize::MAX)),
            needs_justification: true,
            min_qualified_bids: 3,
            evaluation: Evaluation::Comprehensive,
        },
        PurchaseMethod::CompetitiveNegotiation => MethodRules {
            min_tender_days: 3,
            invited: Some((3, usize::MAX)),
            needs_justification: true,
            min_qualified_bids: 3,
            evaluation: Evaluation::LowestPrice,
        },
        PurchaseMethod::CompetitiveConsultation => MethodRules {
            min_tender_days: 10,
            invited: Some((3, usize::MAX)),
            needs_justification: true,
            min_qualified_bids: 2,
            evaluation: Evaluation::Comprehensive,
        },
        PurchaseMethod::SingleSource => MethodRules {
            min_tender_days: 5,
            invited: Some((1, 1)),
            needs_justification: true,
            min_qualified_bids: 1,
            evaluation: Evaluation::LowestPrice,
        },
    };
    Some(rules)
}
