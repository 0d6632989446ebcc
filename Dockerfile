# syntax=docker/dockerfile:1
# The gongzhi binary on a minimal, non-root runtime image.
#
#   docker build -t gongzhi:dev .
#   docker run --rm gongzhi:dev --help
#
# Every service runs from this one image (`gongzhi serve <service>`,
# `gongzhi migrate`); deploy/k8s sets the command.

ARG RUST_VERSION=1.90

FROM rust:${RUST_VERSION}-bookworm AS builder
WORKDIR /src
COPY . .
# Cache mounts keep the crate downloads and compiled dependencies between
# builds; the binary is copied out because the target dir is not in the layer.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p gongzhi-cli --bin gongzhi \
    && install -D -m 0755 target/release/gongzhi /out/gongzhi

# glibc, libgcc, CA certificates (rustls reads the system roots) and nothing
# else: no shell, no package manager. Runs as uid/gid 65532 (nonroot).
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=builder /out/gongzhi /usr/local/bin/gongzhi
USER 65532:65532
EXPOSE 50051 8080
ENTRYPOINT ["/usr/local/bin/gongzhi"]
CMD ["--help"]
