#!/bin/bash
# qir test image "hang": an endpoint that never exits by itself. It leaves two
# daemons behind (one in its process group, one in a session of its own), and
# ignores SIGTERM, SIGINT and SIGHUP, so only a SIGKILL of everything it
# started (a cgroup or a PID namespace) cleans up after it. The first daemon
# keeps the endpoint's stdout and stderr open; stdin is closed explicitly so
# neither needs /dev/null.
echo "hang: ROLE '${ROLE:-}' TESTCASE '${TESTCASE:-}': starting daemons, then sleeping forever"
sleep 1000 0<&- &
setsid sleep 1001 0<&- 1>&- 2>&- &
trap '' TERM INT HUP
exec sleep infinity
