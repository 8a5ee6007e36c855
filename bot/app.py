"""ASGI app factory: wires settings, database, Rasa client, router and routes.

Nothing is built at import time; ``create_app`` builds everything, and the lifespan
migrates the database and closes clients on shutdown.
Run it with ``uvicorn bot.app:create_app --factory`` (``huurhulp run`` does).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from anyio import to_thread
from fastapi import FastAPI
from fastapi.responses import FileResponse, JSONResponse

from bot import retention
from bot.auth import LoginLimiter, LoginPolicy
from bot.channels import telegram, webchat, widget
from bot.console import routes as console
from bot.dependencies import Gateway, GatewayDep
from bot.errors import install_error_handlers
from bot.handoff import HandoffService
from bot.health import PartStatus, check_all
from bot.hub import Hub, RedisHub
from bot.office_hours import OfficeHours
from bot.rasa_client import RasaClient
from bot.router import Router
from bot.settings import Settings, get_settings
from bot.storage.database import Database

STATIC_DIR = Path(__file__).resolve().parent / "static"
log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the gateway app. Fails fast when the settings are incomplete."""
    settings = settings or get_settings()
    # httpx logs every URL at INFO, and Rasa's API token travels in the query string.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    token = settings.rasa_token.get_secret_value()
    if not token:
        raise SystemExit("HUURHULP_RASA_TOKEN is not set: the gateway needs Rasa's HTTP API token.")
    db = Database(settings.effective_database_url)
    # One or several Rasa servers; a conversation always goes to the same one (bot/rasa_client.py).
    rasa = RasaClient(settings.rasa_server_urls, token, settings.rasa_timeout)
    # With Redis, live updates travel between gateway processes; without, they stay in this one.
    hub = RedisHub(settings.redis_url) if settings.redis_url else Hub()
    handoff = HandoffService(db, rasa, hub, OfficeHours.parse(settings.office_hours))
    gateway = Gateway(
        settings=settings,
        db=db,
        rasa=rasa,
        hub=hub,
        handoff=handoff,
        router=Router(db, rasa, settings.effective_action_url, handoff),
        login_limiter=LoginLimiter(
            LoginPolicy(
                per_user_and_address=settings.login_attempts_per_minute,
                per_address=settings.login_attempts_per_address_per_minute,
            ),
            settings.redis_url,
        ),
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await to_thread.run_sync(db.migrate)
        await hub.start()
        telegram_channel = gateway.telegram
        if telegram_channel is not None:
            await telegram_channel.start()
        # Retention: erase what was closed or idle too long, once a day (bot/retention.py).
        purging = retention.start_daily_purge(db, settings)
        log.info("gateway ready; rasa at %s", settings.effective_rasa_url)
        try:
            yield
        finally:
            if purging is not None:
                purging.cancel()
                await asyncio.gather(purging, return_exceptions=True)
            await retention.cancel_sweeps()
            if telegram_channel is not None:
                await telegram_channel.stop()
            await hub.stop()
            await rasa.aclose()
            db.dispose()

    app = FastAPI(title="Huurhulp gateway", version="0.1.0", lifespan=lifespan)
    # The one app.state entry: routes get its parts through the typed dependencies.
    app.state.gateway = gateway
    gateway.telegram = telegram.setup(app, gateway)  # None without HUURHULP_TELEGRAM_TOKEN
    install_error_handlers(app)
    app.include_router(webchat.router)
    app.include_router(widget.router)
    app.add_middleware(widget.WebApiCors, origins=settings.widget_origin_list)
    app.include_router(console.pages)
    app.include_router(console.api)

    @app.get("/healthz", tags=["health"])
    async def healthz(services: GatewayDep) -> JSONResponse:
        """200 when Rasa, the action server and the database (and Redis, when configured) answer;
        503 naming the failing part."""
        parts = await check_all(services.rasa, services.settings.effective_action_url, services.db)
        if services.settings.redis_url:  # live updates between gateway processes
            connected = services.hub.connected
            parts["redis"] = PartStatus(connected, "" if connected else "hub not subscribed")
        ok = all(part.ok for part in parts.values())
        body = {
            "status": "ok" if ok else "degraded",
            "down": [name for name, part in parts.items() if not part.ok],
            "parts": {name: part.to_dict() for name, part in parts.items()},
        }
        return JSONResponse(body, status_code=200 if ok else 503)

    @app.get("/", include_in_schema=False)
    async def demo_page() -> FileResponse:
        """A plain page that chats through the web chat API."""
        return FileResponse(STATIC_DIR / "demo.html", media_type="text/html")

    return app
