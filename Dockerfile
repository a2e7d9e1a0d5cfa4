# osec in a small static image: a musl build (static by default on Alpine) copied onto
# distroless/static (no shell, no libc, CA certificates, user `nonroot`).
#
#   docker build -t osec .
#   docker run --rm -p 8080:8080 osec                     # the embedded OCaml snapshot
#   docker run --rm -p 8080:8080 -v $PWD/db:/db:ro osec serve --addr 0.0.0.0:8080 --db /db/all.zip
#
# The image runs `osec`; its default command is the API server (docs/server.md).
FROM rust:1.90-alpine AS build
# ring (rustls' cryptography, for `osec db fetch`) compiles C: gcc and musl's headers.
RUN apk add --no-cache gcc musl-dev
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p osec \
 && cp target/release/osec /osec \
 && /osec --version

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /osec /usr/local/bin/osec
# `osec db fetch` and `osec serve` without --db share the cache under $XDG_CACHE_HOME.
ENV XDG_CACHE_HOME=/home/nonroot/.cache
USER nonroot
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/osec"]
CMD ["serve", "--addr", "0.0.0.0:8080"]
