// The worker's Azure resources: the Service Bus namespace with exactly the entities of
// deploy/servicebus/config.json (the file both emulators read, loaded here so the two cannot
// drift), the worker's user-assigned identity federated with its Kubernetes service account,
// a second identity for KEDA's scaler, and role assignments scoped to single entities: the
// worker's, the scaler's, and one Data Sender per producer class on that producer's queue.
// Graph application permissions are granted separately: grant-graph-permissions.sh.
// Upgrading from a template that gave the worker Data Sender on the producers' queues: a
// deployment (incremental mode) leaves role assignments it no longer declares in place; delete
// those two by hand (docs/deploying.md, "First deployment, step by step").
// Compile and deploy: az deployment group create -g RG -f deploy/azure/main.bicep -p @deploy/azure/main.parameters.json

@description('Service Bus namespace name, globally unique (6-50 characters).')
@minLength(6)
@maxLength(50)
param serviceBusNamespaceName string

param location string = resourceGroup().location

@description('Standard or Premium: topics and duplicate detection need at least Standard.')
@allowed([
  'Standard'
  'Premium'
])
param serviceBusSku string = 'Standard'

@description('The AKS cluster\'s OIDC issuer URL (az aks show --query oidcIssuerProfile.issuerUrl).')
param oidcIssuerUrl string

@description('Kubernetes namespace and service account of the worker (deploy/kubernetes overlays).')
param kubernetesNamespace string = 'offboarding'
param kubernetesServiceAccount string = 'offboarding-worker'

@description('Kubernetes namespace and service account of KEDA\'s operator, which reads queue lengths.')
param kedaNamespace string = 'keda'
param kedaServiceAccount string = 'keda-operator'

// The queues, one per sender (docs/producers/README.md, "Who may send what"): Service Bus
// stamps no sender on a message, so the queue a message arrives on is its sender's identity, and
// these role assignments are what make it so.
@description('The bulk producers\' queue (SERVICEBUS_QUEUE): leaver, compromise and cancel events from the HR integration.')
param eventsQueue string = 'offboarding-events'

@description('The SIEM\'s queue (SERVICEBUS_URGENT_QUEUE): compromise events of user targets from its playbooks.')
param urgentQueue string = 'offboarding-urgent'

@description('The operators\' queue (SERVICEBUS_OPS_QUEUE): restore, cancel and approve.')
param opsQueue string = 'offboarding-ops'

@description('The worker\'s own queue (SERVICEBUS_INTERNAL_QUEUE): follow-ups, held events and cancellation markers. Only the worker may send to it; never a producer queue.')
param internalQueue string = 'offboarding-internal'

@description('The worker\'s session-enabled state queue (SERVICEBUS_STATE_QUEUE): the mass-action brake\'s counts live in its session state. Only the worker may receive from it; nobody sends to it.')
param stateQueue string = 'offboarding-state'

// One principal per producer class (the object id of its managed identity, service principal or
// group); each gets Azure Service Bus Data Sender on its own queue and nothing else. Empty skips it.
@description('Object id of the HR integration\'s identity (bulk producer): Data Sender on eventsQueue only. Empty: no assignment.')
param hrIntegrationPrincipalId string = ''

@description('Object id of the SIEM playbooks\' identity: Data Sender on urgentQueue only. Empty: no assignment.')
param siemPrincipalId string = ''

@description('Object id of the operators (usually an Entra group): Data Sender on opsQueue only. Empty: no assignment.')
param operatorsPrincipalId string = ''

@description('What operatorsPrincipalId names.')
@allowed([
  'Group'
  'User'
  'ServicePrincipal'
])
param operatorsPrincipalType string = 'Group'

@description('The audit topic the worker publishes to (SERVICEBUS_AUDIT_TOPIC).')
param auditTopic string = 'offboarding-audit'

@description('Reply entities the worker may send to (SERVICEBUS_REPLY_TO_ALLOWED).')
param replyQueues array = [
  'offboarding-replies'
]

