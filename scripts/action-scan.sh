#!/usr/bin/env bash
# The scan step of the GitHub Action (action.yml), kept in a script so that it runs, and is
# tested, outside GitHub. Everything comes from the environment:
#
#   TOKENSWEEP_BIN    the tokensweep executable (default: tokensweep on PATH)
#   TOKENSWEEP_BASE   first commit NOT scanned (pull request base, or the push's `before`);
#                     empty or all zeros (a new branch): the whole history is scanned
#   TOKENSWEEP_HEAD   last commit scanned (default: GITHUB_SHA, else HEAD)
#   TOKENSWEEP_SARIF  SARIF output path (default: tokensweep.sarif)
#   TOKENSWEEP_ARGS   extra scan arguments, split on whitespace (e.g. --config ci.yaml)
#   GITHUB_WORKSPACE  the checked-out repository (default: .)
#   GITHUB_OUTPUT, GITHUB_STEP_SUMMARY   written when set
#
# Exit status is tokensweep's: 0 clean, 1 findings, 2 errors (including an empty range).
set -uo pipefail

bin=${TOKENSWEEP_BIN:-tokensweep}
repo=${GITHUB_WORKSPACE:-.}
base=${TOKENSWEEP_BASE:-}
head=${TOKENSWEEP_HEAD:-${GITHUB_SHA:-HEAD}}
sarif=${TOKENSWEEP_SARIF:-tokensweep.sarif}
read -r -a extra <<<"${TOKENSWEEP_ARGS:-}"

# A shallow checkout may not have the base commit; fetch it (best effort: git reports it
# if the range is still unresolvable).
if [[ -n "$base" && ! "$base" =~ ^0+$ ]] && ! git -C "$repo" cat-file -e "$base^{commit}" 2>/dev/null; then
  git -C "$repo" fetch -q --no-tags origin "$base" 2>/dev/null || true
fi

if [[ -z "$base" || "$base" =~ ^0+$ ]]; then
  scope=(--git)
  what="the whole history"
else
  scope=(--range "$base..$head")
  what="$base..$head"
fi

echo "tokensweep: scanning $what in $repo" >&2
"$bin" scan "${scope[@]}" "${extra[@]}" --format sarif --output "$sarif" "$repo"
status=$?

if [[ $status -le 1 && ! -s "$sarif" ]]; then
  echo "tokensweep: no SARIF written to $sarif" >&2
  status=2
fi
if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
  { echo "sarif=$sarif"; echo "exit-code=$status"; } >>"$GITHUB_OUTPUT"
fi
if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
  case $status in
    0) echo "tokensweep: no secrets in $what" ;;
    1) echo "tokensweep: **secrets found** in $what — see the code scanning alerts ($sarif)" ;;
    *) echo "tokensweep: the scan of $what failed (exit $status)" ;;
  esac >>"$GITHUB_STEP_SUMMARY"
fi
exit $status
