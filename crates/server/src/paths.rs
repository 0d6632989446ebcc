//! Which gRPC paths are infrastructure rather than business calls.

const HEALTH_PREFIX: &str = "/grpc.health.v1.Health/";
const REFLECTION_PREFIXES: [&str; 2] = [
    "/grpc.reflection.v1.ServerReflection/",
    "/grpc.reflection.v1alpha.ServerReflection/",
];

pub(crate) fn is_health(path: &str) -> bool {
    path.starts_with(HEALTH_PREFIX)
}

/// Health and reflection: reachable without a token and while draining, so
/// probes and grpcurl always work.
pub(crate) fn is_public(path: &str) -> bool {
    is_health(path)
        || REFLECTION_PREFIXES
            .iter()
            .any(|prefix| path.starts_with(prefix))
}

/// `("pkg.Service", "Method")` from `/pkg.Service/Method`.
pub(crate) fn split_rpc(path: &str) -> (&str, &str) {
    let trimmed = path.trim_start_matches('/');
    trimmed.split_once('/').unwrap_or((trimmed, ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_and_reflection_are_public() {
        assert!(is_public("/grpc.health.v1.Health/Check"));
        assert!(is_public(
            "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"
        ));
        assert!(!is_public(
            "/gongzhi.platform.v1.NoticeService/PublishNotice"
        ));
        assert!(!is_public("/grpc.health.v1.HealthX/Check"));
    }

    #[test]
    fn splits_service_and_method() {
        assert_eq!(
            split_rpc("/gongzhi.platform.v1.NoticeService/PublishNotice"),
            ("gongzhi.platform.v1.NoticeService", "PublishNotice")
        );
        assert_eq!(split_rpc("/odd"), ("odd", ""));
    }
}
