# Footnote in a container: `docker build -t footnote .`, then see compose.yaml (or the README).

# ── build: compile to dist/, then keep only the production dependencies ─────────────────────
# better-sqlite3 is a native module: npm fetches a prebuilt binary when one matches, and
# otherwise compiles it with node-gyp, which needs python3, make and g++. They stay here.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# Without scripts, so `prepare` does not build before the sources are here; then the one
# install script production needs.
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY commands ./commands
COPY bin/main.ts ./bin/
RUN npm run build && npm prune --omit=dev && npm cache clean --force

# ── run: compiled JavaScript and production dependencies only (no TypeScript), not root ──────
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    FOOTNOTE_DATA_DIR=/data \
    FOOTNOTE_HTTP_HOST=0.0.0.0 \
    FOOTNOTE_HTTP_PORT=8080
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY bin/footnote.js ./bin/
COPY corpus ./corpus
# The image's `node` user (uid 1000) owns the data directory; the code stays root's, read-only.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
# 200 only when the gateway is ready, the index loaded and /data writable (see README). Without
# FOOTNOTE_HTTP_PORT there is no endpoint to ask, and the check passes.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "const p=process.env.FOOTNOTE_HTTP_PORT;if(!p)process.exit(0);fetch(`http://127.0.0.1:${p}/healthz`).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Node handles SIGTERM itself: `docker stop` lets interactions in flight finish, then exits 0.
CMD ["node", "bin/footnote.js", "start"]
