# slotd image for the docker-compose examples (docker-compose.sentinel.yml, docker-compose.cluster.yml):
# builds slotd, slotd-sentinel and slotctl on debian:bookworm with apt-get packages only, then copies
# them into a slim runtime image together with the example configs.
FROM debian:bookworm AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      g++ cmake make pkg-config libuv1-dev libxxhash-dev libtomlplusplus-dev libgtest-dev \
      libhiredis-dev liblzf-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# Only the programs: the test binaries are not needed in the image.
RUN rm -rf build \
 && cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo \
 && cmake --build build -j"$(nproc)" --target slotd slotctl

FROM debian:bookworm-slim
# Shared libraries slotd links (hiredis: the sentinel's links), and redis-cli for health checks.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libuv1 libxxhash0 libtomlplusplus3 libhiredis0.14 liblzf1 redis-tools \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/build/slotd /usr/local/bin/slotd
COPY --from=build /src/build/slotctl /usr/local/bin/slotctl
RUN ln -s slotd /usr/local/bin/slotd-sentinel
COPY conf /etc/slotd
WORKDIR /data
EXPOSE 6379 26379
ENTRYPOINT ["slotd"]
# A plain standalone node reachable from other containers; the compose files pass their own arguments.
CMD ["--port", "6379", "--bind", "0.0.0.0", "--protected-mode", "no"]
