# Multi-stage build of normreg: compile in the Rust image, run on slim Debian with libpq.
FROM rust:1.95-bookworm AS build
WORKDIR /src
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev && rm -rf /var/lib/apt/lists/*
COPY Cargo.toml Cargo.lock ./
COPY .cargo ./.cargo
COPY src ./src
COPY migrations ./migrations
COPY assets ./assets
COPY openapi ./openapi
RUN cargo build --release --locked --bin normreg

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/normreg --create-home normreg
COPY --from=build /src/target/release/normreg /usr/local/bin/normreg
USER normreg
WORKDIR /var/lib/normreg
# Owned by normreg, so that a volume mounted here (docker-compose.yml) is writable.
RUN mkdir -p /var/lib/normreg/index
ENV NORMREG_BIND=0.0.0.0:8080 \
    DATABASE_URL=sqlite:///var/lib/normreg/normreg.db
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD curl -fsS http://127.0.0.1:8080/readyz || exit 1
ENTRYPOINT ["normreg"]
CMD ["serve"]
