#!/usr/bin/env bash
# Installs (or upgrades) the platform on one Debian or Ubuntu host with systemd. Run it again to upgrade: it
# only replaces what it owns and never overwrites the settings in /etc/platform/.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: deploy/install.sh [--payload DIR] [--root DIR] [--no-start] [--rollback]

Installs the payload built by deploy/publish, run as root on the host:
  - system user and group 'platform' (no login shell, no home)
  - redis-server from apt if missing, with /etc/redis/platform-redis.conf included by /etc/redis/redis.conf
  - /opt/platform/<name>/ for web gamechannels messagemigrator confirmations stats accounting dbmigrate;
    the version it replaces is kept as /opt/platform/<name>.previous
  - the systemd units (platform-*.service, platform.target) in /etc/systemd/system/
  - settings templates /etc/platform/common.env and /etc/platform/<name>.env (root:platform, 0640), only
    where the file does not exist yet: your settings are never overwritten
  - /usr/local/bin/platform-accounting, which runs the Accounting tool with those settings
then enables platform.target, runs the schema migration (platform-dbmigrate.service) and (re)starts the
services. On a first install it stops before the migration so that you can fill in /etc/platform/ first.

  --payload DIR  the output of deploy/publish (default: artifacts/publish next to this script's folder)
  --root DIR     lay the files out under DIR instead of /, and skip the user, apt, Redis and systemctl
                 steps (for tests and for inspecting what would be installed)
  --no-start     install and enable, but neither migrate nor (re)start anything
  --rollback     instead of installing, swap every /opt/platform/<name> with <name>.previous and restart
                 the services (a second --rollback goes forward again). Schema migrations stay applied.
  -h, --help     this text
EOF
}

fail() { echo "install: error: $*" >&2; exit 1; }
say() { echo "install: $*"; }

base=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
payload="$base/artifacts/publish"
root=/
start=true
rollback=false
while (($# > 0)); do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --payload) (($# >= 2)) || fail "--payload needs a directory"; payload="$2"; shift ;;
    --payload=*) payload="${1#--payload=}" ;;
    --root) (($# >= 2)) || fail "--root needs a directory"; root="$2"; shift ;;
    --root=*) root="${1#--root=}" ;;
    --no-start) start=false ;;
    --rollback) rollback=true ;;
    *) fail "unknown argument '$1' (see --help)" ;;
  esac
  shift
done

# shellcheck source=services.sh
. "$base/deploy/services.sh"
declare -A binaries=()
names=()
services=()
for project in "${PLATFORM_SERVICES[@]}" "${PLATFORM_TOOLS[@]}"; do
  binaries[${project,,}]=$project
  names+=("${project,,}")
done
for project in "${PLATFORM_SERVICES[@]}"; do services+=("${project,,}"); done
units=(platform.target platform-dbmigrate.service)
for name in "${services[@]}"; do units+=("platform-$name.service"); done
service_units=("${units[@]:2}")

[[ -d "$root" ]] || fail "--root $root is not a directory"
root=$(cd "$root" && pwd)
live=false
[[ "$root" == / ]] && live=true
R=${root%/} # prefix for every installed path; empty on the real host

if [[ "$live" == true ]]; then
  ((EUID == 0)) || fail "run as root: sudo $0 $*"
  command -v systemctl >/dev/null || fail "systemctl not found: the platform runs under systemd"
fi

# chown only on the real host: under --root (tests) the platform user does not exist.
own() { if [[ "$live" == true ]]; then chown "$@"; fi; }

start_services() {
  say "running the schema migration (platform-dbmigrate.service)"
  systemctl restart platform-dbmigrate.service ||
    fail "the schema migration failed; see: journalctl -u platform-dbmigrate -n 50 --no-pager." \
      "The running services were not restarted. Fix it and run install.sh again, or go back to the" \
      "previous version with: $0 --rollback"
  say "restarting the services"
  systemctl restart "${service_units[@]}" ||
    fail "a service did not start; see: systemctl --failed; journalctl -u 'platform-*' -n 100 --no-pager"
  systemctl start platform.target
  for unit in "${service_units[@]}"; do say "$unit: $(systemctl is-active "$unit" || true)"; done
}

