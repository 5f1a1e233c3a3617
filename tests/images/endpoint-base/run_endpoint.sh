#!/bin/bash
# qir test image: the endpoint base image's default entrypoint. An image built
# on the base replaces it with its own; the base alone answers 127
# ("unsupported") to every test case, as an endpoint that knows none would.
/setup.sh
echo "run_endpoint.sh: base image without an implementation (ROLE '${ROLE:-}', TESTCASE '${TESTCASE:-}')"
exit 127
