# Two stages: build a static binary, then ship it alone (with CA certificates for SMTP and the
# inspector's HTTPS), running as a non-root user. Templates, assets, migrations and the shipped
# calendars are embedded in the binary.
FROM golang:1.27.3 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/zhaocuo ./app \
 && mkdir -p /out/data

# A worker that renders the pages a plain request cannot read (INSPECT_BROWSER: sites behind a
# script challenge, lists a script fills): the same binary beside Debian's chromium and CJK fonts,
# installed when the image is built. Built with --target browser-worker (compose.yaml's worker);
# the default image, the last stage, stays the static binary alone.
FROM debian:bookworm-slim AS browser-worker
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-noto-cjk ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/zhaocuo /zhaocuo
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV DATA_DIR=/data ROLE=worker INSPECT_BROWSER=/usr/bin/chromium
ENTRYPOINT ["/zhaocuo"]

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/zhaocuo /zhaocuo
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV DATA_DIR=/data ADDR=:8080
EXPOSE 8080
ENTRYPOINT ["/zhaocuo"]
