"""The Billecta REST API boundary: endpoint table, wire models and the typed client."""
