# One image for every powerplane component (agent, model server, estimator, operator, CLI):
#   docker build -t powerplane:dev --build-arg POWERPLANE_COMMIT=$(git rev-parse --short HEAD) .
# Entrypoint is `powerplane`; the command picks the component (`powerplane operator`, `powerplane agent`, …).
#
# The image runs as a non-root user (65532). The operator, model server and estimator keep it.
# The agent's DaemonSet overrides it with runAsUser: 0, because since Linux 5.10 the RAPL
# energy_uj files are readable by root only (CVE-2020-8694); it still drops every capability but
# SYS_PTRACE, is not privileged and has a read-only root file system.

# ---- build: transpile TypeScript with esbuild (a dev dependency), then keep only production ones ----
FROM node:20-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are copied; the build runs below.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.base.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# ---- runtime ----
FROM node:20-slim
ARG POWERPLANE_COMMIT=unknown
ENV NODE_ENV=production \
    POWERPLANE_COMMIT=${POWERPLANE_COMMIT}
WORKDIR /opt/powerplane
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY deploy ./deploy
RUN chmod 0755 dist/src/cli/main.js && ln -s /opt/powerplane/dist/src/cli/main.js /usr/local/bin/powerplane
USER 65532:65532
EXPOSE 28282 8100 5656 9443 8081
ENTRYPOINT ["powerplane"]
CMD ["--help"]
