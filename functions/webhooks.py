"""Queue triggers for webhook deliveries: `webhooks` (one attempt each) and its `-poison`."""

import azure.functions as func

from shared.context import get_services
from shared.naming import WEBHOOKS_POISON_QUEUE, WEBHOOKS_QUEUE
from shared.pipeline import webhooks

bp = func.Blueprint()


@bp.function_name("deliver_webhook")
@bp.queue_trigger(arg_name="msg", queue_name=WEBHOOKS_QUEUE, connection="AzureWebJobsStorage")
def deliver_webhook(msg: func.QueueMessage) -> None:
    webhooks.attempt(get_services(), msg.get_body().decode("utf-8"))


@bp.function_name("webhook_poison")
@bp.queue_trigger(
    arg_name="msg", queue_name=WEBHOOKS_POISON_QUEUE, connection="AzureWebJobsStorage"
)
def webhook_poison(msg: func.QueueMessage) -> None:
    webhooks.give_up(get_services(), msg.get_body().decode("utf-8"))