// The entities, their settings, subscriptions and rules: one source for emulators and Azure.
var entities = loadJsonContent('../servicebus/config.json').UserConfig.Namespaces[0]
var subscriptions = flatten(map(entities.Topics, t => map(t.Subscriptions, s => {
  topic: t.Name
  subscription: s
})))
var rules = flatten(map(subscriptions, s => map(s.subscription.Rules, r => {
  topic: s.topic
  subscription: s.subscription.Name
  rule: r
})))
var filteredSubscriptions = filter(subscriptions, s => !empty(s.subscription.Rules))

// Built-in roles (learn.microsoft.com, "Azure built-in roles": Integration).
var dataReceiver = '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0' // Azure Service Bus Data Receiver
var dataSender = '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39' // Azure Service Bus Data Sender
var dataOwner = '090c5cfd-751d-490a-894a-3ce6f1109419' // Azure Service Bus Data Owner (KEDA's scaler, per queue)

resource namespace 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' = {
  name: serviceBusNamespaceName
  location: location
  sku: {
    name: serviceBusSku
    tier: serviceBusSku
  }
  properties: {
    minimumTlsVersion: '1.2'
    // Entra ID only: no SAS key exists that could leak.
    disableLocalAuth: true
  }
}

resource queues 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' = [for q in entities.Queues: {
  parent: namespace
  name: q.Name
  properties: {
    deadLetteringOnMessageExpiration: q.Properties.DeadLetteringOnMessageExpiration
    defaultMessageTimeToLive: q.Properties.DefaultMessageTimeToLive
    duplicateDetectionHistoryTimeWindow: q.Properties.DuplicateDetectionHistoryTimeWindow
    forwardDeadLetteredMessagesTo: empty(q.Properties.ForwardDeadLetteredMessagesTo) ? null : q.Properties.ForwardDeadLetteredMessagesTo
    forwardTo: empty(q.Properties.ForwardTo) ? null : q.Properties.ForwardTo
    lockDuration: q.Properties.LockDuration
    maxDeliveryCount: q.Properties.MaxDeliveryCount
    requiresDuplicateDetection: q.Properties.RequiresDuplicateDetection
    requiresSession: q.Properties.RequiresSession
  }
}]

resource topics 'Microsoft.ServiceBus/namespaces/topics@2022-10-01-preview' = [for t in entities.Topics: {
  parent: namespace
  name: t.Name
  properties: {
    defaultMessageTimeToLive: t.Properties.DefaultMessageTimeToLive
    duplicateDetectionHistoryTimeWindow: t.Properties.DuplicateDetectionHistoryTimeWindow
    requiresDuplicateDetection: t.Properties.RequiresDuplicateDetection
  }
}]

resource topicSubscriptions 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2022-10-01-preview' = [for s in subscriptions: {
  name: '${serviceBusNamespaceName}/${s.topic}/${s.subscription.Name}'
  properties: {
    deadLetteringOnMessageExpiration: s.subscription.Properties.DeadLetteringOnMessageExpiration
    defaultMessageTimeToLive: s.subscription.Properties.DefaultMessageTimeToLive
    lockDuration: s.subscription.Properties.LockDuration
    maxDeliveryCount: s.subscription.Properties.MaxDeliveryCount
    forwardDeadLetteredMessagesTo: empty(s.subscription.Properties.ForwardDeadLetteredMessagesTo) ? null : s.subscription.Properties.ForwardDeadLetteredMessagesTo
    forwardTo: empty(s.subscription.Properties.ForwardTo) ? null : s.subscription.Properties.ForwardTo
    requiresSession: s.subscription.Properties.RequiresSession
  }
  dependsOn: [
    topics
  ]
}]

resource subscriptionRules 'Microsoft.ServiceBus/namespaces/topics/subscriptions/rules@2022-10-01-preview' = [for r in rules: {
  name: '${serviceBusNamespaceName}/${r.topic}/${r.subscription}/${r.rule.Name}'
  properties: {
    filterType: '${r.rule.Properties.FilterType}Filter'
    correlationFilter: r.rule.Properties.FilterType == 'Correlation' ? {
      label: r.rule.Properties.CorrelationFilter.?Label
      correlationId: r.rule.Properties.CorrelationFilter.?CorrelationId
    } : null
    sqlFilter: r.rule.Properties.FilterType == 'Sql' ? {
      sqlExpression: r.rule.Properties.SqlFilter.SqlExpression
    } : null
  }
  dependsOn: [
    topicSubscriptions
  ]
}]

