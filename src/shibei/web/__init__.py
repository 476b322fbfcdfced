"""The web platform: FastAPI app factory (`shibei.web.app.create_app`), server-rendered
pages in Chinese, the JSON API under /api, static assets vendored from npm."""
