"""Queue triggers per category: `{category}-jobs` runs jobs, `-poison` fails the hopeless."""

import azure.functions as func

from processors.registry import categories
from shared.context import get_services
from shared.naming import poison_queue, queue_name
from shared.pipeline.process import poison_message, process_message

bp = func.Blueprint()


def _register(category: str) -> None:
    @bp.function_name(f"process_{category}")
    @bp.queue_trigger(
        arg_name="msg", queue_name=queue_name(category), connection="AzureWebJobsStorage"
    )
    def process(msg: func.QueueMessage) -> None:
        process_message(get_services(), msg.get_body().decode("utf-8"), message_id=msg.id)

    @bp.function_name(f"poison_{category}")
    @bp.queue_trigger(
        arg_name="msg", queue_name=poison_queue(category), connection="AzureWebJobsStorage"
    )
    def poison(msg: func.QueueMessage) -> None:
        poison_message(get_services(), msg.get_body().decode("utf-8"))


for _category in categories():
    _register(str(_category))
