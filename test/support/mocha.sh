#!/bin/sh
# npm test's runner: every test but the real-consumer ones by default, or only the files given (`npm test -- test/x.test.ts`).
if [ $# -eq 0 ]; then set -- 'test/**/*.test.ts' --ignore 'test/consumers/**'; fi
exec mocha "$@"
