"""A test app for devhost: a blob trigger whose connection names no setting."""

import azure.functions as func

app = func.FunctionApp()


@app.blob_trigger(arg_name="stream", path="dhb-nowhere/{name}", connection="DhbNowhere")
def nowhere(stream: func.InputStream) -> None:
    pass
