//! Case queries over the `cases` read model, with read-your-writes: a query
//! given a `min_position` waits (bounded) until the model has applied it.

use super::{CaseAppError, CasesApp};
use crate::projections::{CaseRow, CaseRowFilter, get_case, list_cases};
use gongzhi_kernel::DistrictCode;

pub const MAX_PAGE_SIZE: u32 = 200;
pub const DEFAULT_PAGE_SIZE: u32 = 50;

#[derive(Debug, Clone, PartialEq)]
pub struct CasePage {
    pub cases: Vec<CaseRow>,
    /// Empty on the last page.
    pub next_page_token: String,
}

impl CasesApp {
    pub async fn get(
        &self,
        district: &DistrictCode,
        case_id: &str,
        min_position: u64,
    ) -> Result<CaseRow, CaseAppError> {
        self.cases.wait_for(min_position, self.max_wait).await?;
        get_case(&self.cases, district.as_str(), case_id)
            .await?
            .ok_or(CaseAppError::NotFound)
    }

    /// Cases after `after` (a previous page's token) in id order.
    pub async fn list(
        &self,
        district: &DistrictCode,
        filter: &CaseRowFilter,
        page_size: u32,
        after: &str,
        min_position: u64,
    ) -> Result<CasePage, CaseAppError> {
        self.cases.wait_for(min_position, self.max_wait).await?;
        let size = if page_size == 0 {
            DEFAULT_PAGE_SIZE
        } else {
            page_size.min(MAX_PAGE_SIZE)
        };
        let mut cases = list_cases(&self.cases, district.as_str(), filter, after, size + 1).await?;
        let more = cases.len() > size as usize;
        cases.truncate(size as usize);
        let next_page_token = match (more, cases.last()) {
            (true, Some(last)) => last.case_id.clone(),
            _ => String::new(),
        };
        Ok(CasePage {
            cases,
            next_page_token,
        })
    }
}
