// The API and pipeline: a Python 3.11 function app on Flex Consumption (FC1). The code
// package lives in a blob container reached with the user-assigned identity; every storage
// connection is identity-based (AzureWebJobsStorage__*), so no key appears anywhere.
param name string
param planName string
param location string
param tags object = {}
param storageAccountName string
param deploymentContainerName string
param identityId string
param identityClientId string
param applicationInsightsName string
param instanceMemoryMB int
param maximumInstanceCount int
@description('Origin of the site: allowed by the API (platform CORS) and by SITE_ORIGINS.')
param siteOrigin string
param categories array
param retentionMinutes object
@secure()
@description('Signs download links: DOWNLOAD_LINK_SECRETS (comma-separated, the first signs)')
param downloadLinkSecrets string

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { name: 'FC1', tier: 'FlexConsumption' }
  properties: { reserved: true }
}

// Keys are the environment variable names the code reads (shared/settings.py,
// shared/telemetry.py); tests/unit/infra checks that none is missing.
var appSettings = {
  AzureWebJobsStorage__accountName: storage.name
  AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
  AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
  AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  UPLOAD_SAS_MINUTES: '15'
  DOWNLOAD_SAS_MINUTES: '5'
  RECORD_RETENTION_DAYS: '7'
  MAX_UPLOAD_BYTES: '524288000'
  RATE_LIMIT_PER_MINUTE: '120'
  AUTH_FAILURES_PER_MINUTE: '30'
  // One tool run's ceiling: 1.5 GB (OCR of a 24 MP scan peaks at ~0.9 GB, every other tool
  // under 0.5 GB), never more than the instance can give; past it the job fails alone.
  TOOL_MEMORY_MB: string(min(1536, instanceMemoryMB * 3 / 4))
  // What all tool runs of an instance reserve together; the last quarter stays for the
  // Python worker, the zygote and the page cache. 2048 MB (1 vCPU): one tool at a time,
  // 4096 MB (2 vCPU): two; the tool runs are CPU-bound, so that is one per core
  // (docs/deploy.md, "Memory per tool run").
  INSTANCE_MEMORY_MB: string(instanceMemoryMB * 3 / 4)
  PUBLIC_BLOB_ENDPOINT: storage.properties.primaryEndpoints.blob
  SITE_ORIGINS: siteOrigin
  // Webhooks: https to public addresses only; five attempts over about an hour.
  ALLOW_PRIVATE_WEBHOOKS: 'false'
  WEBHOOK_RETRY_DELAYS: '30,120,600,2700'
  DOWNLOAD_LINK_SECRETS: downloadLinkSecrets
  DOWNLOAD_LINK_MINUTES: '60'
  CONVERT_MAX_BYTES: '104857600'
}

// RETENTION_MINUTES_<CATEGORY>, one per category.
var retentionSettings = toObject(
  categories,
  category => 'RETENTION_MINUTES_${toUpper(category)}',
  category => string(retentionMinutes[category])
)

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      cors: { allowedOrigins: [siteOrigin] }
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'python'
        version: '3.11'
      }
    }
  }

  resource settings 'config' = {
    name: 'appsettings'
    properties: union(appSettings, retentionSettings)
  }
}

output name string = functionApp.name
output uri string = 'https://${functionApp.properties.defaultHostName}'