if [[ "$rollback" == true ]]; then
  for name in "${names[@]}"; do
    [[ -d "$R/opt/platform/$name.previous" ]] || fail "no $R/opt/platform/$name.previous to go back to"
  done
  for name in "${names[@]}"; do
    dir="$R/opt/platform/$name"
    mv -T "$dir" "$dir.rollback"
    mv -T "$dir.previous" "$dir"
    mv -T "$dir.rollback" "$dir.previous"
  done
  say "swapped /opt/platform/<name> with <name>.previous for: ${names[*]}"
  if [[ "$live" == true && "$start" == true ]]; then
    systemctl restart "${service_units[@]}" ||
      fail "a service did not start; see: systemctl --failed; journalctl -u 'platform-*' -n 100 --no-pager"
    for unit in "${service_units[@]}"; do say "$unit: $(systemctl is-active "$unit" || true)"; done
  fi
  exit 0
fi

# Check everything before changing anything.
[[ -d "$payload" ]] || fail "payload folder $payload not found; build it with deploy/publish, or pass --payload DIR"
payload=$(cd "$payload" && pwd)
for name in "${names[@]}"; do
  [[ -x "$payload/$name/${binaries[$name]}" ]] ||
    fail "$payload/$name/${binaries[$name]} is missing or not executable; build it with deploy/publish"
done
for unit in "${units[@]}"; do
  [[ -f "$base/systemd/$unit" ]] || fail "unit $base/systemd/$unit is missing"
done
for name in common "${names[@]}"; do
  [[ -f "$base/systemd/env/$name.env" ]] || fail "settings template $base/systemd/env/$name.env is missing"
done
[[ -f "$base/systemd/redis/platform-redis.conf" ]] || fail "$base/systemd/redis/platform-redis.conf is missing"

if [[ "$live" == true ]]; then
  getent group platform >/dev/null || { groupadd --system platform; say "created group platform"; }
  if ! getent passwd platform >/dev/null; then
    useradd --system --gid platform --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin platform
    say "created user platform"
  fi
  if ! dpkg-query -W -f='${Status}' redis-server 2>/dev/null | grep -q 'ok installed'; then
    say "installing redis-server"
    apt-get update -q || fail "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server || fail "apt-get install redis-server failed"
  fi
  # platform-redis.conf uses "bind ... -::1" (optional address), which Redis reads from 6.2 on.
  redis_version=$(redis-server --version | sed -n 's/.* v=\([0-9.]*\).*/\1/p')
  printf '6.2\n%s\n' "$redis_version" | sort -V -C ||
    fail "redis-server ${redis_version:-of unknown version} is too old: the platform needs Redis 6.2 or newer" \
      "(Debian 12 and Ubuntu 24.04 ship 7.0)"
fi

# Binaries: copy next to the live folder, then rename, so a folder is never half-copied. A folder that already
# holds this payload is left alone, so that running install.sh again keeps <name>.previous for a rollback.
install -d -m 0755 "$R/opt/platform"
installed=()
for name in "${names[@]}"; do
  dir="$R/opt/platform/$name"
  staging="$R/opt/platform/.$name.new"
  if [[ -d "$dir" ]] && diff -rq "$payload/$name" "$dir" >/dev/null 2>&1; then
    continue
  fi
  rm -rf "$staging"
  cp -R --preserve=mode,timestamps "$payload/$name" "$staging"
  chmod -R u+rwX,go+rX,go-w "$staging"
  own -R root:root "$staging"
  if [[ -e "$dir" ]]; then
    rm -rf "$dir.previous"
    mv -T "$dir" "$dir.previous"
  fi
  mv -T "$staging" "$dir"
  installed+=("$name")
