#!/usr/bin/env bash
# The system packages the tests need, installed when this machine allows it, or the exact command
# to run when it does not. Used by `npm test` and by `.ci/run`, so the README's test command works
# on a fresh Debian machine by itself.
#   chromium    the HTML report and the dashboard are tested in a real browser (playwright-core
#               drives the system Chromium; no browser is ever downloaded)
#   postgresql  the store and registry conformance suites run against a real server the tests start
#   curl        the server docs' examples call the API with curl
set -euo pipefail

need=()
command -v chromium > /dev/null 2>&1 || need+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb > /dev/null 2>&1 || need+=(postgresql)
command -v curl > /dev/null 2>&1 || need+=(curl)
[ ${#need[@]} -eq 0 ] && exit 0

packages=("${need[@]}" fonts-dejavu-core)
command_line="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${packages[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo > /dev/null 2>&1 && sudo -n true 2> /dev/null; then sudo="sudo"; else sudo="none"; fi
fi
if ! command -v apt-get > /dev/null 2>&1 || [ "$sudo" = "none" ]; then
  {
    echo "The tests need these system packages, which are missing: ${need[*]}."
    if command -v apt-get > /dev/null 2>&1; then
      echo "Install them (as root), then run npm test again:"
      echo "  sudo sh -c '$command_line'"
    else
      echo "This is not a Debian-like system (no apt-get): install Chromium (at /usr/bin/chromium), PostgreSQL (initdb under /usr/lib/postgresql/<version>/bin) and curl, then run npm test again."
    fi
  } >&2
  exit 1
fi
echo "Installing the system packages the tests need: ${need[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" > /dev/null
