# syntax=docker/dockerfile:1
# DEV ONLY: the local Upstash-compatible REST server (dev/rest-server) in front of a redis-server,
# for infra/compose.yaml. Production uses Upstash itself; never expose this image to a network you
# do not control (one static token, no TLS).
# Build from the repo root:   docker build -f infra/docker/rest-server.Dockerfile -t quarry-rest-server .

# Base of every stage: the official Node 24 image by default. Where no registry is reachable,
# `npm run image:build` passes a local one (NODE_IMAGE=localhost/quarry-node-base:24, built by
# `npm run image:base` from debootstrap and the npm `node` binary); see README, "Containers".
ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: identical to worker.Dockerfile's build stage, so the two images share its cache -----
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# No browser download: this stage only compiles TypeScript.
ENV PUPPETEER_SKIP_DOWNLOAD=1
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.ts scripts/build.ts
COPY shared shared
COPY worker worker
COPY dev dev
RUN npm run build -- --no-edge
RUN npm prune --omit=dev --no-audit --no-fund

# ---- runtime: plain Node, no Chromium ---------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
# tini: PID 1 that forwards SIGTERM so the server closes its Redis connection cleanly.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# main.ts reads these as its defaults: listen on every interface inside the container's network.
# The token (UPSTASH_REDIS_REST_TOKEN) and REDIS_URL come from compose; there is no default token.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8079
USER 1000:1000
EXPOSE 8079
# /__quarry/health needs no token and answers 503 while Redis is unreachable.
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8079) + '/__quarry/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["tini", "--"]
CMD ["node", "dist/dev/rest-server/main.js"]
