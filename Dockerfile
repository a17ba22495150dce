# The detector and the query API as a container image: `docker build -t geoanomaly .`
# Base: Node.js 26 (Lithium), the Active LTS line, pinned to an exact release on Debian 13.
# Run: docker run --rm -e KAFKA_BROKERS=kafka:19092 -e CASSANDRA_CONTACT_POINTS=cassandra:9042 geoanomaly detect
#      docker run --rm -p 8080:8080 -e CASSANDRA_CONTACT_POINTS=cassandra:9042 geoanomaly serve
FROM node:26.14.0-trixie-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY patches ./patches
COPY src ./src
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

FROM node:26.14.0-trixie-slim
ENV NODE_ENV=production
# Inside a container only 0.0.0.0 is reachable through a published port; the product's own default is loopback.
ENV API_HOST=0.0.0.0 METRICS_HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY local ./local
COPY schema ./schema
COPY web ./web
USER node
EXPOSE 9464 8080
ENTRYPOINT ["node", "bin/geoanomaly.js"]
CMD ["detect"]
