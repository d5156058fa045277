# syntax=docker/dockerfile:1
# DEV ONLY: the edge (Hono) under `wrangler dev` (workerd) for infra/compose.yaml. Production runs
# the edge on Cloudflare (`wrangler deploy -c infra/wrangler.jsonc`); this image only mirrors
# `npm start` for people who prefer Docker.
# Build from the repo root:   docker build -f infra/docker/edge-dev.Dockerfile -t quarry-edge-dev .

# Base of every stage: the official Node 24 image by default. Where no registry is reachable,
# `npm run image:build` passes a local one (NODE_IMAGE=localhost/quarry-node-base:24, built by
# `npm run image:base` from debootstrap and the npm `node` binary); see README, "Containers".
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE}
WORKDIR /app
# These lines up to `npm ci` match worker.Dockerfile's build stage instruction for instruction, so
# the engine's layer cache builds the dependency layer once for all three images.
ENV PUPPETEER_SKIP_DOWNLOAD=1
# All dependencies: wrangler and workerd are devDependencies.
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
# wrangler offline, as dev/local/wrangler-dev.ts runs it: no telemetry, no cf.json fetch, no update
# check; its logs and caches go to /tmp (not node_modules/.cache), writable by the non-root user.
ENV WRANGLER_SEND_METRICS=false \
    WRANGLER_SEND_ERROR_REPORTS=false \
    CLOUDFLARE_CF_FETCH_ENABLED=false \
    WRANGLER_HIDE_BANNER=true \
    XDG_CONFIG_HOME=/tmp/wrangler/config \
    WRANGLER_CACHE_DIR=/tmp/wrangler/cache
COPY tsconfig.json ./
# The edge imports shared/ and a few worker/ modules (e.g. politeness reply parsing); wrangler
# bundles whatever edge/src/index.ts reaches.
COPY shared shared
COPY worker worker
COPY edge edge
COPY infra/wrangler.jsonc infra/wrangler.jsonc
# wrangler writes .wrangler/ (bundles, temp files) next to the config and in the working directory:
# give the non-root user those two folders, the code stays root-owned.
RUN mkdir -p infra/.wrangler .wrangler && chown 1000:1000 infra/.wrangler .wrangler
USER 1000:1000
EXPOSE 8787
# Secrets: no .dev.vars in the image (.dockerignore). With `secrets.required` in wrangler.jsonc,
# wrangler dev reads them from the process environment, which compose fills from .dev.vars.
# Each flag's value attached (`--ip=…`): some wrangler options swallow the arguments that follow.
CMD ["node", "node_modules/wrangler/bin/wrangler.js", "dev", "-c", "infra/wrangler.jsonc", "--ip=0.0.0.0", "--port=8787", "--show-interactive-dev-session=false", "--persist-to=/tmp/wrangler/state"]