done
if ((${#installed[@]} > 0)); then
  say "installed ${installed[*]} in $R/opt/platform/ (the versions they replaced are in <name>.previous)"
else
  say "$R/opt/platform/ already holds this payload"
fi

install -d -m 0755 "$R/etc/systemd/system"
for unit in "${units[@]}"; do
  install -m 0644 "$base/systemd/$unit" "$R/etc/systemd/system/$unit"
done
install -d -m 0755 "$R/usr/local/bin"
install -m 0755 "$base/deploy/platform-accounting" "$R/usr/local/bin/platform-accounting"
say "installed the units in $R/etc/systemd/system/ and $R/usr/local/bin/platform-accounting"

install -d -m 0750 "$R/etc/platform"
own root:platform "$R/etc/platform"
first_install=false
for name in common "${names[@]}"; do
  file="$R/etc/platform/$name.env"
  if [[ -e "$file" ]]; then
    continue
  fi
  install -m 0640 "$base/systemd/env/$name.env" "$file"
  own root:platform "$file"
  say "created $file (a template: every line is a comment until you set it)"
  [[ "$name" == common ]] && first_install=true
done

# Redis: the include goes last in redis.conf, so that its settings override Debian's.
redis_changed=false
redis_conf="$R/etc/redis/platform-redis.conf"
install -d -m 0755 "$R/etc/redis"
if [[ ! -e "$redis_conf" ]]; then
  install -m 0640 "$base/systemd/redis/platform-redis.conf" "$redis_conf"
  own root:redis "$redis_conf"
  redis_changed=true
  say "created $redis_conf: set its maxmemory for this host"
elif ! cmp -s "$base/systemd/redis/platform-redis.conf" "$redis_conf"; then
  install -m 0640 "$base/systemd/redis/platform-redis.conf" "$redis_conf.dist"
  own root:redis "$redis_conf.dist"
  say "kept your $redis_conf; this release's version is $redis_conf.dist"
fi
include="include /etc/redis/platform-redis.conf"
if [[ -f "$R/etc/redis/redis.conf" ]]; then
  if ! grep -qxF "$include" "$R/etc/redis/redis.conf"; then
    printf '\n# Added by the platform'"'"'s deploy/install.sh. Keep it last, so that its settings win.\n%s\n' \
      "$include" >>"$R/etc/redis/redis.conf"
    redis_changed=true
    say "added '$include' to $R/etc/redis/redis.conf"
  fi
elif [[ "$live" == true ]]; then
  fail "/etc/redis/redis.conf not found: is redis-server installed?"
else
  say "no $R/etc/redis/redis.conf: not adding the include line"
fi

if [[ "$live" == true && "$redis_changed" == true ]]; then
  # Restarting a Redis that holds data with appendonly newly on would start it empty: switch AOF on while
  # it runs, which writes the data to the new AOF, then restart.
  if [[ "$(redis-cli ping 2>/dev/null)" == PONG ]]; then
    if [[ "$(redis-cli config get appendonly | tail -n 1)" != yes ]]; then
      say "switching Redis to AOF while it runs, so that the restart keeps its data"
      redis-cli config set appendonly yes >/dev/null || fail "redis-cli config set appendonly yes failed"
      for _ in $(seq 600); do
        info=$(redis-cli info persistence)
        grep -q '^aof_rewrite_in_progress:0' <<<"$info" && grep -q '^aof_rewrite_scheduled:0' <<<"$info" &&
          grep -q '^aof_enabled:1' <<<"$info" && break
        sleep 1
      done
      if ! grep -q '^aof_enabled:1' <<<"$info" || ! grep -q '^aof_last_bgrewrite_status:ok' <<<"$info"; then
        fail "Redis did not finish writing its AOF (redis-cli info persistence); not restarting it"
      fi
    fi
  elif [[ -s /var/lib/redis/dump.rdb && ! -d /var/lib/redis/appendonlydir ]]; then
    fail "Redis holds data in /var/lib/redis/dump.rdb but does not answer 'redis-cli ping', so its AOF" \
      "cannot be switched on safely. Start redis-server (export REDISCLI_AUTH if it has a password)" \
      "and run install.sh again."
  fi
  systemctl enable redis-server.service
  systemctl restart redis-server.service || fail "redis-server did not restart; see: journalctl -u redis-server"
  say "restarted redis-server with $redis_conf"
fi

if [[ "$live" != true ]]; then
  say "laid out under $root; skipped the user, apt, Redis and systemctl steps"
  exit 0
fi

systemctl daemon-reload
systemctl enable "${units[@]}"
if [[ "$start" != true ]]; then
  say "installed and enabled; not started (--no-start). Start with: systemctl start platform.target"
elif [[ "$first_install" == true ]]; then
  say "first install: set the archive's connection string and the other settings in /etc/platform/common.env" \
    "(and <name>.env), then: systemctl start platform.target"
else
  start_services
fi
