# Shared by ./run and ./test: installing what is missing and starting the real servers on 127.0.0.1.
# Every wait here is bounded; every server started is recorded so that stop_all can stop it.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CONFIGURATION=${PLATFORM_BUILD_CONFIGURATION:-Release}
# shellcheck source=../deploy/services.sh
. "$ROOT/deploy/services.sh"
SERVICES=("${PLATFORM_SERVICES[@]}")
STARTED_PIDS=()
# Each stop is one command's words joined by the unit separator (0x1f), run as words, never through eval.
STOP_COMMANDS=()

# on_stop COMMAND... records a command for stop_all to run, newest first.
on_stop() {
  local IFS=$'\x1f'
  STOP_COMMANDS+=("$*")
}

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# ensure_packages PACKAGE:PROBE ... installs each Debian package whose probe (a command or a path glob)
# is not there yet.
ensure_packages() {
  local missing=() entry package probe
  for entry in "$@"; do
    package=${entry%%:*}
    probe=${entry#*:}
    if ! command -v "$probe" >/dev/null 2>&1 && ! compgen -G "$probe" >/dev/null; then
      missing+=("$package")
    fi
  done
  ((${#missing[@]})) || return 0
  [ "$(id -u)" = 0 ] || die "these Debian packages are missing: ${missing[*]} (run as root, or install them)"
  log "installing ${missing[*]} (apt)"
  mkdir -p "$ROOT/.local"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}"; } >"$ROOT/.local/apt.log" 2>&1; then
    tail -n 20 "$ROOT/.local/apt.log" >&2
    die "apt-get could not install ${missing[*]} (full log: .local/apt.log)"
  fi
}

ensure_dotnet() {
  command -v dotnet >/dev/null || die "the .NET 10 SDK is not installed: see https://learn.microsoft.com/dotnet/core/install/linux-debian"
  local major
  major=$(dotnet --version 2>/dev/null | cut -d. -f1)
  [ "${major:-0}" -ge 10 ] || die "the .NET SDK is $(dotnet --version); the platform needs 10 or later"
}

# The server packages both commands need.
ensure_server_packages() {
  ensure_packages redis-server:redis-server 'postgresql:/usr/lib/postgresql/*/bin/initdb' curl:curl \
    nodejs:node npm:npm
  ensure_dotnet
}

ensure_node_modules() {
  if [ ! -f "$ROOT/node_modules/.package-lock.json" ] || \
     [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
    log "installing npm packages"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || die "npm ci failed"
  fi
}

build() {
  log "building ($CONFIGURATION)"
  local out="$ROOT/.local/build.log"
  mkdir -p "$ROOT/.local"
  if ! dotnet build "$ROOT/Platform.sln" -c "$CONFIGURATION" -nologo -v:q >"$out" 2>&1; then
    grep -E 'error|Error' "$out" | sort -u | head -n 30 >&2
    die "the build failed (full log: .local/build.log)"
  fi
}

binary() { echo "$ROOT/src/$1/bin/$CONFIGURATION/net10.0/$1.dll"; }

# free_port prints a TCP port on 127.0.0.1 that nothing listens on and that this script has not handed out.
# It stays below the ephemeral range (32768 and up), where a client's outgoing connections could hold it.
USED_PORTS=" "
free_port() {
  local port _
  for _ in $(seq 1 500); do
    port=$((20000 + RANDOM % 12000))
    [[ $USED_PORTS == *" $port "* ]] && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      USED_PORTS+="$port "
      echo "$port"
      return 0
    fi
  done
  die "found no free TCP port"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_until SECONDS DESCRIPTION COMMAND... retries COMMAND every 0.2 s until it succeeds.
wait_until() {
  local seconds=$1 what=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || { printf 'error: %s did not come up within %ss\n' "$what" "$seconds" >&2; return 1; }
    sleep 0.2
  done
}

start_redis() { # DIR PORT [REDIS-SERVER OPTIONS...]
  local dir=$1 port=$2
  mkdir -p "$dir"
  # AOF on and noeviction, as on a host: a full Redis refuses writes rather than dropping a game's log.
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --appendonly yes --appendfsync everysec \
    --maxmemory-policy noeviction --save '' --daemonize yes --pidfile "$dir/redis.pid" \
    --logfile "$dir/redis.log" "${@:3}" || die "redis-server did not start (see $dir/redis.log)"
  on_stop stop_redis "$dir" "$port"
  wait_until 20 "Redis on port $port" redis_answers "$port" || exit 1
}

redis_answers() { # PORT
  [ "$(redis-cli -h 127.0.0.1 -p "$1" ping)" = PONG ]
}

is_gone() { # PID
  ! kill -0 "$1"
}

stop_redis() { # DIR PORT
  local pid
  pid=$(cat "$1/redis.pid" 2>/dev/null) || return 0
  redis-cli -h 127.0.0.1 -p "$2" shutdown >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
  wait_until 20 "Redis to stop" is_gone "$pid" || kill -KILL "$pid" 2>/dev/null || true
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_postgres() { # DIR PORT
  local dir=$1 port=$2 bin
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir" && chmod 700 "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_postgres "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 ||
      die "initdb failed (see $dir/initdb.log)"
  fi
  as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=${PLATFORM_PG_FSYNC:-on}" start >/dev/null ||
    die "PostgreSQL did not start (see $dir/server.log)"
  on_stop as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop
}

create_database() { # PORT NAME
  local port=$1 name=$2
  if ! psql -h 127.0.0.1 -p "$port" -U postgres -Atqc "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
    psql -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE \"$name\"" >/dev/null || die "could not create database $name"
  fi
}

start_ses() { # DIR PORT
  local dir=$1 port=$2
  mkdir -p "$dir"
  "$ROOT/node_modules/.bin/aws-ses-v2-local" --host 127.0.0.1 --port "$port" >"$dir/ses.log" 2>&1 &
  local pid=$!
  STARTED_PIDS+=("$pid")
  # Ready when it answers; given up on at once if it died (its log says why), else after 60 s.
  wait_until 60 "the SES emulator on port $port" ses_answers_or_died "$port" "$pid" &&
    kill -0 "$pid" 2>/dev/null || {
    tail -n 20 "$dir/ses.log" >&2
    die "the SES emulator did not start on port $port"
  }
}

ses_answers_or_died() { # PORT PID: true once it answers, or once it has died (the caller checks which)
  curl -fsS "http://127.0.0.1:$1/health-check" || is_gone "$2"
}

# start_process LOGFILE COMMAND... runs a service in the background, its output in LOGFILE.
start_process() {
  local logfile=$1
  shift
  "$@" >"$logfile" 2>&1 &
  STARTED_PIDS+=($!)
}

# stop_all stops the processes (SIGTERM, then SIGKILL after 30 s) and then the servers, newest first.
stop_all() {
  local pid i deadline
  for pid in "${STARTED_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  deadline=$((SECONDS + 30))
  for pid in "${STARTED_PIDS[@]}"; do
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  STARTED_PIDS=()
  local stop
  for ((i = ${#STOP_COMMANDS[@]} - 1; i >= 0; i--)); do
    IFS=$'\x1f' read -ra stop <<<"${STOP_COMMANDS[i]}"
    "${stop[@]}" >/dev/null 2>&1 || true
  done
  STOP_COMMANDS=()
}
