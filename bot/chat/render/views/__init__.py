"""One module per answer a user can ask for; each renders an answer model into a `Screen`."""
