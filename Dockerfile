# Builds the service inside Docker; docker-compose.yml runs it next to PostgreSQL.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -B -q dependency:go-offline
COPY src src
RUN ./mvnw -B -q package -DskipTests

FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /src/target/live-sessions.jar app.jar
EXPOSE 8080
# Out of memory, the JVM exits rather than go on with half-done units of work (ADR 34); Compose restarts it.
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/app.jar"]
