# syntax=docker/dockerfile:1
# Quarry worker image: BullMQ + Puppeteer workers on Node 24 with Debian's chromium-headless-shell.
# Build from the repo root:   docker build -f infra/docker/worker.Dockerfile -t quarry-worker .
# The same image runs the KEDA scaler-metrics service (see infra/k8s/scaler-deployment.yaml) and the
# queue dashboard (infra/k8s/dashboard-deployment.yaml).
# Pin the base image by digest in CI (--build-arg NODE_IMAGE=node:24-bookworm-slim@sha256:…) for reproducible builds.

# Base of every stage: the official Node 24 image by default. Where no registry is reachable,
# `npm run image:build` passes a local one (NODE_IMAGE=localhost/quarry-node-base:24, built by
# `npm run image:base` from debootstrap and the npm `node` binary); see README, "Containers".
ARG NODE_IMAGE=node:24-bookworm-slim

# ---- build: full dependencies, compile TypeScript to dist/, then drop dev dependencies ----------
# This stage is kept identical to the one in rest-server.Dockerfile so both images share its cache.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# Puppeteer must not download its own Chrome: the runtime uses Debian's Chromium, and the
# devDependencies that pull full puppeteer (crawlee, for benchmarks) would add ~300 MB for nothing.
ENV PUPPETEER_SKIP_DOWNLOAD=1
# Manifests first: the npm ci layer is reused until package*.json change.
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.ts scripts/build.ts
COPY shared shared
COPY worker worker
COPY dev dev
# --no-edge: the edge runs on Cloudflare, not in this image. The build also runs the emitted worker
# on plain Node (no type stripping) and fails if a bad config is not rejected or a module is missing.
RUN npm run build -- --no-edge
# What the runtime needs from node_modules: production dependencies only (~60 MB instead of ~740 MB).
RUN npm prune --omit=dev --no-audit --no-fund

# ---- runtime: Node 24 + chromium-headless-shell, no compiler, no dev dependencies -------------
FROM ${NODE_IMAGE} AS runtime
# chromium-headless-shell: Puppeteer's `headless: 'shell'` binary, lighter and faster per page than
#   full chromium (FINDINGS: ~11-14.6 vs ~10-11 pages/s, ~200-800 MB PSS); from bookworm-security.
# fonts-liberation: metric-compatible Arial/Times/Courier so layouts and text extraction match real
#   browsers; fonts-noto-color-emoji: emoji render instead of tofu (optional, ~10 MB).
# tini: PID 1 that forwards SIGTERM to Node (graceful drain) and reaps orphaned Chromium children.
# ca-certificates: system roots for Chromium/NSS and any TLS tool; Node bundles its own.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      chromium-headless-shell fonts-liberation fonts-noto-color-emoji tini ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Code stays root-owned and read-only for the worker user; only /tmp and $HOME are written (Chromium).
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Debian's real binary, not the /usr/bin wrapper; the worker picks `headless: 'shell'` from its name.
ENV PUPPETEER_EXECUTABLE_PATH=/usr/lib/chromium/chromium-headless-shell \
    NODE_ENV=production \
    QUARRY_HEALTH_PORT=9464
# FINDINGS: RSS swings 350-900 MB with V8's lazy GC; a 192 MB old-space cap held ~316 MB at the same
# throughput. 256 keeps that shape with headroom for QUARRY_MAX_BODY_BYTES-sized pages in flight.
# Chromium runs in its own processes and is not bounded by this.
ENV NODE_OPTIONS=--max-old-space-size=256
# Numeric uid of the image's `node` user, so Kubernetes' runAsNonRoot can verify it without a runAsUser.
USER 1000:1000
EXPOSE 9464
# /readyz, not /healthz: compose's depends_on and `docker ps` should show "healthy" only while the
# worker is connected to the broker and taking jobs. No curl in slim images: Node's fetch does it.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.QUARRY_HEALTH_PORT || 9464) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# No `-g`: SIGTERM goes to Node only, which drains jobs and then closes Chromium itself; signalling
# the whole group would kill the browser under jobs that are still finishing.
ENTRYPOINT ["tini", "--"]
CMD ["node", "dist/worker/src/main.js"]
