"""The words both sides of Huurhulp share: stages, priorities, languages and lexicons.

The gateway (``bot``) and the dialogue side (``actions``: the Rasa components and the
action server) both import this package and never each other, so each process loads
only what it runs.
"""
