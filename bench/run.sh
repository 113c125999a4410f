#!/usr/bin/env bash
# KeyRelay's benchmark: direct vs nginx vs KeyRelay on loopback, one table per run.
#   bench/run.sh                 every scenario but the soak
#   bench/run.sh rps1 sse2000    chosen scenarios (rps1 rps64 sse200 sse2000 burst200 soak rps64-faults sse200-faults sse2000-faults)
#   bench/run.sh all             everything, the soak included (BENCH_SOAK_MINUTES, default 10)
# Settings are BENCH_* environment variables, described in docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."

# KeyRelay's JVM flags under the benchmark: the ones README's run command uses.
export BENCH_KEYRELAY_JAVA_OPTS="${BENCH_KEYRELAY_JAVA_OPTS:--Xms256m -Xmx256m -XX:+ExitOnOutOfMemoryError}"

if ! command -v wrk >/dev/null 2>&1 || ! command -v nginx >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && [ "${BENCH_NO_INSTALL:-}" = "" ]; then
    echo "installing wrk and nginx from Debian's packages"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx >/dev/null
  fi
fi
command -v wrk >/dev/null 2>&1 || { echo "bench: wrk is required (apt-get install -y wrk)" >&2; exit 2; }

# Build the jar when any source is newer than it.
if [ ! -f target/keyrelay.jar ] || [ -n "$(find src pom.xml -newer target/keyrelay.jar -print -quit)" ]; then
  echo "building target/keyrelay.jar"
  mvn -q -B package -DskipTests
fi

# Compile the bench tools against the jar (they use its Vert.x and its services).
classes=bench/target/classes
if [ ! -d "$classes" ] || [ -n "$(find bench/src target/keyrelay.jar -newer "$classes/.built" -print -quit 2>/dev/null || echo x)" ]; then
  rm -rf "$classes" && mkdir -p "$classes"
  javac --release 17 -nowarn -cp target/keyrelay.jar -d "$classes" $(find bench/src -name '*.java')
  touch "$classes/.built"
fi

ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
exec java -Xmx256m -cp "target/keyrelay.jar:$classes" io.keyrelay.bench.Bench "$@"
