#!/usr/bin/env bash
# Makes sure the PostgreSQL and RabbitMQ that the tests use are up on this machine.
# Tests take BUURT_TEST_DATABASE_URL / BUURT_TEST_AMQP_URL when set (then nothing is started here),
# or start containers with testcontainers where a Docker engine runs.
set -u

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if [ -z "${BUURT_TEST_DATABASE_URL:-}" ] && ! port_open 5432; then
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
fi

if [ -z "${BUURT_TEST_AMQP_URL:-}" ]; then
  if ! port_open 5672 && command -v rabbitmq-server >/dev/null 2>&1; then
    echo "starting RabbitMQ"
    rabbitmq-server -detached || true
    for _ in $(seq 1 60); do port_open 5672 && break; sleep 1; done
  fi
  # The management API creates a vhost per test in milliseconds (rabbitmqctl takes seconds).
  if port_open 5672 && ! port_open 15672 && command -v rabbitmq-plugins >/dev/null 2>&1; then
    rabbitmq-plugins enable --quiet rabbitmq_management >/dev/null 2>&1 || true
    # Intake's rate limits are tested on a shared Redis store too.
if [ -z "${BUURT_TEST_REDIS_URL:-}" ] && ! port_open 6379 && command -v redis-server >/dev/null 2>&1; then
  echo "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null || true
fi

for _ in $(seq 1 30); do port_open 15672 && break; sleep 1; done
  fi
fi

# Intake's rate limits are tested on a shared Redis store too.
if [ -z "${BUURT_TEST_REDIS_URL:-}" ] && ! port_open 6379 && command -v redis-server >/dev/null 2>&1; then
  echo "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null || true
fi

for _ in $(seq 1 30); do
  { [ -n "${BUURT_TEST_DATABASE_URL:-}" ] || port_open 5432; } && { [ -n "${BUURT_TEST_AMQP_URL:-}" ] || port_open 5672; } && exit 0
  sleep 1
done
echo "warning: PostgreSQL or RabbitMQ is not reachable; tests will use Docker if it runs, or fail" >&2
exit 0
