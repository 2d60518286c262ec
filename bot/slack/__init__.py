"""The Slack side of the bot: the Bolt app factory, the HTTP/Socket Mode server, the Slack notifier,
roles from Slack user groups, and the one output layer every message and modal goes through."""
