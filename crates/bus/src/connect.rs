//! Connecting to NATS with the credentials a URL carries.
//!
//! async-nats parses `nats://user:password@host` but sends no credentials
//! from it, so a deployment that protects its subjects (see the NATS
//! authorization in deploy/k8s) would be refused. These options take them
//! from the URL: `user:password@` is user and password, a bare `token@` is a
//! token, as with the NATS CLI. Logs and errors show the URL through
//! [`redacted`], never with the secret.

use async_nats::{ConnectOptions, ServerAddr};

/// Connect options carrying the credentials in `url`, if any.
pub fn connect_options(url: &str) -> Result<ConnectOptions, async_nats::Error> {
    let options = ConnectOptions::new();
    let Some(first) = url.split(',').next() else {
        return Ok(options);
    };
    let address: ServerAddr = first.trim().parse()?;
    Ok(match (address.username(), address.password()) {
        (Some(user), Some(password)) => options.user_and_password(decode(user), decode(password)),
        (Some(token), None) => options.token(decode(token)),
        _ => options,
    })
}

/// `url` with any password or token replaced by `***`, for logs and errors.
pub fn redacted(url: &str) -> String {
    url.split(',')
        .map(|one| {
            let one = one.trim();
            let Some((scheme, rest)) = one.split_once("://") else {
                return one.to_owned();
            };
            match rest.rsplit_once('@') {
                Some((credentials, host)) => match credentials.split_once(':') {
                    Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
                    None => format!("{scheme}://***@{host}"),
                },
                None => one.to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// URL userinfo is percent-encoded; a password may need `%40` for `@`.
fn decode(part: &str) -> String {
    percent_encoding::percent_decode_str(part)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_show_in_the_redacted_url() {
        assert_eq!(
            redacted("nats://gongzhi:s3cret@nats:4222"),
            "nats://gongzhi:***@nats:4222"
        );
        assert_eq!(redacted("nats://tok@nats:4222"), "nats://***@nats:4222");
        assert_eq!(redacted("nats://nats:4222"), "nats://nats:4222");
        assert_eq!(
            redacted("nats://a:b@one:4222,nats://a:b@two:4222"),
            "nats://a:***@one:4222,nats://a:***@two:4222"
        );
    }

    #[test]
    fn percent_encoded_userinfo_is_decoded() {
        assert_eq!(decode("p%40ss%3Aword"), "p@ss:word");
        assert_eq!(decode("plain"), "plain");
        assert_eq!(decode("bad%4"), "bad%4");
    }

    #[test]
    fn a_url_that_is_not_a_nats_url_is_an_error() {
        assert!(connect_options("nats://a:b@host:notaport").is_err());
        assert!(connect_options("nats://host:4222").is_ok());
    }
}
