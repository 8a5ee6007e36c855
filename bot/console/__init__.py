"""The caseworker console: login, queue, case view, replies (routes, static pages, canned replies)."""
