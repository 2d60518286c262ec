"""Slack listeners, thin: parse the surface, authorize, ack, open a modal, hand over to a flow.

`handlers.listeners.register_all(app)` wires every listener module, in one explicit list.
"""
