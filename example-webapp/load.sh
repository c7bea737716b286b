#!/usr/bin/env bash
# The load test of issue 8 (LoadIT): virtual admins run full login -> code -> admin pages -> logout flows against
# one node on the built-in H2 database, then one node and two nodes on one PostgreSQL database (127.0.0.1:5432,
# database test, user postgres; a schema of its own, dropped afterwards), all on loopback. Writes
# example-webapp/load-results/load-results.{json,md}; fails on any server error, unexpected response or counter
# mismatch. Default sizes (6 virtual admins x 40 accounts, 60 s per phase) take about 4 minutes on 2 cores.
# Bigger sizes by flag, for example:
#   example-webapp/load.sh -Dload.admins=12 -Dload.accounts=60 -Dload.seconds=300
# (-Dload.databases=postgresql leaves out the H2 phase; -Dload.maxFlows=N bounds the flows per phase.)
# PostgreSQL is part of the run: missing, it is a failure rather than a skip (-Dload.databases=h2 leaves it out).
set -euo pipefail
cd "$(dirname "$0")/.."
export TOTPGUARD_REQUIRE_EXTERNAL="${TOTPGUARD_REQUIRE_EXTERNAL:-true}"
exec ./mvnw -B -pl example-webapp -am verify -Pload "$@"
