//! Bearer tokens for test callers: issued with a test's own secret, attached
//! to requests the way a client sends them.

use gongzhi_kernel::DistrictCode;
use gongzhi_server::{AuthConfig, Caller, TokenIssuer};
use std::time::Duration;
use tonic::Request;
use tonic::metadata::{Ascii, MetadataValue};

/// A token signed with `secret` for `subject` with `roles` in `districts`,
/// valid for ten minutes.
pub fn issue(
    secret: &[u8],
    subject: &str,
    roles: &[&str],
    districts: &[&str],
) -> anyhow::Result<String> {
    let caller = Caller {
        subject: subject.to_owned(),
        roles: roles.iter().map(|r| (*r).to_owned()).collect(),
        districts: districts
            .iter()
            .map(|d| DistrictCode::parse(d))
            .collect::<Result<_, _>>()?,
    };
    Ok(TokenIssuer::new(&AuthConfig::new(secret.to_vec()))
        .issue(&caller, Duration::from_secs(600))?)
}

/// An `authorization` header checked once, so helpers that answer with the
/// service's own `Status` attach it without a failure of their own.
#[derive(Clone)]
pub struct Bearer(MetadataValue<Ascii>);

impl Bearer {
    pub fn new(token: &str) -> anyhow::Result<Self> {
        Ok(Self(format!("Bearer {token}").parse()?))
    }

    pub fn on<T>(&self, message: T) -> Request<T> {
        let mut request = Request::new(message);
        request
            .metadata_mut()
            .insert("authorization", self.0.clone());
        request
    }
}

pub fn authorized<T>(message: T, token: &str) -> anyhow::Result<Request<T>> {
    Ok(Bearer::new(token)?.on(message))
}
