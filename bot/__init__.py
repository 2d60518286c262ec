"""billecta-bot: Billecta invoicing and debt collection from Slack and the shell."""

__version__ = "0.1.0"
