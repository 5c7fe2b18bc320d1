"""The retention timer: every 5 minutes; the sweep itself is shared.pipeline.cleanup."""

import azure.functions as func

from shared.context import get_services
from shared.pipeline.cleanup import sweep

bp = func.Blueprint()


@bp.function_name("cleanup")
@bp.timer_trigger(arg_name="timer", schedule="0 */5 * * * *", run_on_startup=False)
def cleanup(timer: func.TimerRequest) -> None:
    sweep(get_services())
