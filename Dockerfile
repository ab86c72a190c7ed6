# The flink-backup KRM function image, for kustomize and kpt `container:` functions.
#   docker build -t flink-backup:latest .
FROM rust:1-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends musl-tools \
 && rustup target add x86_64-unknown-linux-musl
WORKDIR /src
COPY . .
RUN cargo build --release --locked --target x86_64-unknown-linux-musl --bin flink-backup

FROM scratch
COPY --from=build /src/target/x86_64-unknown-linux-musl/release/flink-backup /flink-backup
USER 65534:65534
# No arguments: the functionConfig's kind (FlinkValidate, FlinkBackup, FlinkRestore) decides.
ENTRYPOINT ["/flink-backup"]
