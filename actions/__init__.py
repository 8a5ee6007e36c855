"""Custom actions for the Rasa action server, one module per feature.

Pure helpers (triage, dates, referral, content) have no Rasa imports, so they can be
tested and reused (``huurhulp triage``) without an action server. ``actions`` never
imports ``bot``: the handoff reaches the gateway as data, in a custom payload.
"""