// Azure gives every new subscription a $Default rule that matches everything; a subscription
// with rules of its own in config.json must see only what they match, as in the emulators.
resource defaultRules 'Microsoft.ServiceBus/namespaces/topics/subscriptions/rules@2022-10-01-preview' = [for s in filteredSubscriptions: {
  name: '${serviceBusNamespaceName}/${s.topic}/${s.subscription.Name}/$Default'
  properties: {
    filterType: 'SqlFilter'
    sqlFilter: {
      sqlExpression: '1=0'
    }
  }
  dependsOn: [
    topicSubscriptions
  ]
}]

resource worker 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${serviceBusNamespaceName}-worker'
  location: location
}

resource workerFederation 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31' = {
  parent: worker
  name: 'kubernetes-${kubernetesNamespace}-${kubernetesServiceAccount}'
  properties: {
    issuer: oidcIssuerUrl
    subject: 'system:serviceaccount:${kubernetesNamespace}:${kubernetesServiceAccount}'
    audiences: [
      'api://AzureADTokenExchange'
    ]
  }
}

resource scaler 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${serviceBusNamespaceName}-scaler'
  location: location
}

resource scalerFederation 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31' = {
  parent: scaler
  name: 'kubernetes-${kedaNamespace}-${kedaServiceAccount}'
  properties: {
    issuer: oidcIssuerUrl
    subject: 'system:serviceaccount:${kedaNamespace}:${kedaServiceAccount}'
    audiences: [
      'api://AzureADTokenExchange'
    ]
  }
}

resource events 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' existing = {
  parent: namespace
  name: eventsQueue
}

resource urgent 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' existing = {
  parent: namespace
  name: urgentQueue
}

resource ops 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' existing = {
  parent: namespace
  name: opsQueue
}

resource internal 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' existing = {
  parent: namespace
  name: internalQueue
}

resource state 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' existing = {
  parent: namespace
  name: stateQueue
}

resource replyQueue 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' existing = [for name in replyQueues: {
  parent: namespace
  name: name
}]

resource audit 'Microsoft.ServiceBus/namespaces/topics@2022-10-01-preview' existing = {
  parent: namespace
  name: auditTopic
}

// The producers: Data Sender on their own queue, nothing anywhere else (never the namespace, never
// the internal or state queue). Whoever may send to a queue speaks for everything that queue
// carries, within its policy (docs/producers/README.md, "Who may send what").
resource hrIntegrationSends 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(hrIntegrationPrincipalId)) {
  name: guid(events.id, hrIntegrationPrincipalId, dataSender)
  scope: events
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataSender)
    principalId: hrIntegrationPrincipalId
    principalType: 'ServicePrincipal'
  }
  dependsOn: [
    queues
  ]
}

resource siemSends 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(siemPrincipalId)) {
  name: guid(urgent.id, siemPrincipalId, dataSender)
  scope: urgent
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataSender)
    principalId: siemPrincipalId
    principalType: 'ServicePrincipal'
  }
  dependsOn: [
    queues
  ]
}

resource operatorsSend 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(operatorsPrincipalId)) {
  name: guid(ops.id, operatorsPrincipalId, dataSender)
  scope: ops
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataSender)
    principalId: operatorsPrincipalId
    principalType: operatorsPrincipalType
  }
  dependsOn: [
    queues
  ]
}

// The worker: receive on the producers' queues, never send there. Follow-ups of big events, events
// held until their effectiveAt, cancellation markers and the cancelling of scheduled messages are
// sends to its own queue, and the brake's counters live in session state on the state queue: it
// alone may send to those two. Send on the audit topic and the reply entities; nothing else.
resource workerReceivesEvents 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(events.id, worker.id, dataReceiver)
  scope: events
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataReceiver)
    principalId: worker.properties.principalId
    principalType: 'ServicePrincipal'
  }
  dependsOn: [
    queues
  ]
}

