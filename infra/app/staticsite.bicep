// The single-page site on Azure Static Web Apps (Free). azd deploys static_site/dist; the
// prepackage hook writes dist/config.json with the API's URL first.
param name string
param location string
param tags object = {}

resource site 'Microsoft.Web/staticSites@2023-12-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'web' })
  sku: { name: 'Free', tier: 'Free' }
  properties: {}
}

output name string = site.name
output origin string = 'https://${site.properties.defaultHostname}'
