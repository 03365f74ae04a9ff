#!/usr/bin/env bash
# Runs grant-graph-permissions.sh against a stub `az` that answers like Graph and records every
# call: it grants exactly the five permissions, skips one already granted, refuses a bad id.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/az" <<'STUB'
#!/usr/bin/env bash
echo "$*" >>"$AZ_LOG"
case "$*" in
  "ad sp show --id 00000003-0000-0000-c000-000000000000 --query id -o tsv") echo graph-sp-id ;;
  *"appRoles[?value=='User.RevokeSessions.All'"*) echo role-revoke ;;
  *"appRoles[?value=='User.EnableDisableAccount.All'"*) echo role-enable-disable ;;
  *"appRoles[?value=='User.Read.All'"*) echo role-user-read ;;
  *"appRoles[?value=='GroupMember.Read.All'"*) echo role-groupmember-read ;;
  *"appRoles[?value=='RoleManagement.Read.Directory'"*) echo role-rolemanagement-read ;;
  "rest --method GET"*) echo role-user-read ;;
  "rest --method POST"*) echo '{}' ;;
  *) echo "unexpected az call: $*" >&2; exit 1 ;;
esac
STUB
chmod +x "$work/az"
export AZ_LOG="$work/calls" PATH="$work:$PATH"
principal=5f1d3c2a-0000-4000-8000-0000000000aa

out=$("$here/../grant-graph-permissions.sh" "$principal")
posts=$(grep -c '^rest --method POST' "$AZ_LOG")
fail() { echo "FAIL: $*"; echo "$out"; cat "$AZ_LOG"; exit 1; }
[ "$posts" -eq 4 ] || fail "expected 4 grants, got $posts"
for role in role-revoke role-enable-disable role-groupmember-read role-rolemanagement-read; do
  grep -q "\"appRoleId\": \"$role\"" "$AZ_LOG" || fail "$role not granted"
done
grep -q '"appRoleId": "role-user-read"' "$AZ_LOG" && fail "an already granted permission was granted again"
grep -q "already granted: User.Read.All" <<<"$out" || fail "the skip is not reported"
grep -q "servicePrincipals/$principal/appRoleAssignments" "$AZ_LOG" || fail "wrong principal"
if "$here/../grant-graph-permissions.sh" "not-a-guid; rm -rf /" 2>/dev/null; then fail "a bad id was accepted"; fi
echo "grant-graph-permissions: 5 passed, 0 failed"
