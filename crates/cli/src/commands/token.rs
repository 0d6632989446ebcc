//! `gongzhi token`: a signed bearer token for development and tests.

use crate::args::TokenArgs;
use crate::runtime::dev_secret;
use anyhow::Context;
use gongzhi_kernel::DistrictCode;
use gongzhi_server::{AuthConfig, Claims, TokenIssuer};
use std::time::{SystemTime, UNIX_EPOCH};

pub async fn run(args: TokenArgs) -> anyhow::Result<()> {
    for district in &args.districts {
        DistrictCode::parse(district).with_context(|| format!("--district {district}"))?;
    }
    let secret = match args.jwt_secret {
        Some(secret) => secret.into_bytes(),
        None => dev_secret(&args.data_dir).await?,
    };
    let exp = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs()
        + args.ttl_hours.saturating_mul(3600);
    let claims = Claims {
        sub: args.subject,
        roles: args.roles,
        districts: args.districts,
        exp,
    };
    let token = TokenIssuer::new(&AuthConfig::new(secret))
        .issue_claims(&claims)
        .context("failed to sign the token")?;
    println!("{token}");
    Ok(())
}
