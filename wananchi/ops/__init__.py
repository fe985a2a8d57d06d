"""What an operator of several machines needs: readiness, Prometheus metrics, and JSON logs with request ids."""
