#!/bin/sh
# Rebuild banmian-newsprint.icc (CMYK output profile, coldset newsprint)
# from the CGATS TR 002 characterisation data shipped by Debian's
# icc-profiles-free package.  Requires: argyll, icc-profiles-free
#   apt-get install -y argyll icc-profiles-free
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
OUT="$HERE/banmian-newsprint.icc"

# Locate TR002.ti3 via the package file list (fallback: usual path).
DATA=$(dpkg -L icc-profiles-free 2>/dev/null | grep -E '/TR002\.ti3$' | head -n 1 || true)
[ -n "$DATA" ] || DATA=/usr/share/color/icc/TR002.ti3
[ -r "$DATA" ] || { echo "TR002.ti3 not found; apt-get install icc-profiles-free" >&2; exit 1; }
echo "data: $DATA"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT INT TERM
# colprof names its output after the .ti3 basename
cp "$DATA" "$WORK/banmian-newsprint.ti3"

colprof -v -qm -l240 -L95 -Zm \
  -D "Banmian newsprint (CGATS TR 002)" \
  -C "Profile data from ANSI CGATS/SNAP TR 002-2007 (Color Characterization Data for Coldset Printing on Newsprint), Copyright 2007 NPES; profile built with ArgyllCMS colprof, no copyright claimed" \
  -M "Coldset offset on newsprint, TAC 240%, K 95%" \
  "$WORK/banmian-newsprint"

# Self-check: fit of the profile's A2B table against the measurements
profcheck -k "$WORK/banmian-newsprint.ti3" "$WORK/banmian-newsprint.icc" | tail -n 3

cp "$WORK/banmian-newsprint.icc" "$OUT"
ls -l "$OUT"
iccdump -v1 "$OUT" | grep -E "Device Class|Color Space|Conn. Space|Dev. Attrbts" || true
