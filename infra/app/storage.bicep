// The storage account: app data (containers, queues, tables per category), the Functions
// host's own state and the deployment package. Shared Key is disabled: identity only.
param name string
param location string
param tags object = {}
@description('Tool categories: each gets {category}-uploads, {category}-processed and {category}-jobs.')
param categories array
@description('Minutes outputs stay downloadable, per category; the lifecycle rule is a day-granular backstop.')
param retentionMinutes object
param deploymentContainerName string
@description('The site origin allowed to PUT uploads straight to blob storage with a SAS.')
param siteOrigin string

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    supportsHttpsTrafficOnly: true
    minimumTlsVersion: 'TLS1_2'
    dnsEndpointType: 'Standard'
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    cors: {
      corsRules: [
        {
          allowedOrigins: [siteOrigin]
          allowedMethods: ['PUT', 'OPTIONS', 'GET', 'HEAD']
          allowedHeaders: ['x-ms-*', 'content-type', 'content-length']
          exposedHeaders: ['x-ms-*', 'etag', 'content-length', 'content-type']
          maxAgeInSeconds: 3600
        }
      ]
    }
  }
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
}

resource uploadContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [
  for category in categories: {
    parent: blobService
    name: '${category}-uploads'
  }
]

resource processedContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [
  for category in categories: {
    parent: blobService
    name: '${category}-processed'
  }
]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

// The host creates the -poison queues itself when it first moves a message there.
resource jobQueues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [
  for category in categories: {
    parent: queueService
    name: '${category}-jobs'
  }
]

// Webhook deliveries, one message per attempt (shared/pipeline/webhooks.py).
resource webhooksQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: 'webhooks'
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource jobsTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = {
  parent: tableService
  name: 'jobs'
}

resource apikeysTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = {
  parent: tableService
  name: 'apikeys'
}

resource webhookSecretsTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = {
  parent: tableService
  name: 'webhooksecrets'
}

// A backstop to the cleanup timer, which does the real, minute-precise expiry.
var uploadRules = [
  for category in categories: {
    name: 'expire-${category}-uploads'
    enabled: true
    type: 'Lifecycle'
    definition: {
      filters: { blobTypes: ['blockBlob'], prefixMatch: ['${category}-uploads/'] }
      actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: 1 } } }
    }
  }
]

var processedRules = [
  for category in categories: {
    name: 'expire-${category}-processed'
    enabled: true
    type: 'Lifecycle'
    definition: {
      filters: { blobTypes: ['blockBlob'], prefixMatch: ['${category}-processed/'] }
      actions: {
        baseBlob: {
          delete: { daysAfterModificationGreaterThan: (retentionMinutes[category] + 1439) / 1440 }
        }
      }
    }
  }
]

resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    policy: {
      rules: concat(uploadRules, processedRules)
    }
  }
  dependsOn: [uploadContainers, processedContainers]
}

output name string = storage.name
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output queueEndpoint string = storage.properties.primaryEndpoints.queue
output tableEndpoint string = storage.properties.primaryEndpoints.table
