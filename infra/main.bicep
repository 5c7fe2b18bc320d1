// MagicToolbox on Azure: Flex Consumption function app + Storage + Event Grid + monitoring
// + Static Web Apps, in one resource group, with no keys: every caller uses Entra ID.
// Event Grid subscriptions need the app's blobs_extension key, which exists only after the
// code is deployed, so azd's postdeploy hook (infra/hooks/postdeploy.py) creates them.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; used to derive a unique token for resource names.')
param environmentName string

@minLength(1)
@description('Primary location for all resources.')
@metadata({ azd: { type: 'location' } })
param location string

@description('Static Web Apps is offered in a few regions only; the site is global anyway.')
@allowed(['westus2', 'centralus', 'eastus2', 'westeurope', 'eastasia'])
param siteLocation string = 'westeurope'

@description('Object id of the deploying user: gets data access to the storage account to create API keys. Leave empty to skip.')
param principalId string = ''

@allowed(['User', 'ServicePrincipal'])
@description('Kind of principalId: ServicePrincipal when a CI pipeline runs azd.')
param principalType string = 'User'

@allowed([512, 2048, 4096])
@description('Memory per Flex Consumption instance (MB). Video and OCR tools want 2048 or more.')
param instanceMemoryMB int = 2048

@minValue(1)
@maxValue(1000)
@description('Upper bound on Flex Consumption instances (also caps the bill).')
param maximumInstanceCount int = 40

param resourceGroupName string = ''

@secure()
@description('Signs download links. A new one per provision unless given (`azd env set` plus main.parameters.json); links live an hour, and DOWNLOAD_LINK_SECRETS may list old,new to rotate without a gap.')
param downloadLinkSecrets string = newGuid()

// The tool categories: one uploads container, one processed container and one jobs queue
// each. Must equal processors.registry.categories(); tests/unit/infra checks it.
var categories = [
  'data'
  'gpx'
  'image'
  'ocr'
  'pdf'
  'spreadsheet'
  'video'
]

// Minutes an output stays downloadable, per category (RETENTION_MINUTES_<CATEGORY>).
var retentionMinutes = {
  data: 1440
  gpx: 1440
  image: 10
  ocr: 1440
  pdf: 1440
  spreadsheet: 1440
  video: 10
}

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var functionAppName = '${abbrs.webSitesFunctions}${resourceToken}'
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(resourceToken, 7)}'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    location: location
    tags: tags
  }
}

module site 'app/staticsite.bicep' = {
  name: 'site'
  scope: rg
  params: {
    name: '${abbrs.webStaticSites}${resourceToken}'
    location: siteLocation
    tags: tags
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    categories: categories
    retentionMinutes: retentionMinutes
    deploymentContainerName: deploymentContainerName
    siteOrigin: site.outputs.origin
  }
}

module api 'app/function.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: functionAppName
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainerName
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    siteOrigin: site.outputs.origin
    categories: categories
    retentionMinutes: retentionMinutes
    downloadLinkSecrets: downloadLinkSecrets
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    identityPrincipalId: identity.outputs.principalId
    userPrincipalId: principalId
    userPrincipalType: principalType
  }
}

module eventGrid 'app/eventgrid.bicep' = {
  name: 'eventgrid'
  scope: rg
  params: {
    name: '${abbrs.eventGridSystemTopics}${resourceToken}'
    location: location
    tags: tags
    storageAccountName: storage.outputs.name
  }
}

// azd writes these into the environment; the hooks read them.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output AZURE_EVENTGRID_SYSTEM_TOPIC_NAME string = eventGrid.outputs.name
output INGEST_CATEGORIES string = join(categories, ',')
output SERVICE_API_URI string = api.outputs.uri
output SERVICE_WEB_URI string = site.outputs.origin
