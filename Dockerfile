# syntax=docker/dockerfile:1
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json mikro-orm.config.ts ./
COPY src ./src
COPY seeds ./seeds
RUN npx tsc -b tsconfig.build.json

FROM node:20-bookworm-slim
# HOST: inside a container the published port reaches the service through its network interface, not loopback.
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000 DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY seeds ./seeds
COPY schema ./schema
COPY public ./public
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# node runs as PID 1 and handles SIGTERM and SIGINT itself (graceful shutdown within SHUTDOWN_GRACE_SECONDS);
# `docker stop` waits 10 s by default, so give it more (`--time`, or compose's stop_grace_period) when raising that.
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js"]
