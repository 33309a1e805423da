#!/bin/sh
# Rebuild Banmian's CMYK output profiles for coldset newsprint from the CGATS
# TR 002 characterisation data shipped by Debian's icc-profiles-free package:
#   banmian-newsprint.icc      total ink limit 240 % (ISO 12647-3:2004 plants)
#   banmian-newsprint-220.icc  total ink limit 220 % (ISO 12647-3:2013 plants)
# colprof's -l limit is built with a margin (232 / 212): its B2A tables
# overshoot the limit by up to about 4 % in dark saturated colours; the test suite
# separates dark saturated colours through each profile and checks the maximum.
# Requires: argyll, icc-profiles-free, python3
#   apt-get install -y argyll icc-profiles-free
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)

# Locate TR002.ti3 via the package file list (fallback: usual path).
DATA=$(dpkg -L icc-profiles-free 2>/dev/null | grep -E '/TR002\.ti3$' | head -n 1 || true)
[ -n "$DATA" ] || DATA=/usr/share/color/icc/TR002.ti3
[ -r "$DATA" ] || { echo "TR002.ti3 not found; apt-get install icc-profiles-free" >&2; exit 1; }
echo "data: $DATA"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT INT TERM

# build NAME TAC BUILD_LIMIT
build() {
  name=$1 tac=$2 limit=$3
  cp "$DATA" "$WORK/$name.ti3" # colprof names its output after the .ti3 basename
  colprof -v -qm -l"$limit" -L95 -Zm \
    -D "Banmian newsprint ${tac}% (CGATS TR 002)" \
    -C "Profile data from ANSI CGATS/SNAP TR 002-2007 (Color Characterization Data for Coldset Printing on Newsprint), Copyright 2007 NPES; profile built with ArgyllCMS colprof, no copyright claimed" \
    -M "Coldset offset on newsprint, TAC ${tac}%, K 95%" \
    "$WORK/$name" >"$WORK/$name.log"
  # Self-check: fit of the profile's A2B table against the measurements
  profcheck -k "$WORK/$name.ti3" "$WORK/$name.icc" | tail -n 3
  # Reproducible bytes: a fixed creation date in the ICC header (bytes 24-35)
  python3 - "$WORK/$name.icc" <<'PY'
import struct, sys
path = sys.argv[1]
data = bytearray(open(path, "rb").read())
data[24:36] = struct.pack(">6H", 2007, 1, 1, 0, 0, 0)  # the data's year (TR 002-2007)
open(path, "wb").write(bytes(data))
PY
  cp "$WORK/$name.icc" "$HERE/$name.icc"
  ls -l "$HERE/$name.icc"
  iccdump -v1 "$HERE/$name.icc" | grep -E "Device Class|Color Space|Conn. Space" || true
}

build banmian-newsprint 240 232
build banmian-newsprint-220 220 212
