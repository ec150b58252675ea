# twinbot: a small image for Discord, Slack and the HTTP doors (GET /healthz on PORT).
# Not exercised in CI: no Docker engine runs there. `npm test` runs on Node 20.20; this image uses Node 22 (LTS),
# which the code is written to run on (Node 20 left long-term support in April 2026).
#
#   docker build -t twinbot .
#   docker run -d --env-file .env -v twinbot-data:/data -p 8080:8080 twinbot
#
# Stage 1: production dependencies only. @libsql/client and @napi-rs/canvas install prebuilt binaries for the
# image's platform (glibc), so nothing compiles and no build tools reach the final image.
FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# why: npm ci runs the `prepare` script (bin/build.js --if-possible); without TypeScript it only says so and exits 0.
COPY bin ./bin
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# Stage 2: the runtime. TypeScript runs through tsx (a dependency), so the sources are the program.
FROM node:22-bookworm-slim
ENV NODE_ENV=production \
    PORT=8080 \
    DATABASE_URL=file:/data/twinbot.db
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY src ./src
COPY profiles ./profiles
COPY slack ./slack
# The dashboard's script and stylesheet, served from disk (no front-end build step).
COPY web ./web
# The embedded database (usage ledger, quotas, Slack installations) lives on a volume owned by the non-root user.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 8080
# why: node:*-slim has no curl; Node's own fetch asks /healthz (503 while shutting down, so the host drains it).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM reaches node directly (exec form): answers in flight get TWIN_SHUTDOWN_GRACE_S, then it exits 0.
CMD ["node", "--import", "tsx", "src/cli/index.ts", "start"]
