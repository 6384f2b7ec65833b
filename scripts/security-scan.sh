#!/usr/bin/env bash
# Security scans that need no AWS account:
#   npm-audit  `npm audit --omit=dev --audit-level=high`: advisories for the production
#              dependencies (the ones bundled into the Lambda functions), from the npm
#              registry's advisory endpoint
#   checkov    checkov (pinned, from PyPI, in a venv OUTSIDE the repository) over terraform/:
#              the Terraform configuration and its IAM policies. Findings are fixed in
#              terraform/ or justified inline with `#checkov:skip=<ID>:<reason>`.
#
# Usage: scripts/security-scan.sh [--install] [--only npm-audit|checkov]
#   --install  install checkov==$CHECKOV_VERSION into <tools>/checkov-venv (idempotent), then exit
#   --only     run one scanner
# <tools> is ${STATELESS_MCP_TOOLS:-$HOME/.cache/stateless-mcp/tools}; PYTHON picks the interpreter
# for the venv (default python3).
#
# Each scanner prints one line `[security-scan] RESULT <scanner> <status> <details>`, status one of:
#   clean          scanned, no finding                                  (exit 0 if all are clean)
#   findings       high/critical advisories, failed or unjustified checks (exit 1)
#   not-installed  checkov missing or not at the pinned version          (exit 2)
#   unavailable    the scanner could not get a result (e.g. the registry's audit endpoint
#                  refused the request): NOT a pass                        (exit 3)
# With several statuses the exit code is the most severe: findings > not-installed > unavailable.
set -euo pipefail

CHECKOV_VERSION=3.3.30

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools_dir="${STATELESS_MCP_TOOLS:-$HOME/.cache/stateless-mcp/tools}"
venv="$tools_dir/checkov-venv"
checkov="$venv/bin/checkov"
install_command="bash scripts/security-scan.sh --install"

log() { printf '[security-scan] %s\n' "$*"; }
result() { printf '[security-scan] RESULT %s\n' "$*"; }

install=0
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --install) install=1 ;;
    --only)
      only="${2:-}"
      shift
      ;;
    -h | --help)
      sed -n '2,22p' "$0"
      exit 0
      ;;
    *)
      echo "unknown argument: $1" >&2
      exit 64
      ;;
  esac
  shift
done
case "$only" in "" | npm-audit | checkov) ;; *)
  echo "--only takes npm-audit or checkov, not '$only'" >&2
  exit 64
  ;;
esac

installed_checkov_version() {
  [ -x "$checkov" ] && "$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("checkov"))' 2>/dev/null || true
}

if [ "$install" = 1 ]; then
  if [ "$(installed_checkov_version)" = "$CHECKOV_VERSION" ]; then
    log "checkov $CHECKOV_VERSION already installed in $venv"
    exit 0
  fi
  python="${PYTHON:-python3}"
  started=$SECONDS
  mkdir -p "$tools_dir"
  log "creating $venv with $("$python" --version 2>&1) and installing checkov==$CHECKOV_VERSION"
  [ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "checkov==$CHECKOV_VERSION"
  log "checkov $("$checkov" --version) installed in $((SECONDS - started)) s"
  exit 0
fi

worst=0
# Severity order of exit codes: 1 (findings) > 2 (not installed) > 3 (unavailable) > 0.
note() {
  local code=$1
  rank() { case "$1" in 1) echo 3 ;; 2) echo 2 ;; 3) echo 1 ;; *) echo 0 ;; esac }
  if [ "$(rank "$code")" -gt "$(rank "$worst")" ]; then worst=$code; fi
}

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

