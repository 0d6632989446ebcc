//! Bearer tokens: HS256 JWTs with `sub`, `roles`, `districts` and `exp`.
//!
//! Contract: a request reaches a service only with a valid, unexpired token
//! (health and reflection excepted, see [`crate::auth_layer`]); the verified
//! [`Caller`] is in the request's extensions. A caller acts on a district only
//! if the token lists it or carries the city-wide role [`CITY_ADMIN_ROLE`].

use crate::error::ApiError;
use gongzhi_kernel::DistrictCode;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::Duration;

/// The role that may act on every district.
pub const CITY_ADMIN_ROLE: &str = "city_admin";

/// Token settings; the secret is never printed.
#[derive(Clone)]
pub struct AuthConfig {
    jwt_secret: Vec<u8>,
}

impl AuthConfig {
    pub fn new(jwt_secret: impl Into<Vec<u8>>) -> Self {
        Self {
            jwt_secret: jwt_secret.into(),
        }
    }
}

impl fmt::Debug for AuthConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthConfig")
            .field("jwt_secret", &"<redacted>")
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub districts: Vec<String>,
    /// Expiry, seconds since the Unix epoch.
    pub exp: u64,
}

/// Who is calling, from a verified token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub subject: String,
    pub roles: Vec<String>,
    pub districts: Vec<DistrictCode>,
}

impl Caller {
    /// The caller the host's auth check put in `request`'s extensions.
    pub fn from_request<T>(request: &tonic::Request<T>) -> Result<Self, ApiError> {
        request
            .extensions()
            .get::<Caller>()
            .cloned()
            .ok_or_else(|| ApiError::unauthenticated("missing bearer token"))
    }

    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|held| held == role)
    }

    pub fn is_city_wide(&self) -> bool {
        self.has_role(CITY_ADMIN_ROLE)
    }

    pub fn ensure_role(&self, role: &str) -> Result<(), ApiError> {
        if self.has_role(role) {
            return Ok(());
        }
        Err(ApiError::permission_denied(format!(
            "this call needs the role {role}"
        )))
    }

    pub fn ensure_district(&self, district: &DistrictCode) -> Result<(), ApiError> {
        if self.is_city_wide() || self.districts.contains(district) {
            return Ok(());
        }
        Err(ApiError::permission_denied(format!(
            "caller may not act on district {district}"
        )))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("missing bearer token")]
    Missing,
    #[error("authorization header must be \"Bearer <token>\"")]
    NotBearer,
    #[error("basic credentials must be base64 of \"<user>:<token>\"")]
    BadBasic,
    #[error("bearer token has expired")]
    Expired,
    #[error("bearer token is invalid: {0}")]
    Invalid(#[source] jsonwebtoken::errors::Error),
    #[error("bearer token lists a malformed district {0:?}")]
    BadDistrict(String),
    #[error("cannot sign token: {0}")]
    Signing(#[source] jsonwebtoken::errors::Error),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthErrorKind {
    Missing,
    NotBearer,
    BadBasic,
    Expired,
    Invalid,
    BadDistrict,
    Signing,
}

impl AuthError {
    pub fn kind(&self) -> AuthErrorKind {
        match self {
            Self::Missing => AuthErrorKind::Missing,
            Self::NotBearer => AuthErrorKind::NotBearer,
            Self::BadBasic => AuthErrorKind::BadBasic,
            Self::Expired => AuthErrorKind::Expired,
            Self::Invalid(_) => AuthErrorKind::Invalid,
            Self::BadDistrict(_) => AuthErrorKind::BadDistrict,
            Self::Signing(_) => AuthErrorKind::Signing,
        }
    }
}

impl From<AuthError> for ApiError {
    fn from(error: AuthError) -> Self {
        match error.kind() {
            AuthErrorKind::Signing => ApiError::internal(&error),
            _ => ApiError::unauthenticated(error.to_string()),
        }
    }
}

/// Checks bearer tokens.
#[derive(Clone)]
pub struct TokenVerifier {
    key: DecodingKey,
    validation: Validation,
}

impl TokenVerifier {
    pub fn new(config: &AuthConfig) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp", "sub"]);
        // Small clock skew between issuer and service; tokens live minutes to hours.
        validation.leeway = 30;
        Self {
            key: DecodingKey::from_secret(&config.jwt_secret),
            validation,
        }
    }

    /// Verifies the value of an `authorization` header.
    pub fn verify_header(&self, header: Option<&str>) -> Result<Caller, AuthError> {
        let header = header.ok_or(AuthError::Missing)?;
        let (scheme, token) = header.trim().split_once(' ').ok_or(AuthError::NotBearer)?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(AuthError::NotBearer);
        }
        self.verify(token.trim())
    }

    /// Verifies an `authorization` header that is either `Bearer <token>` or
    /// `Basic base64(<user>:<token>)`: clients that only speak user and
    /// password (EventStoreDB's) pass the token as the password; the user
    /// name is not checked, the token's subject is who calls.
    pub fn verify_bearer_or_basic(&self, header: Option<&str>) -> Result<Caller, AuthError> {
        let header = header.ok_or(AuthError::Missing)?;
        let Some((scheme, credentials)) = header.trim().split_once(' ') else {
            return Err(AuthError::NotBearer);
        };
        if !scheme.eq_ignore_ascii_case("basic") {
            return self.verify_header(Some(header));
        }
        use base64::Engine;
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(credentials.trim())
            .map_err(|_| AuthError::BadBasic)?;
        let decoded = String::from_utf8(decoded).map_err(|_| AuthError::BadBasic)?;
        let (_user, token) = decoded.split_once(':').ok_or(AuthError::BadBasic)?;
        self.verify(token)
    }

    pub fn verify(&self, token: &str) -> Result<Caller, AuthError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.key, &self.validation).map_err(
            |error| match error.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => AuthError::Expired,
                _ => AuthError::Invalid(error),
            },
        )?;
        let claims = data.claims;
        let districts = claims
            .districts
            .iter()
            .map(|raw| DistrictCode::parse(raw).map_err(|_| AuthError::BadDistrict(raw.clone())))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Caller {
            subject: claims.sub,
            roles: claims.roles,
            districts,
        })
    }
}

