"""The local services some tests need (Redis, RabbitMQ on their usual ports): whether
they listen, so those tests skip saying why when they do not."""

from __future__ import annotations

import socket

import pytest


def listening(port: int, host: str = "127.0.0.1", timeout: float = 1.0) -> bool:
    try:
        socket.create_connection((host, port), timeout=timeout).close()
        return True
    except OSError:
        return False


def redis_up() -> bool:
    return listening(6379)


def rabbitmq_up() -> bool:
    return listening(5672)


needs_redis = pytest.mark.skipif(not redis_up(), reason="Redis is not running on 127.0.0.1:6379")
needs_rabbitmq = pytest.mark.skipif(not rabbitmq_up(), reason="RabbitMQ is not running on 127.0.0.1:5672")
