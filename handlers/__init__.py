"""Platform-neutral use cases."""

from handlers.router import Router


def build_router() -> Router:
    """Every command, registered in one place."""
    from handlers import (
        approval,
        conversation,
        deflection,
        feedback,
        home,
        intake,
        negotiation,
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
    home.register(router)
    feedback.register(router)
    suggestions.register(router)
    snooze.register(router)
    priority.register(router)
    scorecard.register(router)
    conversation.register(router)
    intake.register(router)
    deflection.register(router)
    approval.register(router)
    negotiation.register(router)
    return router
