"""The gateway's database: :class:`bot.storage.database.Database` and its areas.

Modules: ``engine`` (sessions, SQLite transactions, migrations), ``records`` (what callers
get back), ``conversations`` (and messages), ``cases`` (the queue and notes),
``caseworkers`` (and console sessions), ``outbox``, ``audit``, ``privacy`` (erasure, the
retention purge's selection, consents) and ``tracker`` (Rasa's copy in its tracker store);
``rows`` holds the locks and the one function that moves a conversation and its case together.
"""
