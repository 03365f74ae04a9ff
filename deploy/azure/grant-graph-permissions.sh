#!/usr/bin/env bash
# Grants the worker's identity the Microsoft Graph application permissions its actions need, and
# nothing else: User.RevokeSessions.All (revoke), User.EnableDisableAccount.All and User.Read.All
# (disable), GroupMember.Read.All (groups and PROTECTED_GROUPS), RoleManagement.Read.Directory
# (who holds a privileged directory role, actively or through PIM). Idempotent: a permission already
# granted is left alone. Needs `az login` as a Privileged Role Administrator or Global
# Administrator (app role assignments to Graph need admin consent).
#
# Usage: deploy/azure/grant-graph-permissions.sh WORKER_PRINCIPAL_ID
#   WORKER_PRINCIPAL_ID: the Bicep output workerPrincipalId (the identity's service principal object id)
# Then, from a pod or with the identity's credentials: offboarding-worker check
set -euo pipefail

PERMISSIONS=(User.RevokeSessions.All User.EnableDisableAccount.All User.Read.All GroupMember.Read.All
  RoleManagement.Read.Directory)
# The containment actions' permissions, only when events will ask for them (GRANT_CONTAINMENT=true):
# resetPassword, confirmCompromised (needs Entra ID P2), disableDevices and enableDevices, and reading
# domains (resetPassword skips users of a federated domain). Their directory roles (User
# Administrator, Cloud Device Administrator) are assigned separately: see docs/containment.md.
if [ "${GRANT_CONTAINMENT:-false}" = true ]; then
  PERMISSIONS+=(User-PasswordProfile.ReadWrite.All IdentityRiskyUser.ReadWrite.All Device.ReadWrite.All
    Domain.Read.All)
fi
GRAPH_APP_ID=00000003-0000-0000-c000-000000000000
GRAPH=${GRAPH_URL:-https://graph.microsoft.com/v1.0}

if [ $# -ne 1 ] || ! [[ $1 =~ ^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$ ]]; then
  echo "usage: $0 WORKER_PRINCIPAL_ID (the object id of the worker identity's service principal)" >&2
  exit 2
fi
principal=$1

graph_sp=$(az ad sp show --id "$GRAPH_APP_ID" --query id -o tsv)
granted=$(az rest --method GET --uri "$GRAPH/servicePrincipals/$principal/appRoleAssignments" \
  --query "value[?resourceId=='$graph_sp'].appRoleId" -o tsv)

for permission in "${PERMISSIONS[@]}"; do
  role=$(az ad sp show --id "$GRAPH_APP_ID" \
    --query "appRoles[?value=='$permission' && contains(allowedMemberTypes, 'Application')].id | [0]" -o tsv)
  if [ -z "$role" ]; then
    echo "Graph has no application permission $permission" >&2
    exit 1
  fi
  if grep -qx "$role" <<<"$granted"; then
    echo "already granted: $permission"
    continue
  fi
  az rest --method POST --uri "$GRAPH/servicePrincipals/$principal/appRoleAssignments" \
    --headers "Content-Type=application/json" \
    --body "{\"principalId\": \"$principal\", \"resourceId\": \"$graph_sp\", \"appRoleId\": \"$role\"}" >/dev/null
  echo "granted: $permission"
done
echo "New tokens carry the roles within minutes; a running worker's preflight picks them up on its next check."
