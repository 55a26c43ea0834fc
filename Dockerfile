# nasorch daemon image. Untested here (no Docker engine on the build machine); the structure is
# checked by test/package/deploy-files.test.ts.
#   docker build -t nasorch .
#   docker run -v $PWD/config:/config:ro --env-file nasorch.env -p 9464:9464 nasorch
# Node 24 is the current LTS line; package.json's engines allow it.

# --- build: dev dependencies, Prisma client generation, tsc to dist/ ---
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Install scripts are skipped here: prepare (the build) needs the sources copied below.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json prisma.config.ts ./
COPY scripts ./scripts
COPY prisma ./prisma
COPY src ./src
COPY jobs ./jobs
RUN npm run build

# --- runtime: production dependencies and the build only ---
FROM node:24-bookworm-slim AS runtime
# A 2 MB young generation: ~30 MB less RSS for an idle daemon (bench/README.md).
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=2 \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=9464
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no prepare/build here (no dev dependencies); the Prisma client is in dist/.
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY prisma/schema.prisma ./prisma/schema.prisma
COPY prisma/migrations ./prisma/migrations
COPY schema ./schema
COPY config/example.yaml ./config/example.yaml
# Policies are mounted here (read-only is enough); SIGHUP or a file change reloads them.
VOLUME ["/config"]
USER node
EXPOSE 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HTTP_PORT || 9464) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# exec form: node itself gets SIGTERM (stops after running jobs) and SIGHUP (reloads the policies).
ENTRYPOINT ["node", "bin/nasorch.js"]
CMD ["daemon", "--config", "/config"]
