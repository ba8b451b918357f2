#!/usr/bin/env bash
# Brings the Debian packages the test suite runs against, when they are missing, so that `npm test` is
# all the set-up a fresh machine needs: openssl (independent COSE signature check), mosquitto (the real
# broker path), postgresql (the centre store on PostgreSQL), chromium (the console in a headless browser).
# One line per install; nothing happens when everything is there.
set -euo pipefail
need=()
command -v openssl >/dev/null || need+=(openssl)
command -v mosquitto >/dev/null || [ -x /usr/sbin/mosquitto ] || need+=(mosquitto)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0

echo "test set-up: installing Debian packages the tests use: ${need[*]} (once)" >&2
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then sudo=(sudo -n); else
    echo "test set-up: cannot install ${need[*]}: not root and no sudo; run as root once, or: apt-get install ${need[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq >/dev/null
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# Debian starts a PostgreSQL cluster of its own on install; the tests start throwaway clusters instead.
if [[ " ${need[*]} " == *" postgresql "* ]] && command -v pg_ctlcluster >/dev/null; then
  "${sudo[@]}" pg_ctlcluster --mode fast "$(ls /usr/lib/postgresql | sort -V | tail -1)" main stop >/dev/null 2>&1 || true
fi
