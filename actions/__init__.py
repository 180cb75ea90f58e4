"""Custom actions, one module per topic (billing, meter, outage, handoff, ...).

Actions stay thin: read the tracker, call a service in bot/services, render the reply.
The action server listens on 127.0.0.1 only (Procfile: SANIC_HOST=127.0.0.1).
"""