# --- npm audit -------------------------------------------------------------------------------
if [ -z "$only" ] || [ "$only" = npm-audit ]; then
  log "npm audit --omit=dev --audit-level=high"
  set +e
  (cd "$repo_root" && npm audit --omit=dev --audit-level=high --json) >"$scratch/audit.json" 2>"$scratch/audit.err"
  audit_exit=$?
  set -e
  # npm exits non-zero both for findings and for failures: the JSON tells which.
  summary="$(node -e '
    const fs = require("node:fs");
    let report;
    try { report = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); } catch { report = undefined; }
    const counts = report?.metadata?.vulnerabilities;
    if (!counts) {
      const err = fs.readFileSync(process.argv[2], "utf8").split("\n").find((l) => /error|warn/i.test(l)) ?? "";
      const why = report?.message ?? report?.error?.summary ?? err ?? "no report";
      console.log(`unavailable ${String(why).replace(/\s+/g, " ").trim() || "no report"}`);
      process.exit(0);
    }
    const bad = Object.entries(report.vulnerabilities ?? {})
      .filter(([, v]) => v.severity === "high" || v.severity === "critical")
      .map(([name, v]) => `${name}(${v.severity})`);
    const line = `high=${counts.high ?? 0} critical=${counts.critical ?? 0} moderate=${counts.moderate ?? 0} low=${counts.low ?? 0}`;
    console.log(bad.length > 0 ? `findings ${line} ${bad.join(" ")}` : `clean ${line} (${report.metadata.dependencies?.prod ?? "?"} production dependencies)`);
  ' "$scratch/audit.json" "$scratch/audit.err")"
  status="${summary%% *}"
  result "npm-audit $summary (npm exit $audit_exit)"
  case "$status" in
    clean) ;;
    findings) note 1 ;;
    *)
      log "npm audit produced no report: the registry's advisory endpoint could not be used from here; this is not a pass"
      note 3
      ;;
  esac
fi

# --- checkov ---------------------------------------------------------------------------------
if [ -z "$only" ] || [ "$only" = checkov ]; then
  version="$(installed_checkov_version)"
  if [ "$version" != "$CHECKOV_VERSION" ]; then
    result "checkov not-installed (want $CHECKOV_VERSION in $venv, found '${version:-none}'); install it with: $install_command"
    note 2
  else
    log "checkov $version -d terraform --framework terraform --compact --quiet"
    set +e
    # One run, two outputs: the compact CLI report on the console and a JSON copy to count from.
    # --skip-download: no calls to Prisma Cloud (unreachable here, and not needed for the built-in checks).
    "$checkov" -d "$repo_root/terraform" --framework terraform --compact --quiet --skip-download \
      -o cli -o json --output-file-path "console,$scratch/checkov.json" 2>"$scratch/checkov.err"
    cli_exit=$?
    set -e
    # Every inline suppression must say why: `#checkov:skip=<ID>:<reason>`.
    unjustified="$(grep -rhoE '#checkov:skip=[A-Za-z0-9_]+(:.*)?$' "$repo_root"/terraform/*.tf | grep -vE '^#checkov:skip=[A-Za-z0-9_]+:.{10,}' | sed 's/^#checkov:skip=//' | tr '\n' ',' || true)"
    summary="$("$venv/bin/python" - "$scratch/checkov.json" "${unjustified%,}" <<'PY'
import json, sys
try:
    with open(sys.argv[1]) as f:
        report = json.load(f)
except Exception as error:  # no JSON: checkov itself failed
    print(f"unavailable no JSON report ({error})")
    sys.exit(0)
reports = report if isinstance(report, list) else [report]
passed = failed = skipped = parsing = 0
for r in reports:
    s = r.get("summary", {})
    passed += s.get("passed", 0); failed += s.get("failed", 0)
    skipped += s.get("skipped", 0); parsing += s.get("parsing_errors", 0)
unjustified = sys.argv[2]
status = "findings" if failed or parsing or unjustified else "clean"
extra = f" unjustified-skips={unjustified}" if unjustified else ""
print(f"{status} passed={passed} failed={failed} skipped={skipped} parsing_errors={parsing}{extra}")
PY
)"
    status="${summary%% *}"
    result "checkov $summary (checkov exit $cli_exit)"
    case "$status" in
      clean) ;;
      findings) note 1 ;;
      *)
        cat "$scratch/checkov.err" >&2
        note 3
        ;;
    esac
  fi
fi

exit "$worst"
