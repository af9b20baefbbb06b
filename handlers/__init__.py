"""Platform-neutral use cases."""

from handlers.router import Router


def build_router() -> Router:
    """Every command, registered in one place."""
    from handlers import (
        conversation,
        feedback,
        priority,
        requests,
        scorecard,
        snooze,
        suggestions,
        views,
    )

    router = Router()
    requests.register(router)
    views.register(router)
    feedback.register(router)
    suggestions.register(router)
    snooze.register(router)
    priority.register(router)
    scorecard.register(router)
    conversation.register(router)
    return router
