# The upgrade worker. Build context: the repository root.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY workflows workflows
COPY activities activities
COPY testkit testkit
COPY worker worker
COPY starter starter
# The static checks (formatting, Error Prone) belong to `mvn verify`, not to the image.
RUN mvn -B -q -pl worker -am package -DskipTests -Derrorprone.skip -Dspotless.check.skip=true

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 gmu
COPY --from=build /src/worker/target/gloo-mesh-upgrade-worker-all.jar /app/worker.jar
USER 10001
ENTRYPOINT ["java", "-jar", "/app/worker.jar"]
