//! `ProviderService` and `CatalogueService`: validation (all violations at
//! once), roles, mapping to and from the application.

use super::access::{ensure_buyer, ensure_read};
use super::errors::app_error;
use super::receipt::receipt;
use crate::app::ProcurementApp;
use crate::app::providers::{PublishItem, RegisterProvider};
use crate::domain::catalogue::{CatalogueError, ITEM_CODE_MAX_CHARS, ServiceNature};
use crate::domain::provider::{NAME_MAX_CHARS, ProviderError, ProviderKind, QUALIFICATIONS_MAX};
use gongzhi_kernel::SocialCreditCode;
use gongzhi_proto::gongzhi::procurement::v1 as pb;
use gongzhi_server::{ApiError, Caller, CommandContext, Violations};
use tonic::{Request, Response, Status};

const TEXT_MAX_CHARS: usize = 500;

fn incomplete() -> Status {
    ApiError::invalid_argument(Vec::new()).into()
}

pub struct ProviderGrpc {
    app: ProcurementApp,
}

impl ProviderGrpc {
    pub fn new(app: ProcurementApp) -> Self {
        Self { app }
    }
}

pub struct CatalogueGrpc {
    app: ProcurementApp,
}

impl CatalogueGrpc {
    pub fn new(app: ProcurementApp) -> Self {
        Self { app }
    }
}

fn provider_kind(v: &mut Violations, raw: i32) -> Option<ProviderKind> {
    match ProviderKind::try_from(raw) {
        Ok(ProviderKind::Unspecified) => {
            v.add("kind", "required");
            None
        }
        Ok(kind) => Some(kind),
        Err(_) => {
            v.add("kind", format!("{raw} is not a provider kind"));
            None
        }
    }
}

fn nature(v: &mut Violations, raw: i32) -> Option<ServiceNature> {
    match ServiceNature::try_from(raw) {
        Ok(ServiceNature::Unspecified) => {
            v.add("nature", "required");
            None
        }
        Ok(nature) => Some(nature),
        Err(_) => {
            v.add("nature", format!("{raw} is not a service nature"));
            None
        }
    }
}

fn qualifications(v: &mut Violations, raw: &[String]) -> Option<Vec<String>> {
    if raw.len() > QUALIFICATIONS_MAX {
        v.add("qualifications", format!("at most {QUALIFICATIONS_MAX}"));
        return None;
    }
    raw.iter()
        .enumerate()
        .map(|(n, q)| v.text(&format!("qualifications[{n}]"), q, TEXT_MAX_CHARS))
        .collect()
}

#[tonic::async_trait]
impl pb::provider_service_server::ProviderService for ProviderGrpc {
    async fn register_provider(
        &self,
        request: Request<pb::RegisterProviderRequest>,
    ) -> Result<Response<pb::RegisterProviderResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        v.request_id(&r.request_id);
        let district = v.district(&r.district);
        let code = v.check(
            "social_credit_code",
            SocialCreditCode::parse(&r.social_credit_code),
        );
        let name = v.text("name", &r.name, NAME_MAX_CHARS);
        let kind = provider_kind(&mut v, r.kind);
        let qualifications = qualifications(&mut v, &r.qualifications);
        let contact = v.optional_text("contact", &r.contact, TEXT_MAX_CHARS);
        v.finish()?;
        let (
            Some(district),
            Some(code),
            Some(name),
            Some(kind),
            Some(qualifications),
            Some(contact),
        ) = (district, code, name, kind, qualifications, contact)
        else {
            return Err(incomplete());
        };
        ensure_buyer(&caller, &district)?;
        let context = CommandContext::new(caller, &r.request_id)?;
        let register = RegisterProvider {
            code,
            name,
            kind,
            qualifications,
            contact,
        };
        let (provider_id, written) = self
            .app
            .register_provider(&context, &district, register)
            .await
            .map_err(|e| app_error(e, "provider"))?;
        Ok(Response::new(pb::RegisterProviderResponse {
            provider_id: provider_id.to_string(),
            receipt: receipt(&written),
        }))
    }

    async fn update_provider_qualifications(
        &self,
        request: Request<pb::UpdateProviderQualificationsRequest>,
    ) -> Result<Response<pb::UpdateProviderQualificationsResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        v.request_id(&r.request_id);
        let district = v.district(&r.district);
        let provider_id = v.uuid("provider_id", &r.provider_id);
        let qualifications = qualifications(&mut v, &r.qualifications);
        v.finish()?;
        let (Some(district), Some(provider_id), Some(qualifications)) =
            (district, provider_id, qualifications)
        else {
            return Err(incomplete());
        };
        ensure_buyer(&caller, &district)?;
        let context = CommandContext::new(caller, &r.request_id)?;
        let written = self
            .app
            .update_qualifications(&context, &district, provider_id, qualifications)
            .await
            .map_err(|e| app_error(e, "provider"))?;
        Ok(Response::new(pb::UpdateProviderQualificationsResponse {
            receipt: receipt(&written),
        }))
    }

    async fn get_provider(
        &self,
        request: Request<pb::GetProviderRequest>,
    ) -> Result<Response<pb::GetProviderResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let district = v.district(&r.district);
        let provider_id = v.uuid("provider_id", &r.provider_id);
        v.finish()?;
        let (Some(district), Some(provider_id)) = (district, provider_id) else {
            return Err(incomplete());
        };
        ensure_read(&caller, &district)?;
        let view = self
            .app
            .provider::<ProviderError>(&district, &provider_id.to_string(), r.min_position)
            .await
            .map_err(|e| app_error(e, "provider"))?;
        Ok(Response::new(pb::GetProviderResponse {
            provider: Some(pb::Provider {
                provider_id: view.provider_id,
                district: view.district,
                social_credit_code: view.social_credit_code,
                name: view.name,
                kind: view.kind,
                qualifications: view.qualifications,
                contact: view.contact,
                contracts: view
                    .contracts
                    .into_iter()
                    .map(|c| pb::ProviderContract {
                        purchase_id: c.purchase_id,
                        contract_id: c.contract_id,
                        amount_fen: c.amount_fen,
                        evaluation_score: c.evaluation_score,
                        evaluated: c.evaluated,
                        evaluator: c.evaluator,
                        satisfaction_count: c.satisfaction.count,
                        satisfaction_star_sum: c.satisfaction.star_sum,
                    })
                    .collect(),
            }),
        }))
    }
}

