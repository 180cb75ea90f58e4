"""The production profile, runnable on one machine (issue 15): ``make run-prod``.

PostgreSQL (utility data, tracker store), Redis (lock store, rate limits, widget pub/sub),
RabbitMQ (Rasa's event broker for the desk), two Rasa instances and two action servers
behind nginx, the web app and the notifier, all with ``BOT_ENV=production`` and strong
secrets, under our supervisor. The same layout as containers is in deploy/.

- :mod:`bot.prod.profile`: ports, environment, secrets, databases, the Procfile
- :mod:`bot.prod.nginx`: the balancer's configuration (and the routing choice)
- :mod:`bot.prod.launch`: prepare and start (also used by the e2e test)
- :mod:`bot.prod.load`: a closed-loop conversation load (one instance against two)

docs/operations.md, "Production profile", tells how to run and size it.
"""
