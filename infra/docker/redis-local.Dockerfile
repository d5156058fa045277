# syntax=docker/dockerfile:1
# DEV ONLY, for machines that cannot pull redis:7.4-bookworm (no registry reachable): Debian's
# redis-server (7.0 in bookworm) on the Node base image the other images already use, so it costs
# one apt layer. infra/compose.local-base.yaml swaps it in for compose's two Redis services.
# Build from the repo root:   podman build -f infra/docker/redis-local.Dockerfile -t quarry-redis:local .
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE}
# redis-tools comes with redis-server: compose's healthcheck runs redis-cli.
# The official image builds Redis with protected mode off (it is reached over the container
# network, without a password); Debian's keeps it on, so the entry point appends the flag to
# whatever command compose gives (`redis-server --appendonly yes …`).
RUN apt-get update \
 && apt-get install -y --no-install-recommends redis-server \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /data && chown redis:redis /data \
 && printf '#!/bin/sh\nexec "$@" --protected-mode no\n' > /usr/local/bin/redis-entry \
 && chmod 755 /usr/local/bin/redis-entry
# As in the official image: data in /data (compose mounts the broker's volume there), user redis.
WORKDIR /data
USER redis
EXPOSE 6379
ENTRYPOINT ["/usr/local/bin/redis-entry"]
CMD ["redis-server"]
