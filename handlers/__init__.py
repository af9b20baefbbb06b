"""Platform-neutral use cases."""

from handlers.router import Router


def build_router() -> Router:
    """Every command, registered in one place."""
    from handlers import feedback, requests, suggestions, views

    router = Router()
    requests.register(router)
    views.register(router)
    feedback.register(router)
    suggestions.register(router)
    return router
