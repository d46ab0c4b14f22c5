# The deployables, listed once for ./run, ./test, deploy/publish and deploy/install.sh (sourced, not run).
# A deployable's unit and payload names are its project's name in lower case (platform-web.service, web/).

# The workers: Hangfire servers on the host's Redis.
PLATFORM_WORKERS=(MessageMigrator Confirmations Stats)

# Long-running services, each a systemd unit, in the order they start.
PLATFORM_SERVICES=(Web GameChannels "${PLATFORM_WORKERS[@]}")

# Command-line tools, run on demand (DbMigrate also as a oneshot unit before the services).
PLATFORM_TOOLS=(Accounting DbMigrate)
