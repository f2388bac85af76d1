# The tracker, next to AppFlowy Cloud. Built from the repository root: see docker-compose.yml (context: ..).
FROM node:20-bookworm
WORKDIR /app
COPY package.json package-lock.json ./
# better-sqlite3 builds from source if no prebuilt binary fits; bookworm has python3, make and g++.
RUN npm ci --omit=dev && npm cache clean --force
COPY bin ./bin
COPY src ./src
COPY templates ./templates
ENV NODE_ENV=production
EXPOSE 4000
VOLUME ["/data"]
CMD ["npm", "start"]
