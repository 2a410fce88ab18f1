#!/usr/bin/env bash
# Vendors plotly.js's "basic" partial bundle (bar, pie and scatter traces: the dashboard draws
# bars and lines only) into static/vendor/plotly/, from the npm package
# plotly.js-basic-dist-min, checked against its published integrity. The files are committed:
# `make install` and the servers never reach a registry or a CDN for them. Run again with
# another VERSION (and its INTEGRITY from `npm view plotly.js-basic-dist-min@VERSION
# dist.integrity`) to upgrade, then commit static/vendor/plotly/.
#
# The full plotly.min.js is 4.8 MB (1.4 MB compressed); this bundle is 1.2 MB (0.4 MB gzip,
# 0.3 MB brotli). docs/performance.md ("The dashboard's transfer") has the figures.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGE=plotly.js-basic-dist-min
VERSION="${VERSION:-4.1.1}"
INTEGRITY="${INTEGRITY:-sha512-1oNF8PeQx2hv/y7tqEVWKD3JGwn/MGEMQ8mL9HUwsaqG9FGy/OU5FHUHvzqbqxN4mnwZGI9abTiE775C4kkjMQ==}"
TARGET=static/vendor/plotly

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "$PACKAGE@$VERSION" >/dev/null)
tarball="$work/$PACKAGE-$VERSION.tgz"
actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [[ "$actual" != "$INTEGRITY" ]]; then
  echo "vendor_plotly: $PACKAGE@$VERSION integrity $actual, expected $INTEGRITY" >&2
  exit 1
fi
tar -xzf "$tarball" -C "$work"

mkdir -p "$TARGET"
cp "$work/package/plotly-basic.min.js" "$TARGET/plotly-basic.min.js"
cp "$work/package/LICENSE" "$TARGET/LICENSE"
cat >"$TARGET/README.md" <<NOTE
# plotly.js basic bundle (vendored)

- package: \`$PACKAGE\` $VERSION on the npm registry (integrity \`$INTEGRITY\`)
- file: \`plotly-basic.min.js\` (plotly.js v$VERSION with the bar, pie and scatter traces)
- licence: MIT, Copyright Plotly, Inc. (\`LICENSE\` beside this file)
- fetched by \`scripts/vendor_plotly.sh\`; do not edit by hand.
NOTE
echo "vendor_plotly: $PACKAGE@$VERSION -> $TARGET/plotly-basic.min.js"
