#!/usr/bin/env bash
# eng/update-public-api.sh: regenerates each package's PublicAPI.Unshipped.txt from its code, after an intended public API
# change (Microsoft.CodeAnalysis.PublicApiAnalyzers: RS0016 "not in the declared API" / RS0017 "declared but gone" are build
# errors). For each package: the Unshipped file is reset to its header, then `dotnet format analyzers --diagnostics RS0016`
# applies the analyzer's own code fix, which writes every public symbol not in PublicAPI.Shipped.txt; the file is sorted.
# Removals come out right because the file is rebuilt from the code. A symbol removed from PublicAPI.Shipped.txt (once
# packages are published) is a breaking change and stays a build error (RS0017) until written down by hand as
# `*REMOVED*<line>` in the Unshipped file: the script never edits a Shipped file.
#
# Usage: eng/update-public-api.sh                     every package under src/
#        eng/update-public-api.sh src/Foundation.Auth  some packages (directories or .csproj paths)
# Then review `git diff -- '*PublicAPI*.txt'` and commit it with the change. On a shared machine run it as
# `/work/bin/cpu eng/update-public-api.sh`. Exit status is non-zero when a project fails to load or a fix fails.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

projects=()
if [[ $# -eq 0 ]]; then
  for p in src/*/*.csproj; do projects+=("$p"); done
else
  for a in "$@"; do
    if [[ -d "$a" ]]; then projects+=("$(ls "$a"/*.csproj)"); else projects+=("$a"); fi
  done
fi

start=$SECONDS
for proj in "${projects[@]}"; do
  dir="$(dirname "$proj")"
  [[ -f "$dir/PublicAPI.Shipped.txt" ]] || printf '#nullable enable\n' > "$dir/PublicAPI.Shipped.txt"
  # Keep the header and *REMOVED* lines (those record deliberate removals of shipped API); everything else is regenerated.
  { printf '#nullable enable\n'; grep '^\*REMOVED\*' "$dir/PublicAPI.Unshipped.txt" 2>/dev/null || true; } > "$dir/PublicAPI.Unshipped.txt.new"
  mv "$dir/PublicAPI.Unshipped.txt.new" "$dir/PublicAPI.Unshipped.txt"
done

# One restore for all, then one `dotnet format` per project (the fixer works on one project's files at a time).
for proj in "${projects[@]}"; do dotnet restore "$proj" -v q >/dev/null; done
for proj in "${projects[@]}"; do
  t=$SECONDS
  dotnet format analyzers "$proj" --diagnostics RS0016 --severity info --no-restore -v q
  dir="$(dirname "$proj")"
  # Stable order (the fixer appends): header first, then the lines sorted ordinally.
  { head -n 1 "$dir/PublicAPI.Unshipped.txt"; tail -n +2 "$dir/PublicAPI.Unshipped.txt" | LC_ALL=C sort -u; } > "$dir/PublicAPI.Unshipped.txt.new"
  mv "$dir/PublicAPI.Unshipped.txt.new" "$dir/PublicAPI.Unshipped.txt"
  printf '[update-public-api] %s: %d lines (%ds)\n' "$dir" "$(($(wc -l < "$dir/PublicAPI.Unshipped.txt") - 1))" "$((SECONDS - t))" >&2
done
printf '[update-public-api] %d project(s) in %ds; review: git diff -- %s\n' "${#projects[@]}" "$((SECONDS - start))" "'*PublicAPI*.txt'" >&2
