#!/usr/bin/env bash
# Start a local PostgreSQL (Debian's package) for the sync tests and print
# the URL they use. Idempotent: reuses a running cluster and existing role/db.
set -euo pipefail
# Only the URL goes to stdout; everything the tools print goes to stderr
# (pg_ctlcluster says "Removed stale pid file." on stdout, for one).
# The URL's descriptor (3) is closed while the tools run: the PostgreSQL
# daemon they start would otherwise inherit it and hold a caller's pipe or
# $(...) open forever.
exec 3>&1 1>&2
setup() {
if ! command -v pg_lsclusters >/dev/null 2>&1; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
ver=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | grep -q .; then
	pg_createcluster "$ver" main >/dev/null
fi
cluster=$(pg_lsclusters -h | head -1)
cver=$(echo "$cluster" | awk '{print $1}')
cname=$(echo "$cluster" | awk '{print $2}')
port=$(echo "$cluster" | awk '{print $3}')
if ! echo "$cluster" | grep -q online; then
	pg_ctlcluster "$cver" "$cname" start
fi
for i in $(seq 1 30); do
	if su postgres -c "psql -p $port -qAtc 'select 1'" >/dev/null 2>&1; then break; fi
	sleep 1
done
su postgres -c "psql -p $port -qAtc \"DO \\\$\\\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'tagdesk') THEN CREATE ROLE tagdesk LOGIN PASSWORD 'tagdesk' CREATEDB; END IF; END\\\$\\\$;\"" >/dev/null
if ! su postgres -c "psql -p $port -qAtc \"SELECT 1 FROM pg_database WHERE datname = 'tagdesk_test'\"" | grep -q 1; then
	su postgres -c "createdb -p $port -O tagdesk tagdesk_test"
fi
}
setup 3>&- # sets port
echo "postgres://tagdesk:tagdesk@127.0.0.1:$port/tagdesk_test?sslmode=disable" >&3