resource workerReceivesUrgent 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(urgent.id, worker.id, dataReceiver)
  scope: urgent
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataReceiver)
    principalId: worker.properties.principalId
    principalType: 'ServicePrincipal'
  }
  dependsOn: [
    queues
  ]
}

resource workerReceivesOps 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(ops.id, worker.id, dataReceiver)
  scope: ops
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataReceiver)
    principalId: worker.properties.principalId
    principalType: 'ServicePrincipal'
  }
  dependsOn: [
    queues
  ]
}

resource workerInternalReceives 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(internal.id, worker.id, dataReceiver)
  scope: internal
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataReceiver)
    principalId: worker.properties.principalId
    principalType: 'ServicePrincipal'
  }
  dependsOn: [
    queues
  ]
}

resource workerInternalSends 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(internal.id, worker.id, dataSender)
  scope: internal
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataSender)
    principalId: worker.properties.principalId
    principalType: 'ServicePrincipal'
  }
  dependsOn: [
    queues
  ]
}

// The mass-action brake's counts: accepting a session and reading or writing its state is a
// receiver's right. No one is given Send: no message ever goes to this queue.
resource workerStateReceives 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(state.id, worker.id, dataReceiver)
  scope: state
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataReceiver)
    principalId: worker.properties.principalId
    principalType: 'ServicePrincipal'
  }
  dependsOn: [
    queues
  ]
}

resource workerAudits 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(audit.id, worker.id, dataSender)
  scope: audit
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataSender)
    principalId: worker.properties.principalId
    principalType: 'ServicePrincipal'
  }
  dependsOn: [
    topics
  ]
}

resource workerReplies 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (name, i) in replyQueues: {
  name: guid(replyQueue[i].id, worker.id, dataSender)
  scope: replyQueue[i]
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataSender)
    principalId: worker.properties.principalId
    principalType: 'ServicePrincipal'
  }
  dependsOn: [
    queues
  ]
}]

// KEDA's azure-servicebus scaler reads a queue's active message count with the data-plane
// administration client (GetQueueRuntimeProperties), which needs the Manage right; Service Bus
// defines no narrower data action, so Data Owner is the narrowest role that serves (docs/deploying.md,
// "Least privilege for KEDA and the pod"). It is confined to the scaler's own identity, federated
// to KEDA's operator alone, and to the queues a trigger names: the producers' three and the
// internal one (follow-ups are work too). Never the state queue: its sessions hold counters, not
// work. Data Owner includes Send, so on the internal queue the scaler's identity is the one
// principal besides the worker that could write there.
resource scalerReadsEvents 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(events.id, scaler.id, dataOwner)
  scope: events
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataOwner)
    principalId: scaler.properties.principalId
    principalType: 'ServicePrincipal'
  }
  dependsOn: [
    queues
  ]
}

resource scalerReadsUrgent 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(urgent.id, scaler.id, dataOwner)
  scope: urgent
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataOwner)
    principalId: scaler.properties.principalId
    principalType: 'ServicePrincipal'
  }
  dependsOn: [
    queues
  ]
}

resource scalerReadsOps 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(ops.id, scaler.id, dataOwner)
  scope: ops
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataOwner)
    principalId: scaler.properties.principalId
    principalType: 'ServicePrincipal'
  }
  dependsOn: [
    queues
  ]
}

resource scalerReadsInternal 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(internal.id, scaler.id, dataOwner)
  scope: internal
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataOwner)
    principalId: scaler.properties.principalId
    principalType: 'ServicePrincipal'
  }
  dependsOn: [
    queues
  ]
}

@description('SERVICEBUS_NAMESPACE for the worker.')
output serviceBusHost string = '${namespace.name}.servicebus.windows.net'
@description('The ScaledObject triggers\' namespace.')
output serviceBusNamespaceName string = namespace.name
@description('azure.workload.identity/client-id of the worker\'s service account.')
output workerClientId string = worker.properties.clientId
@description('The object id grant-graph-permissions.sh gives Graph\'s app roles to.')
output workerPrincipalId string = worker.properties.principalId
@description('identityId of the KEDA TriggerAuthentication.')
output scalerClientId string = scaler.properties.clientId
