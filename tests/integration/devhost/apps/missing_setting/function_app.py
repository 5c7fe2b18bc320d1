"""A test app for devhost: a queue name from an app setting that is not set."""

import azure.functions as func

app = func.FunctionApp()


@app.queue_trigger(arg_name="msg", queue_name="%DHB_NOT_SET%", connection="AzureWebJobsStorage")
def orphan(msg: func.QueueMessage) -> None:
    pass
