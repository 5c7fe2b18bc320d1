# The function app as a container, for hosts other than Flex Consumption (Kubernetes with
# KEDA: deploy/keda/, Azure Container Apps, a VM). Storage is reached by identity, as on
# Flex: pass the AzureWebJobsStorage__* settings (see docs/deploy.md), never a key.
#   docker build -t magictoolbox-api .
#   docker run -p 8080:80 -e AzureWebJobsStorage__accountName=... magictoolbox-api
FROM mcr.microsoft.com/azure-functions/python:4-python3.11

ENV AzureWebJobsScriptRoot=/home/site/wwwroot \
    AzureFunctionsJobHost__Logging__Console__IsEnabled=true \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

COPY requirements.txt /
RUN pip install -r /requirements.txt

# Only what the app runs: the same set .funcignore keeps in the Flex package.
COPY host.json function_app.py /home/site/wwwroot/
COPY functions /home/site/wwwroot/functions
COPY shared /home/site/wwwroot/shared
COPY processors /home/site/wwwroot/processors
