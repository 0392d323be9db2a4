#!/usr/bin/env bash
# Runs the commands of docs/OPERATIONS.md once, on a throwaway PostgreSQL of its own (Debian's
# PostgreSQL binaries, as the postgres user): a primary with the app's schema and the demo data, a
# streaming replica made with pg_basebackup, a logical backup with pg_dump and its restore with
# pg_restore into a new database, then checks that the replica follows and the restore is whole
# (same rows, the books still balanced, the same last migration). Prints what it checked.
# Run: bash test/ops/operations.sh (as root or as the postgres user).
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
WORK=$(mktemp -d /tmp/maillon-ops-XXXXXX)
chmod 755 "$WORK"
P1=${OPS_PRIMARY_PORT:-55432}
P2=${OPS_REPLICA_PORT:-55433}
# (from $WORK: the postgres user may not enter the folder the suite runs in, e.g. a mktemp clone)
as_pg() { if [ "$(id -u)" -eq 0 ]; then (cd "$WORK" && runuser -u postgres -- "$@"); else "$@"; fi; }
[ "$(id -u)" -eq 0 ] && chown postgres "$WORK"
cleanup() {
  as_pg "$BIN/pg_ctl" -D "$WORK/replica" stop -m immediate >/dev/null 2>&1 || true
  as_pg "$BIN/pg_ctl" -D "$WORK/primary" stop -m immediate >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
q() { psql -X -q -At -h 127.0.0.1 -U postgres "$@"; }

echo "== primary on port $P1"
as_pg "$BIN/initdb" -D "$WORK/primary" -U postgres --auth=trust >/dev/null
cat >> "$WORK/primary/postgresql.conf" <<CONF
port = $P1
listen_addresses = '127.0.0.1'
unix_socket_directories = '$WORK'
wal_level = replica
max_wal_senders = 5
hot_standby = on
CONF
echo "host replication postgres 127.0.0.1/32 trust" >> "$WORK/primary/pg_hba.conf"
as_pg "$BIN/pg_ctl" -D "$WORK/primary" -l "$WORK/primary.log" -w start >/dev/null
q -p "$P1" -d postgres -c "create database maillon"
PRIMARY_URL="postgres://postgres@127.0.0.1:$P1/maillon"
DATABASE_URL="$PRIMARY_URL" MAILLON_SEED=demo node --import tsx test/ops/seed.ts

echo "== streaming replica on port $P2 (pg_basebackup)"
as_pg "$BIN/pg_basebackup" -h 127.0.0.1 -p "$P1" -U postgres -D "$WORK/replica" -X stream -R -c fast
sed -i "s/^port = $P1/port = $P2/" "$WORK/replica/postgresql.conf"
as_pg "$BIN/pg_ctl" -D "$WORK/replica" -l "$WORK/replica.log" -w start >/dev/null
[ "$(q -p "$P2" -d maillon -c 'select pg_is_in_recovery()')" = t ] || { echo "replica is not in recovery"; exit 1; }
q -p "$P1" -d maillon -c "update accounts set name = name || ' (réplique)' where email = 'agence@maillon.test'"
for _ in $(seq 1 50); do
  [ "$(q -p "$P2" -d maillon -c "select name from accounts where email = 'agence@maillon.test'")" = "Agence Lumière SEO (réplique)" ] && break
  sleep 0.2
done
[ "$(q -p "$P2" -d maillon -c "select name from accounts where email = 'agence@maillon.test'")" = "Agence Lumière SEO (réplique)" ] || { echo "the replica did not follow"; exit 1; }
echo "replication: $(q -p "$P1" -d postgres -c "select state || ', replay lag ' || coalesce(replay_lag::text, '0') from pg_stat_replication")"

echo "== backup (pg_dump, from the replica) and restore (pg_restore) into a new database"
pg_dump --format=custom --no-owner --file="$WORK/maillon.dump" "postgres://postgres@127.0.0.1:$P2/maillon"
q -p "$P1" -d postgres -c "create database maillon_restored"
pg_restore --no-owner --exit-on-error --jobs=2 --dbname="postgres://postgres@127.0.0.1:$P1/maillon_restored" "$WORK/maillon.dump"

facts="select (select count(*) from accounts) || ' accounts, ' || (select count(*) from ledger_entries) || ' ledger entries, '
  || (select count(*) from article_keywords) || ' positioned keywords, wallets sum ' || (select coalesce(sum(posted_cents), 0) from wallets)
  || ', last migration ' || (select max(name) from kysely_migration)"
before=$(q -p "$P1" -d maillon -c "$facts")
after=$(q -p "$P1" -d maillon_restored -c "$facts")
echo "primary:  $before"
echo "restored: $after"
[ "$before" = "$after" ] || { echo "the restore differs from the primary"; exit 1; }
echo "dump: $(du -h "$WORK/maillon.dump" | cut -f1)"
echo "operations: all checks passed"
