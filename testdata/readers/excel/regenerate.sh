#!/usr/bin/env bash
# Rebuilds the spreadsheet fixtures of this folder (see README.md).
# Needs LibreOffice for the .ods and .xls versions: apt-get install -y libreoffice-calc-nogui
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"

(cd "$root" && cargo test -p nebulk-sheet --lib tests::fixtures::write_contractors_fixture -- --ignored)

# A throwaway LibreOffice profile that recalculates formulas on load: without it the .xls
# export drops the cached text results of formulas and the .ods keeps booleans as formulas
# over 1 and 0.
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
mkdir -p "$profile/user"
cat >"$profile/user/registrymodifications.xcu" <<'XCU'
<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
XCU
for format in ods xls; do
    soffice -env:UserInstallation="file://$profile" --headless --convert-to "$format" \
        --outdir "$here" "$here/contractors.xlsx"
done
