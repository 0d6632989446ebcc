//! Providers and the catalogue through the application layer.
//!
//! Contract: a provider's id is derived from the district and its social
//! credit code, so registering the same code again, whatever the request id,
//! reaches the same stream and is refused with PROVIDER_ALREADY_REGISTERED.
//! The catalogue of a district is one stream.

use super::{
    AppError, CATALOGUE_CATEGORY, PROVIDER_CATEGORY, ProcurementApp, catalogue_id, provider_id,
};
use crate::domain::catalogue::{Catalogue, CatalogueCommand, CatalogueError, ServiceNature};
use crate::domain::provider::{Provider, ProviderCommand, ProviderError, ProviderKind};
use gongzhi_commands::Receipt;
use gongzhi_kernel::{DistrictCode, SocialCreditCode};
use gongzhi_server::CommandContext;
use uuid::Uuid;

/// A registration as asked for, validated by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterProvider {
    pub code: SocialCreditCode,
    pub name: String,
    pub kind: ProviderKind,
    pub qualifications: Vec<String>,
    pub contact: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishItem {
    pub item_code: String,
    pub name: String,
    pub nature: ServiceNature,
    pub stable: bool,
    pub dispatchable: bool,
}

impl ProcurementApp {
    pub async fn register_provider(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        register: RegisterProvider,
    ) -> Result<(Uuid, Receipt), AppError<ProviderError>> {
        let id = provider_id(district, register.code.as_str());
        let command = ProviderCommand::Register {
            provider_id: id.to_string(),
            district: district.clone(),
            code: register.code,
            name: register.name,
            kind: register.kind,
            qualifications: register.qualifications,
            contact: register.contact,
            at: self.now(),
        };
        let receipt = self
            .run::<Provider>(context, district, PROVIDER_CATEGORY, id, command)
            .await?;
        Ok((id, receipt))
    }

    pub async fn update_qualifications(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        provider_id: Uuid,
        qualifications: Vec<String>,
    ) -> Result<Receipt, AppError<ProviderError>> {
        let command = ProviderCommand::UpdateQualifications {
            district: district.clone(),
            qualifications,
        };
        self.run::<Provider>(context, district, PROVIDER_CATEGORY, provider_id, command)
            .await
    }

    pub async fn publish_item(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        item: PublishItem,
    ) -> Result<Receipt, AppError<CatalogueError>> {
        let command = CatalogueCommand::Publish {
            district: district.clone(),
            item_code: item.item_code,
            name: item.name,
            nature: item.nature,
            stable: item.stable,
            dispatchable: item.dispatchable,
            at: self.now(),
        };
        self.run::<Catalogue>(
            context,
            district,
            CATALOGUE_CATEGORY,
            catalogue_id(district),
            command,
        )
        .await
    }

    pub async fn withdraw_item(
        &self,
        context: &CommandContext,
        district: &DistrictCode,
        item_code: String,
        reason: String,
    ) -> Result<Receipt, AppError<CatalogueError>> {
        let command = CatalogueCommand::Withdraw {
            district: district.clone(),
            item_code,
            reason,
        };
        self.run::<Catalogue>(
            context,
            district,
            CATALOGUE_CATEGORY,
            catalogue_id(district),
            command,
        )
        .await
    }
}
