"""The app's own doctypes, where one capability reacts to another's events."""