#[tonic::async_trait]
impl pb::catalogue_service_server::CatalogueService for CatalogueGrpc {
    async fn publish_catalogue_item(
        &self,
        request: Request<pb::PublishCatalogueItemRequest>,
    ) -> Result<Response<pb::PublishCatalogueItemResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        v.request_id(&r.request_id);
        let district = v.district(&r.district);
        let item_code = v.text("item_code", &r.item_code, ITEM_CODE_MAX_CHARS);
        let name = v.text("name", &r.name, NAME_MAX_CHARS);
        let nature = nature(&mut v, r.nature);
        v.finish()?;
        let (Some(district), Some(item_code), Some(name), Some(nature)) =
            (district, item_code, name, nature)
        else {
            return Err(incomplete());
        };
        ensure_buyer(&caller, &district)?;
        let context = CommandContext::new(caller, &r.request_id)?;
        let item = PublishItem {
            item_code,
            name,
            nature,
            stable: r.stable,
            dispatchable: r.dispatchable,
        };
        let written = self
            .app
            .publish_item(&context, &district, item)
            .await
            .map_err(|e| app_error(e, "catalogue item"))?;
        Ok(Response::new(pb::PublishCatalogueItemResponse {
            receipt: receipt(&written),
        }))
    }

    async fn withdraw_catalogue_item(
        &self,
        request: Request<pb::WithdrawCatalogueItemRequest>,
    ) -> Result<Response<pb::WithdrawCatalogueItemResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        v.request_id(&r.request_id);
        let district = v.district(&r.district);
        let item_code = v.text("item_code", &r.item_code, ITEM_CODE_MAX_CHARS);
        let reason = v.text("reason", &r.reason, TEXT_MAX_CHARS);
        v.finish()?;
        let (Some(district), Some(item_code), Some(reason)) = (district, item_code, reason) else {
            return Err(incomplete());
        };
        ensure_buyer(&caller, &district)?;
        let context = CommandContext::new(caller, &r.request_id)?;
        let written = self
            .app
            .withdraw_item(&context, &district, item_code, reason)
            .await
            .map_err(|e| app_error(e, "catalogue item"))?;
        Ok(Response::new(pb::WithdrawCatalogueItemResponse {
            receipt: receipt(&written),
        }))
    }

    async fn list_catalogue_items(
        &self,
        request: Request<pb::ListCatalogueItemsRequest>,
    ) -> Result<Response<pb::ListCatalogueItemsResponse>, Status> {
        let caller = Caller::from_request(&request)?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let district = v.district(&r.district);
        v.finish()?;
        let Some(district) = district else {
            return Err(incomplete());
        };
        ensure_read(&caller, &district)?;
        let items = self
            .app
            .catalogue_items::<CatalogueError>(&district, r.min_position)
            .await
            .map_err(|e| app_error(e, "catalogue"))?;
        Ok(Response::new(pb::ListCatalogueItemsResponse {
            items: items
                .into_iter()
                .map(|i| pb::CatalogueItem {
                    item_code: i.item_code,
                    name: i.name,
                    nature: i.nature,
                    stable: i.stable,
                    dispatchable: i.dispatchable,
                    withdrawn: i.withdrawn,
                })
                .collect(),
        }))
    }
}
