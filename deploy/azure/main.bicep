// The worker's Azure resources: the Service Bus namespace with exactly the entities of
// deploy/servicebus/config.json (the file both emulators read, loaded here so the two cannot
// drift), the worker's user-assigned identity federated with its Kubernetes service account,
// a second identity for KEDA's scaler, and role assignments scoped to single entities.
// Graph application permissions are granted separately: grant-graph-permissions.sh.
// Upgrading from a template that gave the worker Data Sender on the producers' queues: a
// deployment (incremental mode) leaves role assignments it no longer declares in place; delete
// those two by hand (README, "First deployment, step by step").
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

@description('The producers\' queues (SERVICEBUS_QUEUE, SERVICEBUS_URGENT_QUEUE): the worker receives from them and never sends to them.')
param receiveQueues array = [
  'offboarding-events'
  'offboarding-urgent'
]

@description('The worker\'s own queue (SERVICEBUS_INTERNAL_QUEUE): follow-ups, held events and cancellation markers. Only the worker may send to it; never a producer queue.')
param internalQueue string = 'offboarding-internal'

@description('The worker\'s session-enabled state queue (SERVICEBUS_STATE_QUEUE): the mass-action brake\'s counts live in its session state. Only the worker may receive from it; nobody sends to it.')
param stateQueue string = 'offboarding-state'

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
var dataOwner = '090c5cfd-751d-490a-894a-3ce6f1109419' // Azure Service Bus Data Owner (scaler, per queue)

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

resource receiveQueue 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' existing = [for name in receiveQueues: {
  parent: namespace
  name: name
}]

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

// The worker: receive on the producers' queues, never send there (Service Bus stamps no sender on
// a message, so the queue is the sender's identity: whoever may send to a queue speaks for
// everything that queue carries). Follow-ups of big events, events held until their effectiveAt,
// cancellation markers and the cancelling of scheduled messages are sends to its own queue, which
// it alone may send to. Send on the audit topic and the reply entities; nothing else.
resource workerReceives 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (name, i) in receiveQueues: {
  name: guid(receiveQueue[i].id, worker.id, dataReceiver)
  scope: receiveQueue[i]
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataReceiver)
    principalId: worker.properties.principalId
    principalType: 'ServicePrincipal'
  }
  dependsOn: [
    queues
  ]
}]

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

// KEDA reads a queue's message count through the entity's runtime properties, which the data
// receiver role does not include; the scaler's own identity gets it on the worker's queues only:
// the producers' queues and the internal one (follow-ups are work too). Data Owner includes Send,
// so on the internal queue the scaler's identity, federated to KEDA's operator alone, is the one
// principal besides the worker that could write there.
resource scalerReads 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (name, i) in receiveQueues: {
  name: guid(receiveQueue[i].id, scaler.id, dataOwner)
  scope: receiveQueue[i]
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataOwner)
    principalId: scaler.properties.principalId
    principalType: 'ServicePrincipal'
  }
  dependsOn: [
    queues
  ]
}]

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