/// Mints tokens, for `gongzhi dev`'s printed dev token and for tests.
#[derive(Clone)]
pub struct TokenIssuer {
    key: EncodingKey,
}

impl TokenIssuer {
    pub fn new(config: &AuthConfig) -> Self {
        Self {
            key: EncodingKey::from_secret(&config.jwt_secret),
        }
    }

    /// A token for `caller` valid for `ttl` from now.
    pub fn issue(&self, caller: &Caller, ttl: Duration) -> Result<String, AuthError> {
        let exp = jsonwebtoken::get_current_timestamp().saturating_add(ttl.as_secs());
        self.issue_claims(&Claims {
            sub: caller.subject.clone(),
            roles: caller.roles.clone(),
            districts: caller.districts.iter().map(ToString::to_string).collect(),
            exp,
        })
    }

    pub fn issue_claims(&self, claims: &Claims) -> Result<String, AuthError> {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.key)
            .map_err(AuthError::Signing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn district(code: &str) -> DistrictCode {
        DistrictCode::parse(code).unwrap_or_else(|error| panic!("test district: {error}"))
    }

    fn alice() -> Caller {
        Caller {
            subject: "alice".into(),
            roles: vec!["grid_worker".into()],
            districts: vec![district("500108")],
        }
    }

    fn pair(secret: &str) -> (TokenIssuer, TokenVerifier) {
        let config = AuthConfig::new(secret);
        (TokenIssuer::new(&config), TokenVerifier::new(&config))
    }

    #[test]
    fn issued_token_verifies_to_the_same_caller() -> Result<(), AuthError> {
        let (issuer, verifier) = pair("s3cret");
        let token = issuer.issue(&alice(), Duration::from_secs(60))?;
        assert_eq!(
            verifier.verify_header(Some(&format!("Bearer {token}")))?,
            alice()
        );
        Ok(())
    }

    #[test]
    fn refuses_missing_malformed_foreign_and_expired_tokens() -> Result<(), AuthError> {
        let (issuer, verifier) = pair("s3cret");
        let (other_issuer, _) = pair("not-our-secret");
        let foreign = other_issuer.issue(&alice(), Duration::from_secs(60))?;
        let expired = issuer.issue_claims(&Claims {
            sub: "alice".into(),
            roles: vec![],
            districts: vec![],
            exp: jsonwebtoken::get_current_timestamp() - 3600,
        })?;
        let bad_district = issuer.issue_claims(&Claims {
            sub: "alice".into(),
            roles: vec![],
            districts: vec!["5001".into()],
            exp: jsonwebtoken::get_current_timestamp() + 60,
        })?;
        let cases = [
            (None, AuthErrorKind::Missing),
            (
                Some("Basic dXNlcjpwYXNz".to_owned()),
                AuthErrorKind::NotBearer,
            ),
            (Some("Bearer".to_owned()), AuthErrorKind::NotBearer),
            (Some("Bearer not.a.jwt".to_owned()), AuthErrorKind::Invalid),
            (Some(format!("Bearer {foreign}")), AuthErrorKind::Invalid),
            (Some(format!("Bearer {expired}")), AuthErrorKind::Expired),
            (
                Some(format!("Bearer {bad_district}")),
                AuthErrorKind::BadDistrict,
            ),
        ];
        for (header, expected) in cases {
            let result = verifier.verify_header(header.as_deref());
            assert_eq!(
                result.as_ref().err().map(AuthError::kind),
                Some(expected),
                "{header:?}"
            );
        }
        Ok(())
    }

    #[test]
    fn basic_credentials_carry_the_token_as_password() -> Result<(), AuthError> {
        use base64::Engine;
        let (issuer, verifier) = pair("s3cret");
        let token = issuer.issue(&alice(), Duration::from_secs(60))?;
        let basic = |raw: &str| {
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(raw)
            )
        };
        let header = basic(&format!("anyone:{token}"));
        assert_eq!(verifier.verify_bearer_or_basic(Some(&header))?, alice());
        let bearer = format!("Bearer {token}");
        assert_eq!(verifier.verify_bearer_or_basic(Some(&bearer))?, alice());
        let cases = [
            (None, AuthErrorKind::Missing),
            (Some(basic("no-colon")), AuthErrorKind::BadBasic),
            (Some("Basic !!!".to_owned()), AuthErrorKind::BadBasic),
            (Some(basic("admin:changeit")), AuthErrorKind::Invalid),
        ];
        for (header, expected) in cases {
            let kind = verifier
                .verify_bearer_or_basic(header.as_deref())
                .err()
                .map(|e| e.kind());
            assert_eq!(kind, Some(expected), "{header:?}");
        }
        // Plain services keep refusing Basic.
        assert_eq!(
            verifier
                .verify_header(Some(&header))
                .err()
                .map(|e| e.kind()),
            Some(AuthErrorKind::NotBearer)
        );
        Ok(())
    }

    #[test]
    fn district_access_needs_the_district_or_the_city_role() {
        let mut caller = alice();
        assert!(caller.ensure_district(&district("500108")).is_ok());
        let denied = caller.ensure_district(&district("500103"));
        assert_eq!(
            denied.err().map(|e| e.kind()),
            Some(gongzhi_kernel::ErrorCode::PermissionDenied)
        );
        caller.roles.push(CITY_ADMIN_ROLE.into());
        assert!(caller.ensure_district(&district("500103")).is_ok());
    }

    #[test]
    fn role_check() {
        assert!(alice().ensure_role("grid_worker").is_ok());
        assert!(alice().ensure_role(CITY_ADMIN_ROLE).is_err());
    }

    #[test]
    fn debug_never_prints_the_secret() {
        assert!(!format!("{:?}", AuthConfig::new("s3cret")).contains("s3cret"));
    }
}
