// The storage account's Event Grid system topic. Its subscriptions (one per blob-trigger
// function) are created by the postdeploy hook: the webhook URL carries the app's
// blobs_extension key, which only exists once the code is running.
param name string
param location string
param tags object = {}
param storageAccountName string

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource topic 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

output name string = topic.name
